package dev.hookline.core.signature;

import static dev.hookline.core.signature.TestSigning.headers;
import static dev.hookline.core.signature.TestSigning.hmacSha256Base64;
import static dev.hookline.core.signature.TestSigning.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShopifyVerifierTest {

  // Shopify's docs ("Deliver webhooks through HTTPS" → "Verify the webhook") describe the algorithm, base64 of
  // HMAC-SHA256(client secret, raw body), but publish no secret/body/digest triple. This vector was computed
  // independently with Python's hmac module and cross-checked with `openssl dgst -sha256 -hmac hush -binary | base64`.
  private static final String SECRET = "hush";
  private static final String BODY_TEXT = "{\"id\":820982911946154508,\"email\":\"jon@example.com\"}";
  private static final byte[] BODY = utf8(BODY_TEXT);
  private static final String SIGNATURE = "D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8=";

  private final ShopifyVerifier verifier = ShopifyVerifier.builder().addSecret(SECRET).build();

  @Test
  void acceptsIndependentlyComputedVector() {
    assertThatCode(() -> verifier.verify(headers("X-Shopify-Hmac-Sha256", SIGNATURE), BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void deliveryIdPrefersWebhookIdThenEventId() {
    assertThat(verifier.deliveryId(headers("X-Shopify-Webhook-Id", "w-1", "X-Shopify-Event-Id", "e-1"), BODY))
        .contains("w-1");
    assertThat(verifier.deliveryId(headers("X-Shopify-Event-Id", "e-1"), BODY)).contains("e-1");
    assertThat(verifier.deliveryId(headers(), BODY)).isEmpty();
  }

  @Test
  void rejectsWrongSecretAndTamperedBody() {
    ShopifyVerifier other = ShopifyVerifier.builder().addSecret("hush!").build();
    assertThatThrownBy(() -> other.verify(headers("X-Shopify-Hmac-Sha256", SIGNATURE), BODY))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("signature mismatch");
    assertThatThrownBy(() -> verifier.verify(headers("X-Shopify-Hmac-Sha256", SIGNATURE), utf8(BODY_TEXT + " ")))
        .hasMessage("signature mismatch");
  }

  @Test
  void rejectsMissingDuplicatedAndMalformedHeaders() {
    assertThatThrownBy(() -> verifier.verify(headers(), BODY)).hasMessage("X-Shopify-Hmac-Sha256 header missing");
    assertThatThrownBy(
            () ->
                verifier.verify(
                    headers("X-Shopify-Hmac-Sha256", SIGNATURE, "x-shopify-hmac-sha256", SIGNATURE), BODY))
        .hasMessage("X-Shopify-Hmac-Sha256 header duplicated");
    assertThatThrownBy(() -> verifier.verify(headers("X-Shopify-Hmac-Sha256", "not*base64"), BODY))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("X-Shopify-Hmac-Sha256 header malformed: expected base64");
  }

  @Test
  void acceptsOldAndNewSecretWhileRotating() {
    ShopifyVerifier rotating = ShopifyVerifier.builder().addSecret("old").addSecret("new").build();
    for (String secret : List.of("old", "new")) {
      String sig = hmacSha256Base64(utf8(secret), BODY_TEXT);
      assertThatCode(() -> rotating.verify(headers("X-Shopify-Hmac-Sha256", sig), BODY)).doesNotThrowAnyException();
    }
    String unknown = hmacSha256Base64(utf8("older"), BODY_TEXT);
    assertThatThrownBy(() -> rotating.verify(headers("X-Shopify-Hmac-Sha256", unknown), BODY))
        .hasMessage("signature mismatch");
  }

  @Test
  void buildNamesTheField() {
    assertThatThrownBy(() -> ShopifyVerifier.builder().secrets(List.of()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets ");
  }

  @Test
  void toStringShowsSchemeAndCountButNoSecret() {
    assertThat(verifier.toString()).contains("shopify", "secrets=1").doesNotContain(SECRET);
  }
}
