package dev.hookline.sqs.internal;

import dev.hookline.core.Attempt;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Small, pure helpers for reading received SQS messages and SQS's limits.
 *
 * <p>Thread-safety: stateless.
 */
public final class SqsMessages {

  /**
   * The longest visibility timeout SQS accepts, in seconds (12 hours; SQS API reference, {@code
   * ChangeMessageVisibility}).
   */
  public static final int MAX_VISIBILITY_SECONDS = 43_200;

  /** The most entries SQS accepts in one batch call and the most messages one receive returns. */
  public static final int MAX_BATCH_ENTRIES = 10;

  /** The most message attributes SQS accepts on one message. */
  public static final int MAX_MESSAGE_ATTRIBUTES = 10;

  private SqsMessages() {}

  /**
   * Returns whether a queue URL names a FIFO queue (its name ends in {@code .fifo}).
   *
   * @param queueUrl the queue URL
   * @return true for a FIFO queue
   */
  public static boolean isFifo(String queueUrl) {
    return queueUrl.endsWith(".fifo");
  }

  /**
   * Converts a delay to a visibility timeout: whole seconds rounded up, capped at {@link #MAX_VISIBILITY_SECONDS}.
   *
   * @param delay the delay, not negative
   * @return the timeout in seconds
   */
  public static int visibilitySeconds(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
    return (int) Math.min(seconds, MAX_VISIBILITY_SECONDS);
  }

  /**
   * Returns the attempt a received message represents: its {@code ApproximateReceiveCount} and {@code
   * ApproximateFirstReceiveTimestamp}. Missing or malformed values fall back to attempt 1 and {@code now}.
   *
   * @param message the received message
   * @param now the time to use when the first-receive timestamp is missing
   * @return the attempt
   */
  public static Attempt attempt(Message message, Instant now) {
    Map<MessageSystemAttributeName, String> system = message.attributes();
    int number = 1;
    Instant first = now;
    String count = system.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
    if (count != null) {
      try {
        number = Math.max(1, Integer.parseInt(count.trim()));
      } catch (NumberFormatException e) {
        number = 1;
      }
    }
    String firstMillis = system.get(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP);
    if (firstMillis != null) {
      try {
        first = Instant.ofEpochMilli(Long.parseLong(firstMillis.trim()));
      } catch (NumberFormatException e) {
        first = now;
      }
    }
    return new Attempt(number, first);
  }

  /**
   * Returns the message's FIFO message group id, if it has one.
   *
   * @param message the received message
   * @return the group id
   */
  public static Optional<String> messageGroupId(Message message) {
    return Optional.ofNullable(message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
  }

  /**
   * Returns the message's {@code String} and {@code Number} attributes as name → value, sorted by name (binary
   * attributes are left out).
   *
   * @param message the received message
   * @return the string attributes
   */
  public static Map<String, String> stringAttributes(Message message) {
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, MessageAttributeValue> e : new TreeMap<>(message.messageAttributes()).entrySet()) {
      if (isStringLike(e.getValue())) {
        result.put(e.getKey(), e.getValue().stringValue());
      }
    }
    return result;
  }

  static boolean isStringLike(MessageAttributeValue value) {
    String type = value.dataType();
    return value.stringValue() != null
        && type != null
        && (type.startsWith("String") || type.startsWith("Number"));
  }
}
