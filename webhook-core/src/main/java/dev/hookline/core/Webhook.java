package dev.hookline.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One accepted webhook delivery: what the receiver hands to a {@link WebhookSink}, what goes on the queue inside the
 * envelope, and what a {@code WebhookHandler} receives.
 *
 * <p>The body is the raw bytes exactly as received, never re-serialized, so a handler may verify the signature again.
 * The delivery id is the provider's id where it has one (for example {@code X-GitHub-Delivery}) or a SHA-256 of the
 * source and body; it is the FIFO deduplication id and the idempotency key.
 *
 * <p>{@link #toString()} prints the id, source, time and body length, never the body or signature values.
 *
 * <p>Thread-safety: immutable; the body array is copied in and out.
 */
public final class Webhook {

  private final String deliveryId;
  private final String source;
  private final Instant receivedAt;
  private final WebhookHeaders headers;
  private final byte[] body;
  private final String contentType;
  private final Verification verification;
  private final Map<String, String> traceContext;

  private Webhook(Builder b, Map<String, String> traceContext) {
    this.deliveryId = b.deliveryId;
    this.source = b.source;
    this.receivedAt = b.receivedAt;
    this.headers = b.headers;
    this.body = b.body.clone();
    this.contentType = b.contentType;
    this.verification = b.verification;
    this.traceContext = traceContext;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the delivery id: the provider's id, or a SHA-256 of source and body when the provider sends none} */
  public String deliveryId() {
    return deliveryId;
  }

  /** {@return the name of the configured source this webhook arrived for, for example {@code github}} */
  public String source() {
    return source;
  }

  /** {@return when the receiver accepted the request} */
  public Instant receivedAt() {
    return receivedAt;
  }

  /** {@return the kept request headers (credentials such as {@code Authorization} are never kept)} */
  public WebhookHeaders headers() {
    return headers;
  }

  /** {@return a copy of the raw body bytes} */
  public byte[] body() {
    return body.clone();
  }

  /** {@return the body length in bytes without copying it} */
  public int bodyLength() {
    return body.length;
  }

  /** {@return the request's content type, if it had one} */
  public Optional<String> contentType() {
    return Optional.ofNullable(contentType);
  }

  /** {@return how the signature was checked before enqueueing} */
  public Verification verification() {
    return verification;
  }

  /**
   * Returns the trace context the webhook carries from the receive to the handler: W3C {@code traceparent} and
   * {@code tracestate} by default, written by the {@link Tracing} in use and kept in the envelope. Empty when no
   * tracing is configured or the message came without one.
   *
   * @return the propagation fields, unmodifiable; empty for none
   */
  public Map<String, String> traceContext() {
    return traceContext;
  }

  /** {@return a builder that starts with this webhook's values} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.deliveryId = deliveryId;
    b.source = source;
    b.receivedAt = receivedAt;
    b.headers = headers;
    b.body = body;
    b.contentType = contentType;
    b.verification = verification;
    b.traceContext = traceContext;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Webhook)) {
      return false;
    }
    Webhook other = (Webhook) o;
    return deliveryId.equals(other.deliveryId)
        && source.equals(other.source)
        && receivedAt.equals(other.receivedAt)
        && headers.equals(other.headers)
        && Arrays.equals(body, other.body)
        && Objects.equals(contentType, other.contentType)
        && verification == other.verification
        && traceContext.equals(other.traceContext);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        deliveryId, source, receivedAt, headers, Arrays.hashCode(body), contentType, verification, traceContext);
  }

  /** Prints id, source, time, content type and body length; never the body or signature values. */
  @Override
  public String toString() {
    return "Webhook{deliveryId="
        + deliveryId
        + ", source="
        + source
        + ", receivedAt="
        + receivedAt
        + ", contentType="
        + contentType
        + ", bodyLength="
        + body.length
        + ", verification="
        + verification
        + '}';
  }

  /** Builds a {@link Webhook}; not thread-safe. */
  public static final class Builder {
    private String deliveryId;
    private String source;
    private Instant receivedAt;
    private WebhookHeaders headers = WebhookHeaders.empty();
    private byte[] body = new byte[0];
    private String contentType;
    private Verification verification = Verification.VERIFIED;
    private Map<String, String> traceContext = Map.of();

    private Builder() {}

    /**
     * Sets the delivery id. Required.
     *
     * @param deliveryId the id, at most 128 characters (SQS's deduplication id limit)
     * @return this builder
     */
    public Builder deliveryId(String deliveryId) {
      this.deliveryId = Objects.requireNonNull(deliveryId, "deliveryId");
      return this;
    }

    /**
     * Sets the source name. Required.
     *
     * @param source the configured source's name
     * @return this builder
     */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Sets when the webhook was received. Required.
     *
     * @param receivedAt the time of receipt
     * @return this builder
     */
    public Builder receivedAt(Instant receivedAt) {
      this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
      return this;
    }

    /**
     * Sets the headers. Default: none.
     *
     * @param headers the headers
     * @return this builder
     */
    public Builder headers(WebhookHeaders headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /**
     * Sets the raw body bytes; copied at {@link #build()}. Default: empty.
     *
     * @param body the body
     * @return this builder
     */
    public Builder body(byte[] body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /**
     * Sets the content type. Default: none.
     *
     * @param contentType the media type, for example {@code application/json}
     * @return this builder
     */
    public Builder contentType(String contentType) {
      this.contentType = Objects.requireNonNull(contentType, "contentType");
      return this;
    }

    /**
     * Sets how the signature was checked. Default {@link Verification#VERIFIED}.
     *
     * @param verification the verification state
     * @return this builder
     */
    public Builder verification(Verification verification) {
      this.verification = Objects.requireNonNull(verification, "verification");
      return this;
    }

    /**
     * Sets the trace context to carry, replacing any set before. Default: none. The receiver and the enqueuer set it
     * from their {@link Tracing}; the envelope codec reads it back.
     *
     * @param traceContext propagation fields, for example {@code traceparent}; names and values not blank
     * @return this builder
     */
    public Builder traceContext(Map<String, String> traceContext) {
      this.traceContext = Objects.requireNonNull(traceContext, "traceContext");
      return this;
    }

    /**
     * Returns the webhook.
     *
     * @return the immutable webhook
     * @throws IllegalArgumentException naming the first missing or invalid field
     */
    public Webhook build() {
      if (deliveryId == null || deliveryId.isBlank()) {
        throw new IllegalArgumentException("deliveryId must be set and not blank");
      }
      if (source == null || source.isBlank()) {
        throw new IllegalArgumentException("source must be set and not blank");
      }
      if (receivedAt == null) {
        throw new IllegalArgumentException("receivedAt must be set");
      }
      Map<String, String> context = new LinkedHashMap<>();
      traceContext.forEach(
          (name, value) -> {
            if (name == null || name.isBlank() || value == null || value.isBlank()) {
              throw new IllegalArgumentException("traceContext must not contain null or blank names or values");
            }
            context.put(name, value);
          });
      return new Webhook(this, Collections.unmodifiableMap(context));
    }
  }
}
