package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.util.List;
import java.util.Optional;

/**
 * Verifies Shopify webhooks: {@code X-Shopify-Hmac-Sha256: <base64>}, an HMAC-SHA256 of the raw body keyed with the
 * app's client secret (UTF-8). Shopify signs no timestamp; deduplicate by the delivery id, {@code
 * X-Shopify-Webhook-Id} (or {@code X-Shopify-Event-Id} when that is absent).
 *
 * <p>Several secrets may be configured while you rotate. Comparison is in constant time.
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * <pre>{@code
 * SignatureVerifier shopify = ShopifyVerifier.builder()
 *     .addSecret(System.getenv("SHOPIFY_CLIENT_SECRET"))
 *     .build();
 * }</pre>
 *
 * @see <a href="https://shopify.dev/docs/apps/build/webhooks/subscribe/https">Deliver webhooks through HTTPS</a>
 */
public final class ShopifyVerifier implements SignatureVerifier {

  /** The signature header. */
  public static final String SIGNATURE_HEADER = "X-Shopify-Hmac-Sha256";

  /** The delivery id header. */
  public static final String WEBHOOK_ID_HEADER = "X-Shopify-Webhook-Id";

  /** The fallback delivery id header. */
  public static final String EVENT_ID_HEADER = "X-Shopify-Event-Id";

  /** What {@link #headerNames()} returns, also for {@link SignatureVerifiers#headerNames(String)}. */
  static final List<String> HEADER_NAMES = List.of(SIGNATURE_HEADER, WEBHOOK_ID_HEADER);
  private final HmacFamily family;

  private ShopifyVerifier(HmacFamily family) {
    this.family = family;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body) {
    family.verify(headers, body, 0);
  }

  /** Returns {@code X-Shopify-Webhook-Id}, or {@code X-Shopify-Event-Id} when the first is absent. */
  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return HeaderValues.firstNonBlank(headers, WEBHOOK_ID_HEADER, EVENT_ID_HEADER);
  }

  /**
   * Returns {@code X-Shopify-Hmac-Sha256} and {@code X-Shopify-Webhook-Id}; the fallback {@code X-Shopify-Event-Id}
   * is not listed.
   */
  @Override
  public List<String> headerNames() {
    return HEADER_NAMES;
  }

  /** Returns {@code shopify}. */
  @Override
  public String scheme() {
    return "shopify";
  }

  /** Shows the scheme and the number of secrets, never the secrets. */
  @Override
  public String toString() {
    return "ShopifyVerifier{scheme=shopify, secrets=" + family.keys().size() + '}';
  }

  /**
   * Builds a {@link ShopifyVerifier}; not thread-safe. Each secret is the app's client secret, used as its UTF-8 bytes;
   * at least one is required.
   */
  public static final class Builder extends SecretVerifierBuilder<Builder> {

    private Builder() {}

    @Override
    public ShopifyVerifier build() {
      return new ShopifyVerifier(
          HmacFamily.builder(utf8Keys("HmacSHA256"))
              .signatureHeader(SIGNATURE_HEADER)
              .encoding(HmacFamily.Encoding.BASE64)
              .signedContent(HmacFamily.BODY)
              .build());
    }
  }
}
