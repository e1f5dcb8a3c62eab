package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks that a webhook really came from its sender, over the raw body bytes.
 *
 * <p>Each built-in scheme is a final class in this package with a {@code builder()}: Standard Webhooks (v1 HMAC and
 * v1a Ed25519), GitHub, Stripe, Shopify, Slack and a generic HMAC scheme. Every built-in verifier accepts several
 * secrets (rotation), compares in constant time and, where the scheme signs a timestamp, rejects requests outside a
 * tolerance measured with an injectable {@code Clock}.
 *
 * <p>A verifier also knows where its provider puts the delivery id ({@link #deliveryId}), which becomes the
 * idempotency key and FIFO deduplication id.
 *
 * <p>Implementations must be thread-safe and immutable.
 */
public interface SignatureVerifier {

  /**
   * Verifies the request's signature.
   *
   * @param headers the request headers
   * @param body the raw body bytes, exactly as received
   * @throws SignatureVerificationException when any check fails; its message names the check for DEBUG logs and is
   *     never sent to the client
   */
  void verify(WebhookHeaders headers, byte[] body);

  /**
   * Verifies a request as of the moment it was received: a signed timestamp is checked against {@code receivedAt}
   * instead of the clock. Consumers call this for webhooks whose signature is checked only after queueing (the API
   * Gateway direct integration), so that a backlog, a retry delay or a redrive hours later does not fail the replay
   * window. {@code receivedAt} must come from the edge that received the request (API Gateway's request time), never
   * from the sender; a replayed request then carries the replay's own, late, time and is still refused.
   *
   * <p>The default calls {@link #verify(WebhookHeaders, byte[])}: right for schemes that sign no timestamp. Verifiers
   * with a replay window override it.
   *
   * @param headers the request headers
   * @param body the raw body bytes, exactly as received
   * @param receivedAt when the request reached the edge
   * @throws SignatureVerificationException when any check fails
   */
  default void verifyAsOf(WebhookHeaders headers, byte[] body, Instant receivedAt) {
    verify(headers, body);
  }

  /**
   * Returns the provider's delivery id for this request, if the scheme has one (for example {@code webhook-id} or
   * {@code X-GitHub-Delivery}). Called only after {@link #verify} succeeded. The default has none, and the receiver
   * then uses a SHA-256 of source and body.
   *
   * @param headers the request headers
   * @param body the raw body bytes
   * @return the provider's id, or empty
   */
  default Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return Optional.empty();
  }

  /** {@return the scheme's short name for logs and metrics, for example {@code github}} */
  String scheme();

  /**
   * Returns whether this verifier checks anything. Only {@link #insecureNoVerification()} returns false; the
   * receiver then records the webhook as not verified.
   *
   * @return true for every real scheme
   */
  default boolean verifies() {
    return true;
  }

  /**
   * Returns a verifier that accepts every request without checking anything.
   *
   * <p>Only for local experiments and for senders that cannot sign (behind a private network you trust). A source
   * needs a verifier, so skipping verification must be asked for by this name; the receiver logs a WARN at build time
   * for each source that uses it.
   *
   * @return a verifier that accepts everything
   */
  static SignatureVerifier insecureNoVerification() {
    return InsecureNoVerification.INSTANCE;
  }
}
