package dev.hookline.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.PermanentFailureException;
import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's text travels as SQS message attributes, so it must be something SQS accepts, and never a secret. */
class FailureReportTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, a surrogate pair in UTF-16
  private static final char REPLACEMENT = '\uFFFD';

  private static FailureReport report(String message) {
    return FailureReport.of(FailureReport.REASON_PERMANENT_FAILURE, new IOException(message), 3, T0, T0);
  }

  /**
   * The oracle, written from the SendMessage API reference rather than from the code under test: the text is valid
   * UTF-16 (it encodes to UTF-8 without replacement) and every code point is one of #x9 | #xA | #xD |
   * #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF; the value is not empty.
   */
  private static void assertSqsAccepts(String value) {
    assertThat(value).isNotEmpty();
    try {
      StandardCharsets.UTF_8
          .newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(value));
    } catch (CharacterCodingException e) {
      throw new AssertionError("not valid UTF-16: " + value.length() + " chars", e);
    }
    value
        .codePoints()
        .forEach(
            cp ->
                assertThat(
                        cp == 0x9
                            || cp == 0xA
                            || cp == 0xD
                            || (cp >= 0x20 && cp <= 0xD7FF)
                            || (cp >= 0xE000 && cp <= 0xFFFD)
                            || (cp >= 0x10000 && cp <= 0x10FFFF))
                    .as("code point U+%04X", cp)
                    .isTrue());
  }

  private static void assertAllAttributesAccepted(FailureReport r) {
    for (String text : List.of(r.reason(), r.errorType(), r.errorMessage())) {
      if (!text.isEmpty()) {
        assertSqsAccepts(text); // inside the JSON attribute, an empty text is fine
      }
    }
  }

  @Test
  void controlCharactersAndNulAreReplacedButTabAndLineBreaksKept() {
    FailureReport r = report("a\u0000b\u0001c\u001Bd\u007Fe\u0085f\tg\nh\ri");

    assertThat(r.errorMessage()).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\tg\nh\ri");
    assertAllAttributesAccepted(r);
  }

  @Test
  void loneSurrogatesAndNonCharactersAreReplacedButPairsKept() {
    String lone = "high\uD83D end, low\uDE00 end, reversed\uDE00\uD83D, pair" + EMOJI + ", fffe\uFFFE, ffff\uFFFF";

    FailureReport r = report(lone);

    assertThat(r.errorMessage())
        .isEqualTo(
            "high\uFFFD end, low\uFFFD end, reversed\uFFFD\uFFFD, pair" + EMOJI + ", fffe\uFFFD, ffff\uFFFD");
    assertAllAttributesAccepted(r);
    assertThat(report("\uD800").errorMessage()).isEqualTo(String.valueOf(REPLACEMENT)); // alone at the end
  }

  @Test
  void aLongMessageIsCutBeforeAnEmojiThatStraddlesTheCut() {
    // Without care, substring(0, 1023) would keep the high surrogate at index 1022 and drop its low half.
    String message = "x".repeat(FailureReport.MAX_MESSAGE_CHARS - 2) + EMOJI + "y".repeat(5000 - 1024);
    assertThat(message).hasSize(5000);
    assertThat(Character.isHighSurrogate(message.charAt(FailureReport.MAX_MESSAGE_CHARS - 2))).isTrue();

    FailureReport r = report(message);

    assertThat(r.errorMessage())
        .isEqualTo("x".repeat(FailureReport.MAX_MESSAGE_CHARS - 2) + "…")
        .hasSize(FailureReport.MAX_MESSAGE_CHARS - 1);
    assertAllAttributesAccepted(r);
  }

  @Test
  void aLongMessageKeepsAnEmojiThatEndsRightBeforeTheCut() {
    String message = "x".repeat(FailureReport.MAX_MESSAGE_CHARS - 3) + EMOJI + "y".repeat(5000 - 1023);
    assertThat(message).hasSize(5000);

    FailureReport r = report(message);

    assertThat(r.errorMessage())
        .isEqualTo("x".repeat(FailureReport.MAX_MESSAGE_CHARS - 3) + EMOJI + "…")
        .hasSize(FailureReport.MAX_MESSAGE_CHARS);
    assertAllAttributesAccepted(r);
  }

  @Test
  void messagesUpToTheLimitAreKeptWhole() {
    String exactly = "z".repeat(FailureReport.MAX_MESSAGE_CHARS - 2) + EMOJI;
    assertThat(report(exactly).errorMessage()).isEqualTo(exactly);
  }

  @Test
  void aHugeMessageIsCutToTheLimit() {
    FailureReport r = report("\u0000".repeat(1_000_000));

    assertThat(r.errorMessage())
        .hasSize(FailureReport.MAX_MESSAGE_CHARS)
        .endsWith("…")
        .startsWith(String.valueOf(REPLACEMENT).repeat(10));
    assertAllAttributesAccepted(r);
  }

  @Test
  void secretsAndSignatureValuesAreRedacted() {
    String message =
        "secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, key whsk_c2VjcmV0a2V5, api sk_live_51HxAbCdEf,"
            + " restricted rk_test_9zYx8W; Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig;"
            + " X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17;"
            + " Stripe-Signature: t=1614265330,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd;"
            + " webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1a,ZmFrZWVkMjU1MTlzaWduYXR1cmU=;"
            + " Slack: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    String safe = report(message).errorMessage();

    assertThat(safe)
        .doesNotContain(
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "c2VjcmV0a2V5",
            "51HxAbCdEf",
            "9zYx8W",
            "eyJhbGciOiJIUzI1NiJ9",
            "757107ea0eb2509f",
            "5257a869e7ecebed",
            "g0hM9SsE",
            "ZmFrZWVkMjU1MTlz",
            "a2114d57b48eac39")
        .isEqualTo(
            "secret whsec_[redacted], key whsk_[redacted], api sk_live_[redacted],"
                + " restricted rk_test_[redacted]; Authorization: Bearer [redacted];"
                + " X-Hub-Signature-256: sha256=[redacted];"
                + " Stripe-Signature: t=1614265330,v1=[redacted];"
                + " webhook-signature: v1,[redacted] v1a,[redacted];"
                + " Slack: v0=[redacted]");
  }

  @Test
  void ordinaryTextIsNotMistakenForASecret() {
    String message =
        "sha256 mismatch; expected v1,<base64> but got v2,AAAA; basic check failed; task_test_case 7; bearer";
    assertThat(report(message).errorMessage()).isEqualTo(message);
  }

  @Test
  void aSignatureAcrossTheCutIsRedactedBeforeTheCut() {
    // Cutting first would keep "sha256=757107ea0e", too short to look like a signature, and leak its first half.
    String hex = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    String message = "x".repeat(FailureReport.MAX_MESSAGE_CHARS - 19) + " sha256=" + hex + " tail";

    FailureReport r = report(message);

    assertThat(r.errorMessage())
        .doesNotContain("757107ea0e")
        .endsWith("sha256=[redacted]…")
        .hasSize(FailureReport.MAX_MESSAGE_CHARS);
  }

  @Test
  void errorTypeAndReasonAreMadeSafeTheSameWay() {
    FailureReport r =
        new FailureReport(
            "odd\u0000reason", "com.example.Bad\u0001Type\uDBFF" + "T".repeat(5000), "", 1, T0, T0);

    assertThat(r.reason()).isEqualTo("odd\uFFFDreason");
    assertThat(r.errorType())
        .startsWith("com.example.Bad\uFFFDType\uFFFDTTT")
        .endsWith("…")
        .hasSize(FailureReport.MAX_MESSAGE_CHARS);
    assertAllAttributesAccepted(r);
    assertThat(r.errorMessage()).isEmpty();
  }

  @Test
  void makingSafeIsIdempotentSoReportsRoundTrip() {
    String nasty =
        "\u0000whsec_abcdefgh " + "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= ".repeat(40) + EMOJI.repeat(900);
    FailureReport r = report(nasty);

    FailureReport again =
        new FailureReport(r.reason(), r.errorType(), r.errorMessage(), r.attempts(), T0, T0);

    assertThat(again).isEqualTo(r);
  }

  @Test
  void ofKeepsTypeAndMessage() {
    FailureReport r =
        FailureReport.of(
            FailureReport.REASON_PERMANENT_FAILURE, new PermanentFailureException("order 42 unknown"), 2, T0, T0);
    assertThat(r.errorType()).isEqualTo(PermanentFailureException.class.getName());
    assertThat(r.errorMessage()).isEqualTo("order 42 unknown");
  }

  @Test
  void componentsAreValidated() {
    assertThatThrownBy(() -> new FailureReport("r", "t", "m", -1, T0, T0)).hasMessageStartingWith("attempts");
    assertThatThrownBy(() -> new FailureReport(null, "t", "m", 1, T0, T0)).hasMessage("reason");
    assertThatThrownBy(() -> new FailureReport("r", null, "m", 1, T0, T0)).hasMessage("errorType");
    assertThatThrownBy(() -> new FailureReport("r", "t", null, 1, T0, T0)).hasMessage("errorMessage");
  }

  /** Guards the oracle itself: it must reject what SQS rejects, or the tests above prove nothing. */
  @Test
  void theOracleRejectsWhatSqsRejects() {
    for (String bad : new String[] {"\u0000", "\u001F", "\uD800", "\uDC00", "\uFFFE", "\uFFFF", ""}) {
      assertThatThrownBy(() -> assertSqsAccepts(bad)).isInstanceOf(AssertionError.class);
    }
    assertSqsAccepts("ok\t\n\r" + EMOJI + "\uE000\uFFFD\u0085");
  }
}
