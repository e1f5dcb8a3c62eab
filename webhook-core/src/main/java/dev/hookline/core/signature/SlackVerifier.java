package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Verifies Slack requests: {@code X-Slack-Signature: v0=<hex>}, an HMAC-SHA256 keyed with the signing secret (UTF-8)
 * over {@code v0:<X-Slack-Request-Timestamp>:<body>}, and rejects timestamps outside a tolerance (default 5 minutes,
 * both directions).
 *
 * <p>The delivery id is the JSON body's top-level {@code event_id} (Events API); form-encoded bodies (slash commands,
 * interactivity) have none, and the receiver then falls back to a content hash.
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * <pre>{@code
 * SignatureVerifier slack = SlackVerifier.builder()
 *     .addSecret(System.getenv("SLACK_SIGNING_SECRET"))
 *     .build();
 * }</pre>
 *
 * @see <a href="https://api.slack.com/authentication/verifying-requests-from-slack">Verifying requests from
 *     Slack</a>
 */
public final class SlackVerifier extends TimestampedVerifier {

  /** The signature header. */
  public static final String SIGNATURE_HEADER = "X-Slack-Signature";

  /** The signed timestamp header. */
  public static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";

  private static final String PREFIX = "v0=";

  private final HmacKeys keys;

  private SlackVerifier(HmacKeys keys, TimestampWindow window) {
    super(window);
    this.keys = keys;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  void verifyAt(WebhookHeaders headers, byte[] body, long receivedAtMillis) {
    String value = HeaderValues.required(headers, SIGNATURE_HEADER);
    String timestamp = HeaderValues.required(headers, TIMESTAMP_HEADER);
    byte[] signature = Codec.requireHex(SignatureLists.stripPrefix(value, PREFIX, SIGNATURE_HEADER), SIGNATURE_HEADER);
    window.check(timestamp, TIMESTAMP_HEADER, receivedAtMillis);
    byte[] before = ("v0:" + timestamp + ':').getBytes(StandardCharsets.US_ASCII);
    keys.requireMatch(before, body, List.of(signature));
  }

  /** Returns the JSON body's top-level {@code event_id}, if the body is a JSON object that has one. */
  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return JsonFields.topLevelString(body, "event_id");
  }

  /** Returns {@code slack}. */
  @Override
  public String scheme() {
    return "slack";
  }

  /** Shows the scheme, the number of secrets and the tolerance, never the secrets. */
  @Override
  public String toString() {
    return "SlackVerifier{scheme=slack, secrets=" + keys.size() + ", tolerance=" + window.tolerance() + '}';
  }

  /**
   * Builds a {@link SlackVerifier}; not thread-safe. Each secret is the app's signing secret, used as its UTF-8 bytes;
   * at least one is required. The default tolerance of 5 minutes is what Slack recommends.
   */
  public static final class Builder extends TimestampedVerifierBuilder<Builder> {

    private Builder() {}

    @Override
    public SlackVerifier build() {
      return new SlackVerifier(utf8Keys("HmacSHA256"), window());
    }
  }
}
