package dev.hookline.core.signature;

import static dev.hookline.core.signature.TestSigning.clockAt;
import static dev.hookline.core.signature.TestSigning.headers;
import static dev.hookline.core.signature.TestSigning.hmacSha256Hex;
import static dev.hookline.core.signature.TestSigning.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.WebhookHeaders;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StripeVerifierTest {

  // Stripe's docs ("Verify signatures manually", https://docs.stripe.com/webhooks#verify-manually) show the header
  // layout (t=1492774577,v1=...,v0=...) but publish no secret and body to go with the digest. This vector uses the
  // docs' timestamp; the digest was computed independently with Python's hmac module and cross-checked with
  // `openssl dgst -sha256 -hmac whsec_test_secret` over "1492774577.<body>".
  private static final String SECRET = "whsec_test_secret";
  private static final long T = 1492774577L;
  private static final String BODY_TEXT = "{\"id\":\"evt_test_webhook\",\"object\":\"event\"}";
  private static final byte[] BODY = utf8(BODY_TEXT);
  private static final String V1 = "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a";

  private static StripeVerifier verifierAt(long now) {
    return StripeVerifier.builder().addSecret(SECRET).clock(clockAt(now)).build();
  }

  private static WebhookHeaders signature(String value) {
    return headers("Stripe-Signature", value);
  }

  @Test
  void acceptsIndependentlyComputedVector() {
    assertThatCode(() -> verifierAt(T).verify(signature("t=1492774577,v1=" + V1), BODY)).doesNotThrowAnyException();
  }

  @Test
  void acceptsAnyOfSeveralV1EntriesAndIgnoresOthers() {
    String wrong = "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";
    String header = "t=1492774577,v1=" + wrong + ", v1=" + V1 + ",v0=6ffbb59b2300aae6,x=y,junk";
    assertThatCode(() -> verifierAt(T).verify(signature(header), BODY)).doesNotThrowAnyException();
  }

  @Test
  void ignoresV0EvenWhenItWouldMatch() {
    String header = "t=1492774577,v1=00" + V1.substring(2) + ",v0=" + V1;
    assertThatThrownBy(() -> verifierAt(T).verify(signature(header), BODY)).hasMessage("signature mismatch");
  }

  @Test
  void usesTheSecretAsGivenNotDecoded() {
    // The HMAC key is the UTF-8 of "whsec_test_secret" itself; a verifier keyed with the text after the prefix fails.
    StripeVerifier stripped = StripeVerifier.builder().addSecret("test_secret").clock(clockAt(T)).build();
    assertThatThrownBy(() -> stripped.verify(signature("t=1492774577,v1=" + V1), BODY)).hasMessage("signature mismatch");
  }

  @Test
  void rejectsWrongSecretTamperedBodyAndTamperedTimestamp() {
    StripeVerifier other = StripeVerifier.builder().addSecret("whsec_other").clock(clockAt(T)).build();
    assertThatThrownBy(() -> other.verify(signature("t=1492774577,v1=" + V1), BODY))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("signature mismatch");
    assertThatThrownBy(() -> verifierAt(T).verify(signature("t=1492774577,v1=" + V1), utf8(BODY_TEXT + "\n")))
        .hasMessage("signature mismatch");
    assertThatThrownBy(() -> verifierAt(T).verify(signature("t=1492774578,v1=" + V1), BODY))
        .hasMessage("signature mismatch");
  }

  @Test
  void rejectsStaleAndFutureTimestamps() {
    assertThatThrownBy(() -> verifierAt(T + 301).verify(signature("t=1492774577,v1=" + V1), BODY))
        .hasMessage("Stripe-Signature timestamp outside tolerance: too old");
    assertThatThrownBy(() -> verifierAt(T - 301).verify(signature("t=1492774577,v1=" + V1), BODY))
        .hasMessage("Stripe-Signature timestamp outside tolerance: in the future");
    StripeVerifier strict =
        StripeVerifier.builder().addSecret(SECRET).tolerance(Duration.ofSeconds(10)).clock(clockAt(T + 11)).build();
    assertThatThrownBy(() -> strict.verify(signature("t=1492774577,v1=" + V1), BODY))
        .hasMessage("Stripe-Signature timestamp outside tolerance: too old");
  }

  @Test
  void rejectsMissingDuplicatedAndMalformedHeaders() {
    StripeVerifier v = verifierAt(T);
    assertThatThrownBy(() -> v.verify(headers(), BODY)).hasMessage("Stripe-Signature header missing");
    assertThatThrownBy(
            () -> v.verify(headers("Stripe-Signature", "t=1492774577,v1=" + V1, "Stripe-Signature", "t=1"), BODY))
        .hasMessage("Stripe-Signature header duplicated");
    assertThatThrownBy(() -> v.verify(signature("v1=" + V1), BODY))
        .hasMessage("Stripe-Signature header malformed: no timestamp");
    assertThatThrownBy(() -> v.verify(signature("t=1492774577,v0=" + V1), BODY))
        .hasMessage("Stripe-Signature header malformed: no v1 signature");
    assertThatThrownBy(() -> v.verify(signature("t=1492774577,v1=nothex"), BODY))
        .hasMessage("Stripe-Signature header malformed: no v1 signature");
    assertThatThrownBy(() -> v.verify(signature("t=1492774577,t=1492774577,v1=" + V1), BODY))
        .hasMessage("Stripe-Signature header malformed: duplicated timestamp");
    assertThatThrownBy(() -> v.verify(signature("t=soon,v1=" + V1), BODY))
        .hasMessage("Stripe-Signature timestamp malformed: expected Unix seconds");
  }

  @Test
  void messagesNeverQuoteTheSignature() {
    assertThatThrownBy(() -> verifierAt(T).verify(signature("t=1492774577,v1=" + V1), utf8("{}")))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(V1).doesNotContain(SECRET));
  }

  @Test
  void acceptsOldAndNewSecretWhileRotating() {
    StripeVerifier rotating =
        StripeVerifier.builder().addSecret("whsec_old").addSecret("whsec_new").clock(clockAt(T)).build();
    String header =
        "t=1492774577,v1=" + hmacSha256Hex("whsec_new", "1492774577." + BODY_TEXT) + ",v1=" + hmacSha256Hex(
            "whsec_old", "1492774577." + BODY_TEXT);
    assertThatCode(() -> rotating.verify(signature(header), BODY)).doesNotThrowAnyException();
    String oldOnly = "t=1492774577,v1=" + hmacSha256Hex("whsec_old", "1492774577." + BODY_TEXT);
    assertThatCode(() -> rotating.verify(signature(oldOnly), BODY)).doesNotThrowAnyException();
  }

  @Test
  void deliveryIdIsTheEventsTopLevelId() {
    StripeVerifier v = verifierAt(T);
    assertThat(v.deliveryId(headers(), BODY)).contains("evt_test_webhook");
    assertThat(v.deliveryId(headers(), utf8("{\"data\":{\"object\":{\"id\":\"pi_1\"}},\"id\":\"evt_2\"}")))
        .contains("evt_2");
    assertThat(v.deliveryId(headers(), utf8("{\"data\":{\"id\":\"pi_1\"}}"))).isEmpty();
    assertThat(v.deliveryId(headers(), utf8("{\"id\":42}"))).isEmpty();
    assertThat(v.deliveryId(headers(), utf8("not json"))).isEmpty();
    assertThat(v.deliveryId(headers(), new byte[0])).isEmpty();
  }

  @Test
  void buildNamesTheField() {
    assertThatThrownBy(() -> StripeVerifier.builder().build()).hasMessageStartingWith("secrets ");
    assertThatThrownBy(() -> StripeVerifier.builder().addSecret("s").tolerance(Duration.ofMinutes(-5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tolerance ");
  }

  @Test
  void toStringShowsSchemeAndCountButNoSecret() {
    assertThat(verifierAt(T).toString()).contains("stripe", "secrets=1").doesNotContain(SECRET);
  }
}
