package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.util.List;
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

  /** What {@link #headerNames()} returns, also for {@link SignatureVerifiers#headerNames(String)}. */
  static final List<String> HEADER_NAMES = List.of(SIGNATURE_HEADER);
  private final HmacFamily family;

  private StripeVerifier(HmacFamily family, TimestampWindow window) {
    super(window);
    this.family = family;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  void verifyAt(WebhookHeaders headers, byte[] body, long receivedAtMillis) {
    family.verify(headers, body, receivedAtMillis);
  }

  /** Returns the event JSON's top-level {@code id}, if present. */
  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return JsonFields.topLevelString(body, "id");
  }

  /** Returns {@code Stripe-Signature}; the event id is read from the body. */
  @Override
  public List<String> headerNames() {
    return HEADER_NAMES;
  }

  /** Returns {@code stripe}. */
  @Override
  public String scheme() {
    return "stripe";
  }

  /** Shows the scheme, the number of secrets and the tolerance, never the secrets. */
  @Override
  public String toString() {
    return "StripeVerifier{scheme=stripe, secrets=" + family.keys().size() + ", tolerance=" + window.tolerance() + '}';
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
      TimestampWindow window = window();
      return new StripeVerifier(family(utf8Keys("HmacSHA256"), window), window);
    }
  }

  /** Stripe's scheme in the HMAC family: {@code t=<seconds>,v1=<hex>} over {@code <t>.<body>}. */
  static HmacFamily family(HmacKeys keys, TimestampWindow window) {
    return HmacFamily.builder(keys)
        .signatureHeader(SIGNATURE_HEADER)
        .signatureList(',', '=', "v1")
        .timestampInList("t", TimestampWindow.Format.UNIX_SECONDS)
        .window(window)
        .signedContent(HmacFamily.TIMESTAMP, HmacFamily.literal("."), HmacFamily.BODY)
        .build();
  }
}
