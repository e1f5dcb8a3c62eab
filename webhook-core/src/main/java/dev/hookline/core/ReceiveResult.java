package dev.hookline.core;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link WebhookReceiver} decided about one request: {@link Accepted} (the webhook is durably stored), {@link
 * Rejected} (with the HTTP status, a stable reason code and a short message safe to send to the client), or {@link
 * Answered} (a sender's URL handshake, answered at once and never stored).
 *
 * <p>Transports turn it into a response the same way for every case: the status from {@link #status()}, every header
 * of {@link #headers()} ({@code Content-Type}, and {@code Retry-After} in whole seconds on 429 and 503) and the body
 * {@link #body()}.
 *
 * <p>Thread-safety: every case is a record of immutable values, so immutable and thread-safe.
 */
public sealed interface ReceiveResult permits ReceiveResult.Accepted, ReceiveResult.Rejected, ReceiveResult.Answered {

  /** The content type of Hookline's own response bodies. */
  String JSON = "application/json";

  /** {@return the HTTP status to answer} */
  int status();

  /** {@return whether the webhook was accepted} */
  default boolean isAccepted() {
    return this instanceof Accepted;
  }

  /**
   * Returns a small JSON summary, for example {@code {"status":"accepted","deliveryId":"…"}}. For {@link Accepted}
   * and {@link Rejected} it is also the response {@link #body()}; a handshake's answer has a body of its own.
   */
  String toJson();

  /** Returns the response body: {@link #toJson()}, or a handshake's answer for {@link Answered}. */
  default String body() {
    return toJson();
  }

  /**
   * Returns the response headers, in order: {@code Content-Type} always, {@code Retry-After} (whole seconds, rounded
   * up, at least 1) for a rejection that has one, and {@code X-Content-Type-Options: nosniff} and {@code
   * Cache-Control: no-store} for a handshake's answer, which may echo what the sender sent.
   *
   * @return header names to values
   */
  default Map<String, String> headers() {
    return Map.of("Content-Type", JSON);
  }

  /**
   * Rounds a delay up to whole seconds, at least 1: {@code Retry-After} is delay-seconds (RFC 9110 section 10.2.3).
   *
   * @param delay the delay
   * @return the seconds to send
   */
  static long retryAfterSeconds(Duration delay) {
    long millis = Math.max(1, delay.toMillis());
    return (millis + 999) / 1000;
  }

  /**
   * The webhook is durably stored; answer {@link #status()} (202 by default).
   *
   * @param deliveryId the delivery id assigned to the webhook
   * @param status the 2xx status to answer
   */
  record Accepted(String deliveryId, int status) implements ReceiveResult {
    /**
     * Validates the components.
     *
     * @param deliveryId the delivery id
     * @param status a 2xx status
     */
    public Accepted {
      Objects.requireNonNull(deliveryId, "deliveryId");
      if (status < 200 || status > 299) {
        throw new IllegalArgumentException("status must be 2xx, was " + status);
      }
    }

    @Override
    public String toJson() {
      return "{\"status\":\"accepted\",\"deliveryId\":\"" + JsonText.escape(deliveryId) + "\"}";
    }
  }

  /**
   * The request was refused.
   *
   * @param reason why, with the status it maps to
   * @param message a short explanation that is safe to send to the client (never which signature check failed)
   * @param retryAfter for 429 and 503, how long the sender should wait before retrying
   */
  record Rejected(RejectReason reason, String message, Optional<Duration> retryAfter) implements ReceiveResult {
    /**
     * Validates the components.
     *
     * @param reason the reason
     * @param message the client-safe message
     * @param retryAfter the retry delay, if any
     */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /**
     * Creates a rejection without {@code Retry-After}.
     *
     * @param reason the reason
     * @param message the client-safe message
     * @return the rejection
     */
    public static Rejected of(RejectReason reason, String message) {
      return new Rejected(reason, message, Optional.empty());
    }

    @Override
    public int status() {
      return reason.status();
    }

    /** Returns {@code Content-Type: application/json}, and {@code Retry-After} when this rejection has a delay. */
    @Override
    public Map<String, String> headers() {
      if (retryAfter.isEmpty()) {
        return Map.of("Content-Type", JSON);
      }
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", JSON);
      headers.put("Retry-After", Long.toString(ReceiveResult.retryAfterSeconds(retryAfter.get())));
      return Collections.unmodifiableMap(headers);
    }

    @Override
    public String toJson() {
      return "{\"status\":\"rejected\",\"reason\":\""
          + reason.code()
          + "\",\"message\":\""
          + JsonText.escape(message)
          + "\"}";
    }
  }

  /**
   * A sender's URL handshake was answered at once (see {@link Handshake}); nothing was stored and no handler runs.
   *
   * @param handshake which handshake, for listeners and logs, for example {@code slack.url_verification}
   * @param status the status to answer, usually 200
   * @param contentType the answer's content type, for example {@code text/plain; charset=utf-8}
   * @param body the answer, for example the challenge the sender expects back
   */
  record Answered(String handshake, int status, String contentType, String body) implements ReceiveResult {
    /**
     * Validates the components.
     *
     * @param handshake which handshake
     * @param status a 2xx status
     * @param contentType the content type
     * @param body the body
     */
    public Answered {
      Objects.requireNonNull(handshake, "handshake");
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
      if (status < 200 || status > 299) {
        throw new IllegalArgumentException("status must be 2xx, was " + status);
      }
    }

    /**
     * Returns a 200 answer with a JSON body.
     *
     * @param handshake which handshake
     * @param json the JSON body
     * @return the answer
     */
    public static Answered json(String handshake, String json) {
      return new Answered(handshake, 200, JSON, json);
    }

    /**
     * Returns a 200 answer with a plain-text body.
     *
     * @param handshake which handshake
     * @param text the text, for example a challenge to echo
     * @return the answer
     */
    public static Answered text(String handshake, String text) {
      return new Answered(handshake, 200, "text/plain; charset=utf-8", text);
    }

    /** Returns {@code {"status":"answered","handshake":"…"}}; the response body is {@link #body()}. */
    @Override
    public String toJson() {
      return "{\"status\":\"answered\",\"handshake\":\"" + JsonText.escape(handshake) + "\"}";
    }

    /** Returns the content type, {@code X-Content-Type-Options: nosniff} and {@code Cache-Control: no-store}. */
    @Override
    public Map<String, String> headers() {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", contentType);
      headers.put("X-Content-Type-Options", "nosniff");
      headers.put("Cache-Control", "no-store");
      return Collections.unmodifiableMap(headers);
    }

    /** Shows the handshake and status, not the body. */
    @Override
    public String toString() {
      return "Answered[handshake=" + handshake + ", status=" + status + ", contentType=" + contentType + ']';
    }
  }
}
