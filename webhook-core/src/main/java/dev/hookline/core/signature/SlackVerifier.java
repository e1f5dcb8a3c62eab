package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
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

  /** What {@link #headerNames()} returns, also for {@link SignatureVerifiers#headerNames(String)}. */
  static final List<String> HEADER_NAMES = List.of(SIGNATURE_HEADER, TIMESTAMP_HEADER);

  private static final String PREFIX = "v0=";

  private final HmacFamily family;

  private SlackVerifier(HmacFamily family, TimestampWindow window) {
    super(window);
    this.family = family;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  void verifyAt(WebhookHeaders headers, byte[] body, long receivedAtMillis) {
    family.verify(headers, body, receivedAtMillis);
  }

  /** Returns the JSON body's top-level {@code event_id}, if the body is a JSON object that has one. */
  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return JsonFields.topLevelString(body, "event_id");
  }

  /** Returns {@code X-Slack-Signature} and {@code X-Slack-Request-Timestamp}. */
  @Override
  public List<String> headerNames() {
    return HEADER_NAMES;
  }

  /** Returns {@code slack}. */
  @Override
  public String scheme() {
    return "slack";
  }

  /** Shows the scheme, the number of secrets and the tolerance, never the secrets. */
  @Override
  public String toString() {
    return "SlackVerifier{scheme=slack, secrets=" + family.keys().size() + ", tolerance=" + window.tolerance() + '}';
  }

  /**
   * Builds a {@link SlackVerifier}; not thread-safe. Each secret is the app's signing secret, used as its UTF-8 bytes;
   * at least one is required. The default tolerance of 5 minutes is what Slack recommends.
   */
  public static final class Builder extends TimestampedVerifierBuilder<Builder> {

    private Builder() {}

    @Override
    public SlackVerifier build() {
      TimestampWindow window = window();
      return new SlackVerifier(family(utf8Keys("HmacSHA256"), window), window);
    }
  }

  /** Slack's scheme in the HMAC family: {@code v0=} hex over {@code v0:<timestamp>:<body>}. */
  static HmacFamily family(HmacKeys keys, TimestampWindow window) {
    return HmacFamily.builder(keys)
        .signatureHeader(SIGNATURE_HEADER)
        .prefix(PREFIX)
        .timestampHeader(TIMESTAMP_HEADER, TimestampWindow.Format.UNIX_SECONDS)
        .window(window)
        .signedContent(
            HmacFamily.literal("v0:"), HmacFamily.TIMESTAMP, HmacFamily.literal(":"), HmacFamily.BODY)
        .build();
  }
}
