package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies Stripe webhooks: {@code Stripe-Signature: t=<seconds>,v1=<hex>[,v1=<hex>...]}, an HMAC-SHA256 over
 * {@code <t>.<body>} keyed with the endpoint's signing secret exactly as shown ({@code whsec_...}, used as UTF-8 bytes,
 * not decoded). Any {@code v1} entry may match; {@code v0} and unknown entries are ignored. Timestamps outside a
 * tolerance (default 5 minutes, both directions) are rejected.
 *
 * <p>The delivery id is the event JSON's top-level {@code id} ({@code evt_...}).
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * <pre>{@code
 * SignatureVerifier stripe = StripeVerifier.builder()
 *     .addSecret(System.getenv("STRIPE_WEBHOOK_SECRET")) // whsec_...
 *     .build();
 * }</pre>
 *
 * @see <a href="https://docs.stripe.com/webhooks#verify-manually">Verify signatures manually</a>
 */
public final class StripeVerifier extends TimestampedVerifier {

  /** The signature header. */
  public static final String SIGNATURE_HEADER = "Stripe-Signature";

  private final HmacKeys keys;

  private StripeVerifier(HmacKeys keys, TimestampWindow window) {
    super(window);
    this.keys = keys;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  void verifyAt(WebhookHeaders headers, byte[] body, long receivedAtMillis) {
    String value = HeaderValues.required(headers, SIGNATURE_HEADER);
    String timestamp = null;
    List<byte[]> signatures = new ArrayList<>(2);
    for (Map.Entry<String, String> entry : SignatureLists.parse(value, ',', '=')) {
      String key = entry.getKey();
      if ("t".equals(key)) {
        if (timestamp != null) {
          throw new SignatureVerificationException(SIGNATURE_HEADER + " header malformed: duplicated timestamp");
        }
        timestamp = entry.getValue();
      } else if ("v1".equals(key)) {
        byte[] signature = Codec.hex(entry.getValue());
        if (signature != null) {
          signatures.add(signature);
        }
      }
    }
    if (timestamp == null) {
      throw new SignatureVerificationException(SIGNATURE_HEADER + " header malformed: no timestamp");
    }
    if (signatures.isEmpty()) {
      throw new SignatureVerificationException(SIGNATURE_HEADER + " header malformed: no v1 signature");
    }
    window.check(timestamp, SIGNATURE_HEADER + " timestamp", receivedAtMillis);
    byte[] before = (timestamp + '.').getBytes(StandardCharsets.US_ASCII);
    keys.requireMatch(before, body, signatures);
  }

  /** Returns the event JSON's top-level {@code id}, if present. */
  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return JsonFields.topLevelString(body, "id");
  }

  /** Returns {@code stripe}. */
  @Override
  public String scheme() {
    return "stripe";
  }

  /** Shows the scheme, the number of secrets and the tolerance, never the secrets. */
  @Override
  public String toString() {
    return "StripeVerifier{scheme=stripe, secrets=" + keys.size() + ", tolerance=" + window.tolerance() + '}';
  }

  /**
   * Builds a {@link StripeVerifier}; not thread-safe. Each secret is an endpoint signing secret exactly as Stripe shows
   * it ({@code whsec_...}, used as its UTF-8 bytes, not decoded); at least one is required. During a secret roll
   * Stripe signs with both secrets: configure both. The default tolerance of 5 minutes is Stripe's own.
   */
  public static final class Builder extends TimestampedVerifierBuilder<Builder> {

    private Builder() {}

    @Override
    public StripeVerifier build() {
      return new StripeVerifier(utf8Keys("HmacSHA256"), window());
    }
  }
}
