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
 * @param reason a stable code: {@code handler_failed}, {@code attempts_exhausted}, {@code permanent_failure},
 *     {@code poison_message}, {@code signature_invalid} or {@code time_budget_exhausted}
 * @param errorType the exception's class name
 * @param errorMessage the exception's message, truncated to {@link #MAX_MESSAGE_CHARS}; never secrets or bodies
 * @param attempts attempts made so far
 * @param firstReceivedAt when the message was first received
 * @param lastFailedAt when the last attempt failed
 */
public record FailureReport(
    String reason, String errorType, String errorMessage, int attempts, Instant firstReceivedAt, Instant lastFailedAt) {

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
