package dev.hookline.core;

/**
 * How a webhook's signature was checked before it was enqueued.
 *
 * <p>The receiver records it on the {@link Webhook} and the envelope carries it to the consumer, which uses it to
 * decide whether it must verify again (for messages that an API Gateway direct integration wrote, no code ran at the
 * edge).
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public enum Verification {
  /** The source's {@code SignatureVerifier} accepted the signature at the edge. */
  VERIFIED,
  /** Nothing verified it yet: the consumer must verify before handling (API Gateway → SQS direct integration). */
  DEFERRED,
  /** The source was explicitly configured without verification ({@code SignatureVerifier.insecureNoVerification()}). */
  SKIPPED
}
