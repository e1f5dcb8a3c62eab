package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
public final class StripeVerifier implements SignatureVerifier {

  /** The signature header. */
  public static final String SIGNATURE_HEADER = "Stripe-Signature";

  private final HmacKeys keys;
  private final TimestampWindow window;

  private StripeVerifier(HmacKeys keys, TimestampWindow window) {
    this.keys = keys;
    this.window = window;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body) {
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
    window.check(timestamp, SIGNATURE_HEADER + " timestamp");
    byte[] before = (timestamp + '.').getBytes(StandardCharsets.US_ASCII);
    if (!keys.matchesAny(before, body, signatures)) {
      throw new SignatureVerificationException("signature mismatch");
    }
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

  /** Builds a {@link StripeVerifier}; not thread-safe. */
  public static final class Builder {
    private final List<String> secrets = new ArrayList<>();
    private Duration tolerance = TimestampWindow.DEFAULT_TOLERANCE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Replaces the endpoint signing secrets. Required: at least one. During a secret roll Stripe signs with both
     * secrets; configure both here.
     *
     * @param secrets the {@code whsec_...} secrets, used as given
     * @return this builder
     */
    public Builder secrets(Collection<String> secrets) {
      List<String> copy = Secrets.copy(secrets, "secrets");
      this.secrets.clear();
      this.secrets.addAll(copy);
      return this;
    }

    /**
     * Adds an endpoint signing secret.
     *
     * @param secret a {@code whsec_...} secret, used as given
     * @return this builder
     */
    public Builder addSecret(String secret) {
      secrets.add(Objects.requireNonNull(secret, "secret"));
      return this;
    }

    /**
     * Sets how far the signed timestamp may be from the clock, in either direction. Default 5 minutes, Stripe's
     * own default; widen it only for senders with poor clocks.
     *
     * @param tolerance the tolerance, not negative
     * @return this builder
     */
    public Builder tolerance(Duration tolerance) {
      this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
      return this;
    }

    /**
     * Sets the clock the timestamp is checked against. Default {@link Clock#systemUTC()}; tests pass a fixed clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Returns the verifier.
     *
     * @return the immutable verifier
     * @throws IllegalArgumentException starting with {@code secrets} when there is none or one is blank, or with
     *     {@code tolerance} when it is negative
     */
    public StripeVerifier build() {
      HmacKeys keys = HmacKeys.utf8("HmacSHA256", Secrets.requireSecrets(secrets, "secrets"));
      return new StripeVerifier(keys, TimestampWindow.of(clock, tolerance));
    }
  }
}
