package dev.hookline.core.envelope;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Amazon SQS's limits, stated once for every part of Hookline that sends, receives or settles messages (SQS
 * Developer Guide, "Amazon SQS message quotas", and the API reference of {@code SendMessage},
 * {@code ChangeMessageVisibility} and the batch actions).
 *
 * <p>Thread-safety: constants and pure functions.
 */
public final class SqsLimits {

  /** The largest message, 1 MiB (1,048,576 bytes), counted as {@link #messageSize(String, Map)} counts it. */
  public static final int MAX_MESSAGE_BYTES = 1_048_576;

  /** The largest {@code SendMessageBatch} request: 1 MiB over all its messages. */
  public static final int MAX_BATCH_BYTES = 1_048_576;

  /** The most entries in one batch call, and the most messages one receive returns. */
  public static final int MAX_BATCH_ENTRIES = 10;

  /** The most message attributes on one message. */
  public static final int MAX_MESSAGE_ATTRIBUTES = 10;

  /** The longest visibility timeout, in seconds: 12 hours. */
  public static final int MAX_VISIBILITY_SECONDS = 43_200;

  /** The longest visibility timeout: 12 hours, also the longest a received message can be kept from others. */
  public static final Duration MAX_VISIBILITY = Duration.ofSeconds(MAX_VISIBILITY_SECONDS);

  /** The longest long-poll wait of one receive, in seconds. */
  public static final int MAX_WAIT_TIME_SECONDS = 20;

  /** The longest long-poll wait of one receive (also a queue's {@code ReceiveMessageWaitTimeSeconds}). */
  public static final Duration MAX_WAIT_TIME = Duration.ofSeconds(MAX_WAIT_TIME_SECONDS);

  /** The longest FIFO message group id or deduplication id, in characters. */
  public static final int MAX_GROUP_OR_DEDUPLICATION_ID_CHARS = 128;

  /** The data type of every attribute Hookline writes. */
  private static final String STRING = "String";

  private SqsLimits() {}

  /**
   * Returns the size SQS counts against {@link #MAX_MESSAGE_BYTES}: the UTF-8 body plus, for each attribute, its
   * name, its data type ({@code String}) and its value, in UTF-8.
   *
   * @param body the message body
   * @param attributes string attributes, name → value
   * @return the size in bytes
   */
  public static int messageSize(String body, Map<String, String> attributes) {
    Objects.requireNonNull(body, "body");
    int size = utf8Length(body);
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      size += attributeSize(e.getKey(), STRING, e.getValue());
    }
    return size;
  }

  /**
   * Returns the size one attribute adds to a message: its name, data type and value, in UTF-8.
   *
   * @param name the attribute name
   * @param dataType the data type, such as {@code String} or {@code Number}
   * @param value the string value
   * @return the size in bytes
   */
  public static int attributeSize(String name, String dataType, String value) {
    return utf8Length(name) + utf8Length(dataType) + utf8Length(value);
  }

  /**
   * Returns whether a FIFO message group id or deduplication id is one SQS accepts: 1 to {@value
   * #MAX_GROUP_OR_DEDUPLICATION_ID_CHARS} characters, each printable ASCII ({@code !} to {@code ~}).
   *
   * @param id the id
   * @return true when SQS accepts it
   */
  public static boolean isValidGroupOrDeduplicationId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_GROUP_OR_DEDUPLICATION_ID_CHARS) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '!' || c > '~') {
        return false;
      }
    }
    return true;
  }

  /**
   * Converts a delay to a visibility timeout: whole seconds rounded up, capped at {@link #MAX_VISIBILITY_SECONDS}.
   *
   * @param delay the delay, not negative
   * @return the timeout in seconds
   * @throws IllegalArgumentException when the delay is negative
   */
  public static int visibilitySeconds(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
    return (int) Math.min(seconds, MAX_VISIBILITY_SECONDS);
  }

  private static int utf8Length(String s) {
    if (s == null) {
      return 0;
    }
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n++; // a lone surrogate: encoded as '?', as String.getBytes does
      } else {
        n += 3;
      }
    }
    return n;
  }
}
