package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
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
public final class SlackVerifier implements SignatureVerifier {

  /** The signature header. */
  public static final String SIGNATURE_HEADER = "X-Slack-Signature";

  /** The signed timestamp header. */
  public static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";

  private static final String PREFIX = "v0=";

  private final HmacKeys keys;
  private final TimestampWindow window;

  private SlackVerifier(HmacKeys keys, TimestampWindow window) {
    this.keys = keys;
    this.window = window;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body) {
    String value = HeaderValues.required(headers, SIGNATURE_HEADER);
    String timestamp = HeaderValues.required(headers, TIMESTAMP_HEADER);
    byte[] signature = Codec.hex(SignatureLists.stripPrefix(value, PREFIX, SIGNATURE_HEADER));
    if (signature == null) {
      throw new SignatureVerificationException(SIGNATURE_HEADER + " header malformed: expected hex");
    }
    window.check(timestamp, TIMESTAMP_HEADER);
    byte[] before = ("v0:" + timestamp + ':').getBytes(StandardCharsets.US_ASCII);
    if (!keys.matchesAny(before, body, List.of(signature))) {
      throw new SignatureVerificationException("signature mismatch");
    }
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

  /** Builds a {@link SlackVerifier}; not thread-safe. */
  public static final class Builder {
    private final List<String> secrets = new ArrayList<>();
    private Duration tolerance = TimestampWindow.DEFAULT_TOLERANCE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Replaces the signing secrets. Required: at least one. Configure the old and the new one while you rotate.
     *
     * @param secrets the signing secrets, used as UTF-8 bytes
     * @return this builder
     */
    public Builder secrets(Collection<String> secrets) {
      List<String> copy = Secrets.copy(secrets, "secrets");
      this.secrets.clear();
      this.secrets.addAll(copy);
      return this;
    }

    /**
     * Adds a signing secret.
     *
     * @param secret a signing secret, used as UTF-8 bytes
     * @return this builder
     */
    public Builder addSecret(String secret) {
      secrets.add(Objects.requireNonNull(secret, "secret"));
      return this;
    }

    /**
     * Sets how far the signed timestamp may be from the clock, in either direction. Default 5 minutes, as Slack
     * recommends; widen it only for senders with poor clocks.
     *
     * @param tolerance the tolerance, not negative
     * @return this builder
     */
    public Builder tolerance(Duration tolerance) {
      this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
      return this;
    }

    /**
     * Sets the clock the timestamp is checked against. Default {@link Clock#systemUTC()}; tests pass a fixed clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Returns the verifier.
     *
     * @return the immutable verifier
     * @throws IllegalArgumentException starting with {@code secrets} when there is none or one is blank, or with
     *     {@code tolerance} when it is negative
     */
    public SlackVerifier build() {
      HmacKeys keys = HmacKeys.utf8("HmacSHA256", Secrets.requireSecrets(secrets, "secrets"));
      return new SlackVerifier(keys, TimestampWindow.of(clock, tolerance));
    }
  }
}
