package dev.hookline.core.retry;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an operator needs to know about a failed message: why, the error's type and (truncated) message, how many
 * attempts were made, and when it was first received and last failed. It travels with a dead-lettered message as
 * message attributes ({@link #toAttributes()}).
 *
 * <p>Thread-safety: immutable.
 *
 * @param reason a stable code: {@code handler_failed} (on a retry), {@code attempts_exhausted},
 *     {@code permanent_failure}, {@code poison_message}, {@code signature_invalid}, {@code unknown_source} or
 *     {@code time_budget_exhausted}; see the {@code REASON_} constants
 * @param errorType the exception's class name
 * @param errorMessage the exception's message, truncated to {@link #MAX_MESSAGE_CHARS}; never secrets or bodies
 * @param attempts attempts made so far
 * @param firstReceivedAt when the message was first received
 * @param lastFailedAt when the last attempt failed
 */
public record FailureReport(
    String reason, String errorType, String errorMessage, int attempts, Instant firstReceivedAt, Instant lastFailedAt) {

  /** Reason of the report on a {@link Decision.Retry}: the attempt failed and will be retried. */
  public static final String REASON_HANDLER_FAILED = "handler_failed";
  /** The last allowed attempt failed. */
  public static final String REASON_ATTEMPTS_EXHAUSTED = "attempts_exhausted";
  /** The failure is not retryable (for example {@code PermanentFailureException}). */
  public static final String REASON_PERMANENT_FAILURE = "permanent_failure";
  /** The message could not be decoded. */
  public static final String REASON_POISON_MESSAGE = "poison_message";
  /** A deferred signature check failed. */
  public static final String REASON_SIGNATURE_INVALID = "signature_invalid";
  /** A deferred signature check was needed but no verifier is configured for the webhook's source. */
  public static final String REASON_UNKNOWN_SOURCE = "unknown_source";
  /** No room is left within SQS's 12-hour visibility limit, counted from first receipt, for another attempt. */
  public static final String REASON_TIME_BUDGET_EXHAUSTED = "time_budget_exhausted";

  /** Longest error message kept, in characters. */
  public static final int MAX_MESSAGE_CHARS = 1024;

  /** DLQ message attribute: the reason code. */
  public static final String ATTR_REASON = "hookline-failure-reason";
  /** DLQ message attribute: the error type. */
  public static final String ATTR_ERROR_TYPE = "hookline-error-type";
  /** DLQ message attribute: the error message. */
  public static final String ATTR_ERROR_MESSAGE = "hookline-error-message";
  /** DLQ message attribute: attempts made. */
  public static final String ATTR_ATTEMPTS = "hookline-attempts";
  /** DLQ message attribute: first receipt, ISO-8601. */
  public static final String ATTR_FIRST_RECEIVED_AT = "hookline-first-received-at";
  /** DLQ message attribute: last failure, ISO-8601. */
  public static final String ATTR_LAST_FAILED_AT = "hookline-last-failed-at";

  /**
   * Validates the components and truncates the message.
   *
   * @param reason the reason code
   * @param errorType the error type
   * @param errorMessage the error message
   * @param attempts the attempts
   * @param firstReceivedAt the first receipt
   * @param lastFailedAt the last failure
   */
  public FailureReport {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(errorType, "errorType");
    Objects.requireNonNull(errorMessage, "errorMessage");
    Objects.requireNonNull(firstReceivedAt, "firstReceivedAt");
    Objects.requireNonNull(lastFailedAt, "lastFailedAt");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
    }
    if (errorMessage.length() > MAX_MESSAGE_CHARS) {
      errorMessage = errorMessage.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
    }
  }

  /**
   * Creates a report for a failure.
   *
   * @param reason the reason code, one of the {@code REASON_} constants
   * @param error the failure; its class name and message (empty when it has none) are kept
   * @param attempts attempts made so far
   * @param firstReceivedAt when the message was first received
   * @param lastFailedAt when the last attempt failed
   * @return the report
   */
  public static FailureReport of(
      String reason, Throwable error, int attempts, Instant firstReceivedAt, Instant lastFailedAt) {
    Objects.requireNonNull(error, "error");
    String message = error.getMessage();
    return new FailureReport(
        reason, error.getClass().getName(), message == null ? "" : message, attempts, firstReceivedAt, lastFailedAt);
  }

  /**
   * Returns the report as DLQ message attributes (six string attributes; empty messages are sent as {@code "-"}
   * because SQS refuses empty attribute values).
   *
   * @return attribute name → value, in a stable order
   */
  public Map<String, String> toAttributes() {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(ATTR_REASON, reason);
    attributes.put(ATTR_ERROR_TYPE, errorType);
    attributes.put(ATTR_ERROR_MESSAGE, errorMessage.isEmpty() ? "-" : errorMessage);
    attributes.put(ATTR_ATTEMPTS, Integer.toString(attempts));
    attributes.put(ATTR_FIRST_RECEIVED_AT, firstReceivedAt.toString());
    attributes.put(ATTR_LAST_FAILED_AT, lastFailedAt.toString());
    return attributes;
  }
}
