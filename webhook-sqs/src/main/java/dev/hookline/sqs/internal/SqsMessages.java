package dev.hookline.sqs.internal;

import dev.hookline.core.Attempt;
import dev.hookline.core.envelope.SqsLimits;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Small, pure helpers for reading received SQS messages; SQS's limits are in {@link SqsLimits}.
 *
 * <p>Thread-safety: stateless.
 */
public final class SqsMessages {

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
