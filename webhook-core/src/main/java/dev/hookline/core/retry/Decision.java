package dev.hookline.core.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * What a consumer must do with a message after one attempt: {@link Ack} (delete it), {@link Retry} (make it visible
 * again after a delay) or {@link DeadLetter} (send it to the DLQ with the report, then delete it).
 *
 * <p>Decided by the pure {@link ProcessingPolicy} (through {@link WebhookProcessor}); applied by the SQS consumer
 * runner and the Lambda SQS function.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface Decision permits Decision.Ack, Decision.Retry, Decision.DeadLetter {

  /** {@return whether this is an {@link Ack}} */
  default boolean isAck() {
    return this instanceof Ack;
  }

  /** {@return whether this is a {@link Retry}} */
  default boolean isRetry() {
    return this instanceof Retry;
  }

  /** {@return whether this is a {@link DeadLetter}} */
  default boolean isDeadLetter() {
    return this instanceof DeadLetter;
  }

  /**
   * Delete the message: handled, or a duplicate of a delivery already completed.
   *
   * @param duplicate true when the idempotency store skipped the handler
   */
  record Ack(boolean duplicate) implements Decision {}

  /**
   * Make the message visible again after {@code after} (SQS: {@code ChangeMessageVisibility}).
   *
   * @param after the delay before the next attempt, within SQS's 12-hour limit from first receipt
   * @param failure what failed this attempt
   */
  record Retry(Duration after, FailureReport failure) implements Decision {
    /**
     * Validates the components.
     *
     * @param after the delay
     * @param failure the failure
     */
    public Retry {
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(failure, "failure");
      if (after.isNegative()) {
        throw new IllegalArgumentException("after must not be negative, was " + after);
      }
    }
  }

  /**
   * Send the message to the dead-letter queue with {@code report} as its failure attributes, then delete it.
   *
   * @param report what failed, how often, and when
   */
  record DeadLetter(FailureReport report) implements Decision {
    /**
     * Validates the component.
     *
     * @param report the report
     */
    public DeadLetter {
      Objects.requireNonNull(report, "report");
    }
  }
}
