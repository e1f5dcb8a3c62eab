package dev.hookline.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link WebhookReceiver} decided about one request: {@link Accepted} (the webhook is durably stored) or
 * {@link Rejected} (with the HTTP status, a stable reason code and a short message safe to send to the client).
 *
 * <p>Transports turn it into a response with {@link #status()}, {@code Retry-After} from
 * {@link Rejected#retryAfter()} and a small JSON body from {@link #toJson()}.
 *
 * <p>Thread-safety: both cases are records of immutable values, so immutable and thread-safe.
 */
public sealed interface ReceiveResult permits ReceiveResult.Accepted, ReceiveResult.Rejected {

  /** {@return the HTTP status to answer} */
  int status();

  /** {@return whether the webhook was accepted} */
  default boolean isAccepted() {
    return this instanceof Accepted;
  }

  /** {@return a small JSON body for the response, for example {@code {"status":"accepted","deliveryId":"…"}}} */
  String toJson();

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

    @Override
    public String toJson() {
      return "{\"status\":\"rejected\",\"reason\":\""
          + reason.code()
          + "\",\"message\":\""
          + JsonText.escape(message)
          + "\"}";
    }
  }
}
