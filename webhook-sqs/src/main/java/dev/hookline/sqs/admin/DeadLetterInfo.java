package dev.hookline.sqs.admin;

import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.sqs.internal.DeadLetterFormat;
import java.time.Instant;
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
 * @param reason the failure reason (from the {@code hookline-failure} attribute), or {@link #REASON_MAX_RECEIVE_COUNT}
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
  public static final String REASON_MAX_RECEIVE_COUNT = DeadLetterFormat.REASON_MAX_RECEIVE_COUNT;

  /**
   * Checks that no component is null.
   *
   * @param messageId the DLQ message id
   * @param reason the failure reason (from the {@code hookline-failure} attribute), or {@link #REASON_MAX_RECEIVE_COUNT}
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

  /**
   * Reads the info from a received DLQ message (with all message and system attributes requested), written in the
   * current dead-letter format ({@code hookline-failure}) or the earlier one (one attribute per field).
   *
   * @param m the received message
   * @return the info
   */
  public static DeadLetterInfo from(Message m) {
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
    DeadLetterFormat.Failure failure = DeadLetterFormat.read(a);
    return new DeadLetterInfo(
        m.messageId(),
        failure.reason(),
        failure.errorType(),
        failure.errorMessage(),
        failure.attempts(),
        failure.firstReceivedAt(),
        failure.lastFailedAt(),
        Optional.ofNullable(a.get(EnvelopeCodec.ATTR_SOURCE)),
        Optional.ofNullable(a.get(EnvelopeCodec.ATTR_DELIVERY_ID)),
        failure.originalMessageId(),
        sentAt,
        m.body() == null ? 0 : m.body().length());
  }

}
