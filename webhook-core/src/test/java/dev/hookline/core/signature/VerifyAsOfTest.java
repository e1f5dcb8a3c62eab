package dev.hookline.core.signature;

import static dev.hookline.core.signature.TestSigning.clockAt;
import static dev.hookline.core.signature.TestSigning.headers;
import static dev.hookline.core.signature.TestSigning.hmacSha256Base64;
import static dev.hookline.core.signature.TestSigning.hmacSha256Hex;
import static dev.hookline.core.signature.TestSigning.utf8;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.WebhookHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SignatureVerifier#verifyAsOf}: a request signed at {@code T}, received at the edge shortly after and verified
 * at consume time an hour later, passes; the replay window is measured from receipt, not from the clock.
 */
class VerifyAsOfTest {

  private static final long T = 1_700_000_000L;
  private static final String BODY = "{\"id\":\"evt_1\",\"type\":\"ping\"}";
  // Consume time: an hour after signing, far outside every scheme's 5-minute window.
  private static final Clock AN_HOUR_LATER = clockAt(T + 3600);
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  record Signed(String scheme, SignatureVerifier verifier, WebhookHeaders headers) {
    @Override
    public String toString() {
      return scheme;
    }
  }

  static Stream<Arguments> timestampedSchemes() {
    String ts = Long.toString(T);
    return Stream.of(
            new Signed(
                "standard-webhooks",
                StandardWebhooksVerifier.builder()
                    .addSecret("whsec_" + Base64.getEncoder().encodeToString(KEY))
                    .clock(AN_HOUR_LATER)
                    .build(),
                headers(
                    "webhook-id", "msg_1",
                    "webhook-timestamp", ts,
                    "webhook-signature", "v1," + hmacSha256Base64(KEY, "msg_1." + ts + "." + BODY))),
            new Signed(
                "stripe",
                StripeVerifier.builder().addSecret("whsec_stripe").clock(AN_HOUR_LATER).build(),
                headers("Stripe-Signature", "t=" + ts + ",v1=" + hmacSha256Hex("whsec_stripe", ts + "." + BODY))),
            new Signed(
                "slack",
                SlackVerifier.builder().addSecret("slack-secret").clock(AN_HOUR_LATER).build(),
                headers(
                    "X-Slack-Request-Timestamp", ts,
                    "X-Slack-Signature", "v0=" + hmacSha256Hex("slack-secret", "v0:" + ts + ":" + BODY))),
            new Signed(
                "hmac",
                HmacVerifier.builder()
                    .addSecret("hmac-secret")
                    .signatureHeader("X-Signature")
                    .timestampHeader("X-Timestamp")
                    .clock(AN_HOUR_LATER)
                    .build(),
                headers("X-Signature", hmacSha256Hex("hmac-secret", ts + "." + BODY), "X-Timestamp", ts)))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("timestampedSchemes")
  void anHourLateIsTooOldForTheClockButOnTimeAsOfReceipt(Signed signed) {
    byte[] body = utf8(BODY);
    Instant signedAt = Instant.ofEpochSecond(T);

    assertThatThrownBy(() -> signed.verifier().verify(signed.headers(), body))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageEndingWith("outside tolerance: too old");
    assertThatCode(() -> signed.verifier().verifyAsOf(signed.headers(), body, signedAt.plusSeconds(2)))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("timestampedSchemes")
  void theWindowStillHoldsAroundTheReceiptTime(Signed signed) {
    byte[] body = utf8(BODY);
    Instant signedAt = Instant.ofEpochSecond(T);

    // A replay that reached the edge 10 minutes after signing is refused, whenever it is consumed.
    assertThatThrownBy(
            () -> signed.verifier().verifyAsOf(signed.headers(), body, signedAt.plus(Duration.ofMinutes(10))))
        .hasMessageEndingWith("outside tolerance: too old");
    assertThatThrownBy(
            () -> signed.verifier().verifyAsOf(signed.headers(), body, signedAt.minus(Duration.ofMinutes(10))))
        .hasMessageEndingWith("outside tolerance: in the future");
    // And the signature is still checked.
    assertThatThrownBy(() -> signed.verifier().verifyAsOf(signed.headers(), utf8(BODY + " "), signedAt))
        .hasMessage("signature mismatch");
  }

  @Test
  void schemesWithoutATimestampVerifyTheSameWhenever() {
    GitHubVerifier github = GitHubVerifier.builder().addSecret("gh").build();
    WebhookHeaders h = headers("X-Hub-Signature-256", "sha256=" + hmacSha256Hex("gh", BODY));

    assertThatCode(() -> github.verifyAsOf(h, utf8(BODY), Instant.EPOCH)).doesNotThrowAnyException();
    assertThatThrownBy(() -> github.verifyAsOf(h, utf8(BODY + " "), Instant.EPOCH)).hasMessage("signature mismatch");
  }
}
