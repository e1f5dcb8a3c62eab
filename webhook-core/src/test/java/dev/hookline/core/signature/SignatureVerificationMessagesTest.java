package dev.hookline.core.signature;

import static dev.hookline.core.signature.TestSigning.clockAt;
import static dev.hookline.core.signature.TestSigning.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.retry.FailureReport;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A failed check's message reaches a DEBUG log and, for deferred verification, the DLQ attribute {@code
 * hookline-error-message}: no built-in verifier may quote a header value in it, whatever the header holds.
 */
class SignatureVerificationMessagesTest {

  private static final long NOW = 1_700_000_000L;
  private static final Clock CLOCK = clockAt(NOW);
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final byte[] BODY = utf8("{\"ok\":true}");

  /** Text that must never appear in a message: every header value below contains one of these. */
  private static final List<String> MARKERS =
      List.of("LEAKMARKER", "abababababababab", "q6urq6urq6urq6ur", "98765432109", "1098765432");

  private static final String HEX = "ab".repeat(32);
  private static final String BASE64 = "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="; // 32 bytes of 0xAB

  /** Values in every shape the verifiers parse: malformed, prefixed, well-formed but wrong. */
  private static final List<String> VALUES =
      List.of(
          "LEAKMARKER",
          "sha256=LEAKMARKER",
          "sha256=" + HEX,
          "v1,LEAKMARKER",
          "v1," + BASE64,
          "v1a," + BASE64,
          "v1," + BASE64 + " v1a,LEAKMARKER",
          "t=" + NOW + ",v1=" + HEX,
          "t=LEAKMARKER,v1=" + HEX,
          "t=98765432109,v1=" + HEX,
          "t=1098765432,v1=" + HEX,
          "t=" + NOW + ",v1=LEAKMARKER,v0=" + HEX,
          "v0=" + HEX,
          "v0=LEAKMARKER",
          BASE64,
          HEX,
          "98765432109",
          "1098765432",
          "   LEAKMARKER   ",
          "LEAKMARKER\u0000\uD800");

  private static final Map<String, SignatureVerifier> VERIFIERS =
      Map.of(
          "standard-webhooks", StandardWebhooksVerifier.builder().addSecret(SECRET).clock(CLOCK).build(),
          "github", GitHubVerifier.builder().addSecret("s3cret").build(),
          "stripe", StripeVerifier.builder().addSecret(SECRET).clock(CLOCK).build(),
          "shopify", ShopifyVerifier.builder().addSecret("s3cret").build(),
          "slack", SlackVerifier.builder().addSecret("s3cret").clock(CLOCK).build(),
          "hmac",
              HmacVerifier.builder()
                  .addSecret("s3cret")
                  .signatureHeader("X-Signature")
                  .prefix("sha256=")
                  .timestampHeader("X-Timestamp")
                  .clock(CLOCK)
                  .build());

  /** Every signature, timestamp and id header the verifiers read. */
  private static final List<String> HEADERS =
      List.of(
          StandardWebhooksVerifier.ID_HEADER,
          StandardWebhooksVerifier.TIMESTAMP_HEADER,
          StandardWebhooksVerifier.SIGNATURE_HEADER,
          GitHubVerifier.SIGNATURE_HEADER,
          StripeVerifier.SIGNATURE_HEADER,
          ShopifyVerifier.SIGNATURE_HEADER,
          SlackVerifier.SIGNATURE_HEADER,
          SlackVerifier.TIMESTAMP_HEADER,
          "X-Signature",
          "X-Timestamp");

  @Test
  void noFailureMessageQuotesAHeaderValue() {
    List<String> messages = new ArrayList<>();
    for (Map.Entry<String, SignatureVerifier> entry : VERIFIERS.entrySet()) {
      SignatureVerifier verifier = entry.getValue();
      for (String value : VALUES) {
        // Each header in turn holds the value, the others a plausible one, so every check gets its turn to fail.
        for (String target : HEADERS) {
          WebhookHeaders.Builder headers = WebhookHeaders.builder();
          for (String name : HEADERS) {
            headers.add(name, name.equals(target) ? value : plausible(name));
          }
          WebhookHeaders built = headers.build();
          try {
            verifier.verify(built, BODY);
          } catch (SignatureVerificationException e) {
            messages.add(entry.getKey() + ": " + chain(e));
            FailureReport report =
                FailureReport.of(FailureReport.REASON_SIGNATURE_INVALID, e, 1, Instant.EPOCH, Instant.EPOCH);
            assertThat(report.errorMessage()).isEqualTo(e.getMessage());
          }
          try {
            verifier.verifyAsOf(built, BODY, Instant.ofEpochSecond(NOW));
          } catch (SignatureVerificationException e) {
            messages.add(entry.getKey() + ": " + chain(e));
          }
        }
      }
    }

    // Signatures are checked before the window, so only a correctly signed request can fail as stale or future.
    String body = new String(BODY, java.nio.charset.StandardCharsets.UTF_8);
    for (long skew : new long[] {-1000, 1000}) {
      String t = Long.toString(NOW + skew);
      String v1 = TestSigning.hmacSha256Hex(SECRET, t + "." + body);
      try {
        VERIFIERS.get("stripe").verify(TestSigning.headers("Stripe-Signature", "t=" + t + ",v1=" + v1), BODY);
      } catch (SignatureVerificationException e) {
        messages.add("stripe: " + chain(e));
      }
    }

    // Enough failures of enough kinds that the check below means something.
    assertThat(messages).hasSizeGreaterThan(500);
    assertThat(messages)
        .anyMatch(m -> m.contains("mismatch"))
        .anyMatch(m -> m.contains("malformed"))
        .anyMatch(m -> m.contains("too old") || m.contains("in the future"));
    for (String message : messages) {
      for (String marker : MARKERS) {
        assertThat(message).doesNotContain(marker);
      }
    }
  }

  private static String plausible(String header) {
    if (header.toLowerCase(Locale.ROOT).contains("timestamp")) {
      return Long.toString(NOW);
    }
    if (header.equals(StandardWebhooksVerifier.ID_HEADER)) {
      return "msg_1";
    }
    return "v1,AAAA";
  }

  /** The message and every cause's message. */
  private static String chain(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    return all.toString();
  }
}
