package dev.hookline.core.signature;

import static dev.hookline.core.signature.TestSigning.clockAt;
import static dev.hookline.core.signature.TestSigning.headers;
import static dev.hookline.core.signature.TestSigning.hmacSha256Hex;
import static dev.hookline.core.signature.TestSigning.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HmacVerifierTest {

  // Published HMAC vectors: RFC 2202 section 3 test case 2 (HMAC-SHA1) and RFC 4231 section 4.3 test case 2
  // (HMAC-SHA256, HMAC-SHA512): key "Jefe", data "what do ya want for nothing?".
  private static final String KEY = "Jefe";
  private static final byte[] DATA = utf8("what do ya want for nothing?");
  private static final String SHA1 = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
  private static final String SHA256 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  private static final String SHA256_BASE64 = "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=";
  private static final String SHA512 =
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4"
          + "b636e070a38bce737";

  private static HmacVerifier.Builder base() {
    return HmacVerifier.builder().addSecret(KEY).signatureHeader("X-Signature");
  }

  @Test
  void matchesRfcVectorsForEachAlgorithm() {
    assertThatCode(() -> base().build().verify(headers("X-Signature", SHA256), DATA)).doesNotThrowAnyException();
    assertThatCode(
            () -> base().algorithm(HmacVerifier.Algorithm.HMAC_SHA1).build().verify(headers("X-Signature", SHA1), DATA))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                base()
                    .algorithm(HmacVerifier.Algorithm.HMAC_SHA512)
                    .build()
                    .verify(headers("X-Signature", SHA512), DATA))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> base().build().verify(headers("X-Signature", SHA1), DATA))
        .hasMessage("signature mismatch");
  }

  @Test
  void base64EncodingAndPrefix() {
    HmacVerifier v = base().encoding(HmacVerifier.Encoding.BASE64).prefix("sha256=").build();
    assertThatCode(() -> v.verify(headers("X-Signature", "sha256=" + SHA256_BASE64), DATA)).doesNotThrowAnyException();
    assertThatThrownBy(() -> v.verify(headers("X-Signature", SHA256_BASE64), DATA))
        .hasMessage("X-Signature header malformed: expected prefix sha256=");
    assertThatThrownBy(() -> v.verify(headers("X-Signature", "sha256=***"), DATA))
        .hasMessage("X-Signature header malformed: expected base64");
  }

  @Test
  void timestampTemplateIsSignedAndChecked() {
    HmacVerifier v =
        base()
            .timestampHeader("X-Timestamp")
            .signedContent("v1:{timestamp}:{body}:{timestamp}")
            .clock(clockAt(1_700_000_000L))
            .build();
    String sig = hmacSha256Hex(KEY, "v1:1700000000:payload:1700000000");
    assertThatCode(() -> v.verify(headers("X-Signature", sig, "X-Timestamp", "1700000000"), utf8("payload")))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> v.verify(headers("X-Signature", sig, "X-Timestamp", "1700000001"), utf8("payload")))
        .hasMessage("signature mismatch");
    assertThatThrownBy(() -> v.verify(headers("X-Signature", sig), utf8("payload")))
        .hasMessage("X-Timestamp header missing");
    HmacVerifier late = base().timestampHeader("X-Timestamp").clock(clockAt(1_700_000_301L)).build();
    String dotted = hmacSha256Hex(KEY, "1700000000.payload");
    assertThatThrownBy(() -> late.verify(headers("X-Signature", dotted, "X-Timestamp", "1700000000"), utf8("payload")))
        .hasMessage("X-Timestamp outside tolerance: too old");
    HmacVerifier early = base().timestampHeader("X-Timestamp").clock(clockAt(1_699_999_699L)).build();
    assertThatThrownBy(() -> early.verify(headers("X-Signature", dotted, "X-Timestamp", "1700000000"), utf8("payload")))
        .hasMessage("X-Timestamp outside tolerance: in the future");
    HmacVerifier onTime = base().timestampHeader("X-Timestamp").clock(clockAt(1_700_000_300L)).build();
    assertThatCode(() -> onTime.verify(headers("X-Signature", dotted, "X-Timestamp", "1700000000"), utf8("payload")))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsMissingDuplicatedAndMalformedSignature() {
    HmacVerifier v = base().build();
    assertThatThrownBy(() -> v.verify(headers(), DATA)).hasMessage("X-Signature header missing");
    assertThatThrownBy(() -> v.verify(headers("X-Signature", SHA256, "X-Signature", SHA256), DATA))
        .hasMessage("X-Signature header duplicated");
    assertThatThrownBy(() -> v.verify(headers("X-Signature", "xyz"), DATA))
        .hasMessage("X-Signature header malformed: expected hex");
  }

  @Test
  void rotationAndDeliveryId() {
    HmacVerifier v =
        HmacVerifier.builder()
            .addSecret("old")
            .addSecret("new")
            .signatureHeader("X-Signature")
            .deliveryIdHeader("X-Request-Id")
            .build();
    assertThatCode(() -> v.verify(headers("X-Signature", hmacSha256Hex("old", "b")), utf8("b")))
        .doesNotThrowAnyException();
    assertThatCode(() -> v.verify(headers("X-Signature", hmacSha256Hex("new", "b")), utf8("b")))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> v.verify(headers("X-Signature", hmacSha256Hex("newer", "b")), utf8("b")))
        .hasMessage("signature mismatch");
    assertThat(v.deliveryId(headers("X-Request-Id", "r-1"), DATA)).contains("r-1");
    assertThat(base().build().deliveryId(headers("X-Request-Id", "r-1"), DATA)).isEmpty();
  }

  @Test
  void buildNamesTheField() {
    assertThatThrownBy(() -> HmacVerifier.builder().signatureHeader("X-Signature").build())
        .hasMessageStartingWith("secrets ");
    assertThatThrownBy(() -> HmacVerifier.builder().addSecret("s").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("signatureHeader must be set");
    assertThatThrownBy(() -> base().signatureHeader(" ").build()).hasMessageStartingWith("signatureHeader ");
    assertThatThrownBy(() -> base().signedContent("{timestamp}").timestampHeader("X-T").build())
        .hasMessageStartingWith("signedContent must contain {body} exactly once");
    assertThatThrownBy(() -> base().signedContent("{body}{body}").build())
        .hasMessageStartingWith("signedContent must contain {body} exactly once");
    assertThatThrownBy(() -> base().timestampHeader("X-T").signedContent("{body}").build())
        .hasMessageStartingWith("signedContent must contain {timestamp}");
    assertThatThrownBy(() -> base().signedContent("{timestamp}.{body}").build())
        .hasMessageStartingWith("signedContent uses {timestamp}");
    assertThatThrownBy(() -> base().timestampHeader("").build()).hasMessageStartingWith("timestampHeader ");
    assertThatThrownBy(() -> base().deliveryIdHeader("").build()).hasMessageStartingWith("deliveryIdHeader ");
    assertThatThrownBy(() -> base().timestampHeader("X-T").tolerance(Duration.ofMillis(-1)).build())
        .hasMessageStartingWith("tolerance ");
  }

  @Test
  void toStringShowsSchemeAndCountButNoSecret() {
    assertThat(base().build().toString()).contains("hmac", "HmacSHA256", "secrets=1").doesNotContain(KEY);
  }
}
