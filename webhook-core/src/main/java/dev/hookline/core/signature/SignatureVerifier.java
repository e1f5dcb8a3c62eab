package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Checks that a webhook really came from its sender, over the raw body bytes.
 *
 * <p>{@link Providers} builds one for each of its provider presets ({@code Providers.get("github").verifier(secret)});
 * the first built-in schemes are also final classes in this package with a {@code builder()}: Standard Webhooks (v1
 * HMAC and v1a Ed25519), GitHub, Stripe, Shopify, Slack, Amazon SNS and a generic HMAC scheme. Every built-in verifier
 * compares in constant time and, where the scheme signs a timestamp, rejects requests outside a tolerance measured
 * with an injectable {@code Clock}, after checking the signature.
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
   * @throws SignatureVerificationException when any check fails; its {@code check()} and message name the check for
   *     DEBUG logs and are never sent to the client
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

  /**
   * Returns the names of the request headers this verifier reads: the signature, a signed timestamp and the delivery
   * id, as the sender spells them (compare ignoring case). Where a scheme accepts another name in place of one, only
   * the name senders normally use is listed (Standard Webhooks lists {@code webhook-*}, not Svix's {@code svix-*}).
   *
   * <p>A transport that forwards only some headers to where the signature is checked must forward these: the API
   * Gateway direct integration carries the headers its senders' verifiers name. The default names none, which suits a
   * verifier that reads only the body; a custom verifier that reads headers should override it.
   *
   * @return the header names, in a fixed order; empty when the verifier reads no header
   */
  default List<String> headerNames() {
    return List.of();
  }

  /** Returns the scheme's short name for logs and metrics, for example {@code github}. */
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
