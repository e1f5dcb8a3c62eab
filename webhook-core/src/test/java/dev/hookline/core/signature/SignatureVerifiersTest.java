package dev.hookline.core.signature;

import static dev.hookline.core.signature.TestSigning.headers;
import static dev.hookline.core.signature.TestSigning.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.WebhookHeaders;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureVerifiersTest {

  // GitHub's published example ("Validating webhook deliveries", docs.github.com), as in GitHubVerifierTest.
  private static final String GITHUB_SECRET = "It's a Secret to Everybody";
  private static final String GITHUB_SIGNATURE =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  private static final byte[] GITHUB_BODY = utf8("Hello, World!");

  // The Standard Webhooks libraries' test secret, as in StandardWebhooksVerifierTest.
  private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private static final Map<String, Class<?>> EXPECTED =
      Map.of(
          "standard-webhooks", StandardWebhooksVerifier.class,
          "github", GitHubVerifier.class,
          "stripe", StripeVerifier.class,
          "shopify", ShopifyVerifier.class,
          "slack", SlackVerifier.class);

  @Test
  void everyListedSchemeBuildsItsVerifier() {
    assertThat(SignatureVerifiers.SCHEMES).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    for (String scheme : SignatureVerifiers.SCHEMES) {
      String secret = scheme.equals("standard-webhooks") ? WHSEC : "s3cret";

      SignatureVerifier verifier = SignatureVerifiers.forScheme(scheme, List.of(secret));

      assertThat(verifier).as(scheme).isInstanceOf(EXPECTED.get(scheme));
      assertThat(verifier.scheme()).isEqualTo(scheme);
      assertThat(verifier.toString()).contains("secrets=1").doesNotContain(secret);
    }
  }

  @Test
  void theVerifierIsKeyedWithEverySecret() {
    SignatureVerifier rotating = SignatureVerifiers.forScheme("github", List.of("old", GITHUB_SECRET));
    SignatureVerifier other = SignatureVerifiers.forScheme("github", List.of("old"));

    assertThatCode(() -> rotating.verify(headers("X-Hub-Signature-256", GITHUB_SIGNATURE), GITHUB_BODY))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> other.verify(headers("X-Hub-Signature-256", GITHUB_SIGNATURE), GITHUB_BODY))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("signature mismatch");
  }

  @Test
  void schemeNamesIgnoreCaseButAreNotTrimmed() {
    assertThat(SignatureVerifiers.forScheme("GitHub", List.of("s")).scheme()).isEqualTo("github");
    assertThat(SignatureVerifiers.forScheme("Standard-Webhooks", List.of(WHSEC)).scheme())
        .isEqualTo("standard-webhooks");
    assertThatThrownBy(() -> SignatureVerifiers.forScheme(" github", List.of("s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("scheme ");
  }

  @Test
  void unknownSchemeIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> SignatureVerifiers.forScheme("paypal", List.of("s3cret")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scheme must be one of standard-webhooks, github, stripe, shopify, slack, was 'paypal'");
    assertThatThrownBy(() -> SignatureVerifiers.forScheme("standard_webhooks", List.of(WHSEC)))
        .hasMessageContaining("was 'standard_webhooks'");
    assertThatThrownBy(() -> SignatureVerifiers.forScheme("hmac", List.of("s3cret")))
        .hasMessageStartingWith("scheme must be one of");
  }

  @Test
  void secretsAreCheckedByTheSchemesBuilderWithoutEchoingThem() {
    assertThatThrownBy(() -> SignatureVerifiers.forScheme("stripe", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets must contain at least one");
    assertThatThrownBy(() -> SignatureVerifiers.forScheme("slack", List.of("ok", " ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets[1] ");
    assertThatThrownBy(() -> SignatureVerifiers.forScheme("standard-webhooks", List.of("whsec_not base64!")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets[0] ")
        .hasMessageNotContaining("not base64!");
  }

  @Test
  void nullsAreRejectedWithTheParameterName() {
    assertThatThrownBy(() -> SignatureVerifiers.forScheme(null, List.of("s")))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheme");
    assertThatThrownBy(() -> SignatureVerifiers.forScheme("github", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("secrets");
    assertThatThrownBy(() -> SignatureVerifiers.forScheme("github", Arrays.asList("s", null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("secrets");
  }

  @Test
  void withAClockTheReplayWindowIsMeasuredWithIt() {
    long signedAt = 1_700_000_000L;
    String body = "{\"id\":\"evt_1\"}";
    WebhookHeaders stripe =
        headers(
            "Stripe-Signature",
            "t=" + signedAt + ",v1=" + TestSigning.hmacSha256Hex("s3cret", signedAt + "." + body));

    SignatureVerifier onTime =
        SignatureVerifiers.forScheme("stripe", List.of("s3cret"), TestSigning.clockAt(signedAt + 60));
    SignatureVerifier late =
        SignatureVerifiers.forScheme("Stripe", List.of("s3cret"), TestSigning.clockAt(signedAt + 600));

    assertThatCode(() -> onTime.verify(stripe, utf8(body))).doesNotThrowAnyException();
    assertThatThrownBy(() -> late.verify(stripe, utf8(body))).hasMessageEndingWith("outside tolerance: too old");
    // Schemes without a replay window take the clock and ignore it.
    assertThat(SignatureVerifiers.forScheme("github", List.of(GITHUB_SECRET), TestSigning.clockAt(0)))
        .isInstanceOf(GitHubVerifier.class);
  }
}
