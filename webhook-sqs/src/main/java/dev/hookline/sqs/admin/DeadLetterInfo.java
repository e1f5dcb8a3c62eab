package dev.hookline.sqs.admin;

import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.FailureReport;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One message in a dead-letter queue, as read by {@link DlqInspector}: its identity and the failure attributes that
 * the consumer wrote with it. The body is not held here: listings are for operators, and bodies may hold personal
 * data.
 *
 * <p>A message moved by SQS's own redrive policy ({@code maxReceiveCount}) has no failure attributes; its reason is
 * {@link #REASON_MAX_RECEIVE_COUNT}.
 *
 * @param messageId the DLQ message id
 * @param reason the failure reason ({@link FailureReport#ATTR_REASON}), or {@link #REASON_MAX_RECEIVE_COUNT}
 * @param errorType the failing exception's class name, if recorded
 * @param errorMessage the failing exception's message, if recorded
 * @param attempts how many attempts were made, if recorded
 * @param firstReceivedAt when the message was first received, if recorded
 * @param lastFailedAt when the last attempt failed, if recorded
 * @param source the webhook source, if the message carries one
 * @param deliveryId the delivery id, if the message carries one
 * @param originalMessageId the message id in the source queue, if recorded
 * @param sentAt when the message was sent to the DLQ, if SQS reported it
 * @param bodyLength the body's length in characters
 */
public record DeadLetterInfo(
    String messageId,
    String reason,
    Optional<String> errorType,
    Optional<String> errorMessage,
    OptionalInt attempts,
    Optional<Instant> firstReceivedAt,
    Optional<Instant> lastFailedAt,
    Optional<String> source,
    Optional<String> deliveryId,
    Optional<String> originalMessageId,
    Optional<Instant> sentAt,
    int bodyLength) {

  /** The reason reported for a message without failure attributes (moved by SQS's {@code maxReceiveCount}). */
  public static final String REASON_MAX_RECEIVE_COUNT = "max_receive_count";

  /** The message attribute holding the message id in the source queue. */
  public static final String ATTR_ORIGINAL_MESSAGE_ID = "hookline-original-message-id";

  /**
   * Checks that no component is null.
   *
   * @param messageId the DLQ message id
   * @param reason the failure reason ({@link FailureReport#ATTR_REASON}), or {@link #REASON_MAX_RECEIVE_COUNT}
   * @param errorType the failing exception's class name, if recorded
   * @param errorMessage the failing exception's message, if recorded
   * @param attempts how many attempts were made, if recorded
   * @param firstReceivedAt when the message was first received, if recorded
   * @param lastFailedAt when the last attempt failed, if recorded
   * @param source the webhook source, if the message carries one
   * @param deliveryId the delivery id, if the message carries one
   * @param originalMessageId the message id in the source queue, if recorded
   * @param sentAt when the message was sent to the DLQ, if SQS reported it
   * @param bodyLength the body's length in characters
   */
  public DeadLetterInfo {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(errorType, "errorType");
    Objects.requireNonNull(errorMessage, "errorMessage");
    Objects.requireNonNull(attempts, "attempts");
    Objects.requireNonNull(firstReceivedAt, "firstReceivedAt");
    Objects.requireNonNull(lastFailedAt, "lastFailedAt");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(originalMessageId, "originalMessageId");
    Objects.requireNonNull(sentAt, "sentAt");
  }

  /** Reads the info from a received message (with all message and system attributes requested). */
  static DeadLetterInfo from(Message m) {
    Map<String, String> a = DlqMessages.stringAttributes(m);
    String sent = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
    Optional<Instant> sentAt = Optional.empty();
    if (sent != null) {
      try {
        sentAt = Optional.of(Instant.ofEpochMilli(Long.parseLong(sent)));
      } catch (NumberFormatException e) {
        sentAt = Optional.empty();
      }
    }
    OptionalInt attempts = OptionalInt.empty();
    String att = a.get(FailureReport.ATTR_ATTEMPTS);
    if (att != null) {
      try {
        attempts = OptionalInt.of(Integer.parseInt(att.trim()));
      } catch (NumberFormatException e) {
        attempts = OptionalInt.empty();
      }
    }
    String reason = a.get(FailureReport.ATTR_REASON);
    return new DeadLetterInfo(
        m.messageId(),
        reason == null || reason.isBlank() ? REASON_MAX_RECEIVE_COUNT : reason,
        Optional.ofNullable(a.get(FailureReport.ATTR_ERROR_TYPE)),
        Optional.ofNullable(a.get(FailureReport.ATTR_ERROR_MESSAGE)),
        attempts,
        instant(a.get(FailureReport.ATTR_FIRST_RECEIVED_AT)),
        instant(a.get(FailureReport.ATTR_LAST_FAILED_AT)),
        Optional.ofNullable(a.get(EnvelopeCodec.ATTR_SOURCE)),
        Optional.ofNullable(a.get(EnvelopeCodec.ATTR_DELIVERY_ID)),
        Optional.ofNullable(a.get(ATTR_ORIGINAL_MESSAGE_ID)),
        sentAt,
        m.body() == null ? 0 : m.body().length());
  }

  private static Optional<Instant> instant(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(value.trim()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
