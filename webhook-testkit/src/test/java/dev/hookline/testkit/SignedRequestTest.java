package dev.hookline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.InboundRequest;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.core.signature.HmacVerifier;
import dev.hookline.core.signature.Provider;
import dev.hookline.core.signature.Providers;
import dev.hookline.core.signature.ShopifyVerifier;
import dev.hookline.core.signature.SignatureVerificationException;
import dev.hookline.core.signature.SignatureVerifier;
import dev.hookline.core.signature.SignatureVerifiers;
import dev.hookline.core.signature.SlackVerifier;
import dev.hookline.core.signature.StandardWebhooksVerifier;
import dev.hookline.core.signature.StripeVerifier;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** SignedRequest's independent signer and the verifiers must agree, and each deliberate breakage must be caught. */
class SignedRequestTest {

  private static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  @Test
  void standardWebhooks() {
    SignatureVerifier v = StandardWebhooksVerifier.builder().addSecret(WHSEC).clock(CLOCK).build();
    assertAcceptedAndBreakable(v, () -> SignedRequest.standardWebhooks(WHSEC).clock(CLOCK), true);
    InboundRequest request = SignedRequest.standardWebhooks(WHSEC).clock(CLOCK).id("msg_1").build();
    assertThat(v.deliveryId(request.headers(), request.body())).contains("msg_1");
  }

