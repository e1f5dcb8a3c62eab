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

class SlackVerifierTest {

  // Slack's docs, "Verifying requests from Slack" → "Validating a request" walk-through
  // (https://api.slack.com/authentication/verifying-requests-from-slack): a slash-command body signed with the
  // example signing secret at timestamp 1531420618.
  private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final long TIMESTAMP = 1531420618L;
  private static final String BODY_TEXT =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
          + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
          + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
          + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  private static final byte[] BODY = utf8(BODY_TEXT);
  private static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

  private static SlackVerifier verifierAt(long now) {
    return SlackVerifier.builder().addSecret(SECRET).clock(clockAt(now)).build();
  }

  private static WebhookHeaders signed(String timestamp, String signature) {
    return headers("X-Slack-Request-Timestamp", timestamp, "X-Slack-Signature", signature);
  }

  @Test
  void acceptsSlacksPublishedExample() {
    assertThatCode(() -> verifierAt(TIMESTAMP).verify(signed("1531420618", SIGNATURE), BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsWrongSecretTamperedBodyAndTamperedTimestamp() {
    SlackVerifier other = SlackVerifier.builder().addSecret(SECRET + "x").clock(clockAt(TIMESTAMP)).build();
    assertThatThrownBy(() -> other.verify(signed("1531420618", SIGNATURE), BODY))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("signature mismatch");
    assertThatThrownBy(() -> verifierAt(TIMESTAMP).verify(signed("1531420618", SIGNATURE), utf8(BODY_TEXT + "&x=1")))
        .hasMessage("signature mismatch");
    assertThatThrownBy(() -> verifierAt(TIMESTAMP).verify(signed("1531420619", SIGNATURE), BODY))
        .hasMessage("signature mismatch");
  }

  @Test
  void rejectsStaleAndFutureTimestamps() {
    assertThatCode(() -> verifierAt(TIMESTAMP + 300).verify(signed("1531420618", SIGNATURE), BODY))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> verifierAt(TIMESTAMP + 301).verify(signed("1531420618", SIGNATURE), BODY))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("X-Slack-Request-Timestamp outside tolerance: too old");
    assertThatThrownBy(() -> verifierAt(TIMESTAMP - 301).verify(signed("1531420618", SIGNATURE), BODY))
        .hasMessage("X-Slack-Request-Timestamp outside tolerance: in the future");
    SlackVerifier lenient =
        SlackVerifier.builder().addSecret(SECRET).clock(clockAt(TIMESTAMP + 600)).tolerance(Duration.ofMinutes(10)).build();
    assertThatCode(() -> lenient.verify(signed("1531420618", SIGNATURE), BODY)).doesNotThrowAnyException();
  }

  @Test
  void rejectsMissingDuplicatedAndMalformedHeaders() {
    SlackVerifier v = verifierAt(TIMESTAMP);
    assertThatThrownBy(() -> v.verify(headers("X-Slack-Signature", SIGNATURE), BODY))
        .hasMessage("X-Slack-Request-Timestamp header missing");
    assertThatThrownBy(() -> v.verify(headers("X-Slack-Request-Timestamp", "1531420618"), BODY))
        .hasMessage("X-Slack-Signature header missing");
    WebhookHeaders twice = signed("1531420618", SIGNATURE).toBuilder().add("X-Slack-Request-Timestamp", "1").build();
    assertThatThrownBy(() -> v.verify(twice, BODY)).hasMessage("X-Slack-Request-Timestamp header duplicated");
    assertThatThrownBy(() -> v.verify(signed("1531420618", SIGNATURE.substring(3)), BODY))
        .hasMessage("X-Slack-Signature header malformed: expected prefix v0=");
    assertThatThrownBy(() -> v.verify(signed("1531420618.5", SIGNATURE), BODY))
        .hasMessage("X-Slack-Request-Timestamp malformed: expected Unix seconds");
    assertThatThrownBy(() -> v.verify(signed("-1531420618", SIGNATURE), BODY))
        .hasMessage("X-Slack-Request-Timestamp malformed: expected Unix seconds");
  }

  @Test
  void acceptsOldAndNewSecretWhileRotating() {
    SlackVerifier rotating = SlackVerifier.builder().addSecret("old").addSecret("new").clock(clockAt(1000)).build();
    for (String secret : new String[] {"old", "new"}) {
      String sig = "v0=" + hmacSha256Hex(secret, "v0:1000:{}");
      assertThatCode(() -> rotating.verify(signed("1000", sig), utf8("{}"))).doesNotThrowAnyException();
    }
  }

  @Test
  void deliveryIdIsTheEventIdOfJsonBodies() {
    SlackVerifier v = verifierAt(TIMESTAMP);
    byte[] event = utf8("{\"type\":\"event_callback\",\"event\":{\"event_id\":\"inner\"},\"event_id\":\"Ev0PV52K21\"}");
    assertThat(v.deliveryId(headers(), event)).contains("Ev0PV52K21");
    assertThat(v.deliveryId(headers(), BODY)).isEmpty();
    assertThat(v.deliveryId(headers(), utf8("{\"type\":\"url_verification\"}"))).isEmpty();
    assertThat(v.deliveryId(headers(), utf8("{\"event_id\":"))).isEmpty();
  }

  @Test
  void buildNamesTheField() {
    assertThatThrownBy(() -> SlackVerifier.builder().build()).hasMessageStartingWith("secrets ");
    assertThatThrownBy(() -> SlackVerifier.builder().addSecret("s").tolerance(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tolerance ");
  }

  @Test
  void toStringShowsSchemeAndCountButNoSecret() {
    assertThat(verifierAt(TIMESTAMP).toString()).contains("slack", "secrets=1").doesNotContain(SECRET);
  }
}
