package dev.hookline.core.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.WebhookHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each verifier names the request headers it reads, so that a transport that forwards only some can carry them. */
class HeaderNamesTest {

  private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private static final Map<String, List<String>> BUILT_IN =
      Map.of(
          "standard-webhooks", List.of("webhook-id", "webhook-timestamp", "webhook-signature"),
          "github", List.of("X-Hub-Signature-256", "X-GitHub-Delivery"),
          "stripe", List.of("Stripe-Signature"),
          "shopify", List.of("X-Shopify-Hmac-Sha256", "X-Shopify-Webhook-Id"),
          "slack", List.of("X-Slack-Signature", "X-Slack-Request-Timestamp"));

  @Test
  void eachBuiltInVerifierNamesItsHeaders() {
    assertThat(BUILT_IN).containsOnlyKeys(SignatureVerifiers.SCHEMES);
    for (String scheme : SignatureVerifiers.SCHEMES) {
      String secret = scheme.equals("standard-webhooks") ? WHSEC : "s3cret";
      SignatureVerifier verifier = SignatureVerifiers.forScheme(scheme, List.of(secret));

      assertThat(verifier.headerNames()).as(scheme).containsExactlyElementsOf(BUILT_IN.get(scheme));
      // Known without secrets, for configuration that only names the scheme; any letter case.
      assertThat(SignatureVerifiers.headerNames(scheme.toUpperCase(Locale.ROOT))).isEqualTo(verifier.headerNames());
    }
  }

  @Test
  void noBuiltInVerifierNeedsACredentialHeader() {
    for (String scheme : SignatureVerifiers.SCHEMES) {
      assertThat(SignatureVerifiers.headerNames(scheme)).as(scheme).noneMatch(WebhookHeaders::isCredential);
    }
  }

  @Test
  void anUnknownSchemeIsNamed() {
    assertThatThrownBy(() -> SignatureVerifiers.headerNames("paypal"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("scheme must be a provider of the catalog (")
        .hasMessageContaining("github")
        .hasMessageEndingWith("was 'paypal'");
  }

  @Test
  void everyOtherProviderIsNamedByItsPreset() {
    for (Provider provider : Providers.all()) {
      if (SignatureVerifiers.SCHEMES.contains(provider.name())) {
        continue;
      }
      assertThat(SignatureVerifiers.headerNames(provider.name())).as(provider.name()).isEqualTo(provider.headers());
    }
    // A preset's verifier says the same as its preset.
    Provider zoom = Providers.get("zoom");
    assertThat(zoom.verifier("s3cret").headerNames()).isNotEmpty().isEqualTo(zoom.headers());
    Provider svix = Providers.get("svix");
    assertThat(svix.verifier(WHSEC).headerNames()).isNotEmpty();
  }

  @Test
  void hmacVerifierNamesTheHeadersItWasGiven() {
    HmacVerifier signatureOnly = HmacVerifier.builder().addSecret("s").signatureHeader("X-Signature").build();
    HmacVerifier all =
        HmacVerifier.builder()
            .addSecret("s")
            .signatureHeader("X-Signature")
            .timestampHeader("X-Timestamp")
            .deliveryIdHeader("X-Request-Id")
            .build();
    HmacVerifier withId =
        HmacVerifier.builder().addSecret("s").signatureHeader("X-Signature").deliveryIdHeader("X-Request-Id").build();

    assertThat(signatureOnly.headerNames()).containsExactly("X-Signature");
    assertThat(all.headerNames()).containsExactly("X-Signature", "X-Timestamp", "X-Request-Id");
    assertThat(withId.headerNames()).containsExactly("X-Signature", "X-Request-Id");
  }

  @Test
  void aVerifierThatNamesNothingReadsNoHeader() {
    SignatureVerifier bodyOnly =
        new SignatureVerifier() {
          @Override
          public void verify(WebhookHeaders headers, byte[] body) {}

          @Override
          public String scheme() {
            return "body-only";
          }
        };

    assertThat(bodyOnly.headerNames()).isEmpty();
    assertThat(SignatureVerifier.insecureNoVerification().headerNames()).isEmpty();
  }
}