  @Test
  void standardWebhooksReproducesThePublishedVector() {
    // The Standard Webhooks libraries' test vector: the signer must produce exactly the published signature.
    InboundRequest request =
        SignedRequest.standardWebhooks(WHSEC)
            .id("msg_p5jXN8AQM9LWM0D4loKWxJek")
            .timestamp(Instant.ofEpochSecond(1614265330))
            .body("{\"test\": 2432232314}")
            .build();
    assertThat(request.headers().first("webhook-signature"))
        .contains("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void standardWebhooksEd25519() throws GeneralSecurityException {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    SignatureVerifier v =
        StandardWebhooksVerifier.builder().addPublicKey(SignedRequest.whpk(pair.getPublic())).clock(CLOCK).build();
    assertAcceptedAndBreakable(v, () -> SignedRequest.standardWebhooksEd25519(pair.getPrivate()).clock(CLOCK), true);
  }

  @Test
  void github() {
    SignatureVerifier v = GitHubVerifier.builder().addSecret("It's a Secret to Everybody").build();
    assertAcceptedAndBreakable(v, () -> SignedRequest.github("It's a Secret to Everybody").clock(CLOCK), false);
    // GitHub's documented example (docs.github.com, "Validating webhook deliveries").
    InboundRequest documented = SignedRequest.github("It's a Secret to Everybody").body("Hello, World!").build();
    assertThat(documented.headers().first("X-Hub-Signature-256"))
        .contains("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    InboundRequest request = SignedRequest.github("s").clock(CLOCK).build();
    assertThat(GitHubVerifier.builder().addSecret("s").build().deliveryId(request.headers(), request.body()))
        .isEqualTo(request.headers().first("X-GitHub-Delivery"))
        .isPresent();
  }

  @Test
  void stripe() {
    SignatureVerifier v = StripeVerifier.builder().addSecret("whsec_test_secret").clock(CLOCK).build();
    assertAcceptedAndBreakable(v, () -> SignedRequest.stripe("whsec_test_secret").clock(CLOCK), true);
    InboundRequest request = SignedRequest.stripe("whsec_test_secret").clock(CLOCK).id("evt_42").build();
    assertThat(v.deliveryId(request.headers(), request.body())).contains("evt_42");
  }

  @Test
  void shopify() {
    SignatureVerifier v = ShopifyVerifier.builder().addSecret("hush").build();
    assertAcceptedAndBreakable(v, () -> SignedRequest.shopify("hush").clock(CLOCK), false);
  }

  @Test
  void slack() {
    SignatureVerifier v = SlackVerifier.builder().addSecret("8f742231b10e8888abcd99yyyzzz85a5").clock(CLOCK).build();
    assertAcceptedAndBreakable(v, () -> SignedRequest.slack("8f742231b10e8888abcd99yyyzzz85a5").clock(CLOCK), true);
    InboundRequest request = SignedRequest.slack("8f742231b10e8888abcd99yyyzzz85a5").clock(CLOCK).id("Ev1").build();
    assertThat(v.deliveryId(request.headers(), request.body())).contains("Ev1");
  }

  @Test
  void forSchemeSignsWhatTheSameNamedVerifierAccepts() {
    for (String scheme : SignatureVerifiers.SCHEMES) {
      String secret = scheme.equals("standard-webhooks") ? WHSEC : "s3cret";
      // Both default to the system clock, so the request is signed "now" for the verifier as well.
      SignatureVerifier v = SignatureVerifiers.forScheme(scheme, List.of(secret));
      InboundRequest good = SignedRequest.forScheme(scheme, secret).build();
      InboundRequest bad = SignedRequest.forScheme(scheme, secret).withWrongSecret().build();

      assertThat(good.path()).as(scheme).isEqualTo("/webhooks/" + scheme);
      assertThatCode(() -> v.verify(good.headers(), good.body())).as(scheme).doesNotThrowAnyException();
      assertThatThrownBy(() -> v.verify(bad.headers(), bad.body())).as(scheme).hasMessage("signature mismatch");
    }
  }

  @Test
  void forSchemeIgnoresCaseAndNamesAnUnknownScheme() {
    assertThat(SignedRequest.forScheme("GitHub", "s").build().headers().contains("X-Hub-Signature-256")).isTrue();
    assertThatThrownBy(() -> SignedRequest.forScheme("paypal", "s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scheme must be one of standard-webhooks, github, stripe, shopify, slack, was 'paypal'");
    assertThatThrownBy(() -> SignedRequest.forScheme(null, "s")).isInstanceOf(NullPointerException.class);
  }

  @Test
  void forProviderSignsWhatEachSharedSecretPresetAccepts() {
    List<String> asymmetric = List.of("discord", "sendgrid", "sns");
    for (Provider provider : Providers.all()) {
      String name = provider.name();
      if (asymmetric.contains(name)) {
        assertThatThrownBy(() -> SignedRequest.forProvider(name, "key"))
            .as(name)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("provider " + name + " verifies public-key signatures");
        continue;
      }
      String secret = secretFor(name);
      SignatureVerifier v = provider.source(name, secret, CLOCK).build().verifier();
      Supplier<SignedRequest.Builder> valid = () -> SignedRequest.forProvider(name, secret).clock(CLOCK);
      InboundRequest good = valid.get().body("{\"order\":42}").build();

      assertThat(good.path()).as(name).isEqualTo("/webhooks/" + name);
      assertThatCode(() -> verify(v, good)).as(name).doesNotThrowAnyException();
      assertThat(provider.contentTypes()).as(name).anyMatch(t -> good.contentType().orElseThrow().startsWith(t));
      assertThatThrownBy(() -> verify(v, valid.get().withWrongSecret().build()))
          .as(name)
          .isInstanceOf(SignatureVerificationException.class);
      boolean bodySigned = !List.of("gitlab", "mailgun", "microsoft-graph").contains(name);
      if (bodySigned) {
        assertThatThrownBy(() -> verify(v, valid.get().withTamperedBody().build()))
            .as(name)
            .isInstanceOf(SignatureVerificationException.class);
        assertThatThrownBy(() -> verify(v, valid.get().withoutSignature().build()))
            .as(name)
            .isInstanceOf(SignatureVerificationException.class);
      }
      if (provider.tolerance().isPresent()) {
        Duration beyond = provider.tolerance().get().plusMinutes(1);
        assertThatThrownBy(() -> verify(v, valid.get().withTimestampSkew(beyond.negated()).build()))
            .as(name)
            .hasMessageContaining("too old");
      }
    }
    assertThatThrownBy(() -> SignedRequest.forProvider("standard-webhooks", "whpk_AAAA"))
        .hasMessageStartingWith("provider standard-webhooks verifies public-key signatures");
    assertThatThrownBy(() -> SignedRequest.forProvider("paypal", "s")).hasMessageStartingWith("provider must be one of");
  }

  /** A secret in the form each preset takes. */
  private static String secretFor(String provider) {
    switch (provider) {
      case "standard-webhooks":
      case "svix":
      case "clerk":
      case "resend":
        return WHSEC;
      case "twilio":
        return "auth-token:https://hooks.example.com/webhooks/twilio?tenant=1";
      case "square":
        return "sig-key:https://hooks.example.com/webhooks/square";
      case "hubspot":
        return "client-secret:https://hooks.example.com/webhooks/hubspot";
      case "meta":
        return "app-secret:verify-token";
      default:
        return provider + "-s3cret";
    }
  }

  @Test
  void customHmacWithTimestampTemplateAndBase64() {
    SignatureVerifier v =
        HmacVerifier.builder()
            .addSecret("partner")
            .algorithm(HmacVerifier.Algorithm.HMAC_SHA512)
            .signatureHeader("X-Signature")
            .encoding(HmacVerifier.Encoding.BASE64)
            .prefix("sha512=")
            .timestampHeader("X-Timestamp")
            .signedContent("{timestamp}:{body}")
            .deliveryIdHeader("X-Request-Id")
            .clock(CLOCK)
            .build();
    Supplier<SignedRequest.Builder> signed =
        () ->
            SignedRequest.hmac("partner", "X-Signature")
                .algorithm("HmacSHA512")
                .base64Encoded()
                .prefix("sha512=")
                .timestampHeader("X-Timestamp")
                .signedContent("{timestamp}:{body}")
                .idHeader("X-Request-Id")
                .clock(CLOCK);
    assertAcceptedAndBreakable(v, signed, true);
    InboundRequest request = signed.get().id("r-7").build();
    assertThat(v.deliveryId(request.headers(), request.body())).contains("r-7");
  }

  @Test
  void defaultsAreAValidJsonRequestWithAStableId() {
    InboundRequest first = SignedRequest.github("s").clock(CLOCK).build();
    InboundRequest second = SignedRequest.github("s").clock(CLOCK).build();
    assertThat(first).isEqualTo(second);
    assertThat(first.method()).isEqualTo("POST");
    assertThat(first.path()).isEqualTo("/webhooks/github");
    assertThat(first.contentType()).contains("application/json");
    assertThat(new String(first.body(), StandardCharsets.UTF_8)).startsWith("{\"id\":\"");
    SignedRequest.Builder builder = SignedRequest.stripe("whsec_x").clock(CLOCK);
    assertThat(builder.headers()).isEqualTo(builder.build().headers());
    assertThat(builder.body()).isEqualTo(builder.build().body());
  }

  @Test
  void customHmacOptionsAreRefusedOnOtherSchemes() {
    assertThatThrownBy(() -> SignedRequest.github("s").prefix("x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SignedRequest.hmac");
  }

  /** The default request verifies; every breakage is rejected; skew only matters for timestamped schemes. */
  private static void assertAcceptedAndBreakable(
      SignatureVerifier verifier, Supplier<SignedRequest.Builder> valid, boolean timestamped) {
    assertThatCode(() -> verify(verifier, valid.get().build())).doesNotThrowAnyException();
    assertThatCode(() -> verify(verifier, valid.get().withTimestampSkew(Duration.ofMinutes(4)).build()))
        .doesNotThrowAnyException();
    assertRejected(verifier, valid.get().withWrongSecret().build(), "signature mismatch");
    assertRejected(verifier, valid.get().withTamperedBody().build(), "signature mismatch");
    assertRejected(verifier, valid.get().withoutSignature().build(), "missing");
    if (timestamped) {
      assertRejected(verifier, valid.get().withTimestampSkew(Duration.ofMinutes(-6)).build(), "too old");
      assertRejected(verifier, valid.get().withTimestampSkew(Duration.ofMinutes(6)).build(), "in the future");
    }
  }

  private static void assertRejected(SignatureVerifier verifier, InboundRequest request, String why) {
    assertThatThrownBy(() -> verify(verifier, request))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageContaining(why);
  }

  private static void verify(SignatureVerifier verifier, InboundRequest request) {
    verifier.verify(request.headers(), request.body());
  }
}
