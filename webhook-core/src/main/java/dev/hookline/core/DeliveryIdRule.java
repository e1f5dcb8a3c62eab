package dev.hookline.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a source's delivery id comes from when its {@link dev.hookline.core.signature.SignatureVerifier} has none.
 *
 * <p>The receiver asks the verifier first, then the source's rule, and falls back to a SHA-256 of source and body.
 * An id longer than 128 characters or with characters that SQS refuses in a deduplication id is replaced by its
 * SHA-256, so any rule is safe to use.
 *
 * <p>Implementations must be thread-safe and should be fast; one that throws is logged at WARN and the fallback is
 * used.
 */
@FunctionalInterface
public interface DeliveryIdRule {

  /**
   * Returns the delivery id for a verified request.
   *
   * @param headers the request headers
   * @param body the raw body bytes; do not modify
   * @return the id, or empty to fall back to a hash of source and body
   */
  Optional<String> deliveryId(WebhookHeaders headers, byte[] body);

  /**
   * Returns a rule that takes the first value of a header, for example {@code X-Request-Id}; a blank value counts as
   * absent.
   *
   * @param name the header name, in any case
   * @return the rule
   */
  static DeliveryIdRule header(String name) {
    Objects.requireNonNull(name, "name");
    return (headers, body) -> headers.first(name).map(String::trim).filter(v -> !v.isEmpty());
  }
}
