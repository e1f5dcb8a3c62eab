package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;

/**
 * One way senders sign, built once and configured by each provider's preset: {@link HmacFamily} (an HMAC over the
 * body, a timestamped or id-prefixed payload, or the URL and its parameters), {@link PublicKeyFamily} (Ed25519 or
 * ECDSA P-256), {@link TokenFamily} (a shared token compared in constant time). Amazon SNS's certificate-based scheme
 * is {@link SnsVerifier}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
interface Family {

  /**
   * Verifies a request, checking a signed timestamp, if the family has one, against the reference time.
   *
   * @param headers the request headers
   * @param body the raw body
   * @param referenceMillis when the request was received, epoch milliseconds
   * @throws SignatureVerificationException naming the failed check
   */
  void verify(WebhookHeaders headers, byte[] body, long referenceMillis);

  /** Describes the configuration for {@code toString()}: algorithm, header names, key counts; never a secret. */
  String describe();
}
