package dev.hookline.sqs.internal;

import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.internal.Failures;
import dev.hookline.core.retry.FailureReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Sends copies of failed messages to the dead-letter queue in the {@link DeadLetterFormat}. Needs only the DLQ's URL,
 * never the source queue's: deleting the original is the caller's step once the copy is stored.
 *
 * <p>The copy's body is the original body, never changed. A message in the API Gateway direct-integration form
 * (headers and receipt time in attributes) is copied as a Hookline envelope written by the consumer's codec instead,
 * so that its headers survive in the body and a redriven copy can still be verified; if that envelope would not fit,
 * the original is copied as it is. When body and attributes would exceed {@link SqsLimits#MAX_MESSAGE_BYTES}, the
 * metadata is shortened until they fit: first the error message, then the copied attributes of the original, last
 * the failure down to its reason and attempts.
 *
 * <p>A send is tried up to {@value #MAX_ATTEMPTS} times when SQS's error is retryable ({@link SqsErrors}); the future
 * never completes exceptionally.
 *
 * <p>Thread-safety: immutable and thread-safe. The client belongs to the caller.
 */
public final class DeadLetters {

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  /** Attempts per send, including the first. */
  public static final int MAX_ATTEMPTS = 3;

  /** Error-message lengths tried, longest first, when a copy must shrink to fit. */
  private static final int[] MESSAGE_CHARS = {FailureReport.MAX_MESSAGE_CHARS, 256, 64, 0};

  private static final String STRING = "String";

  private final SqsAsyncClient client;
  private final String deadLetterQueueUrl;
  private final EnvelopeCodec codec;

  /**
   * Creates the sender.
   *
   * @param client the SQS client (not closed here)
   * @param deadLetterQueueUrl the dead-letter queue's URL
   * @param codec the consumer's codec, which writes the envelope of a dead-lettered direct-integration message
   */
  public DeadLetters(SqsAsyncClient client, String deadLetterQueueUrl, EnvelopeCodec codec) {
    this.client = Objects.requireNonNull(client, "client");
    this.deadLetterQueueUrl = Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /** {@return the dead-letter queue's URL} */
  public String queueUrl() {
    return deadLetterQueueUrl;
  }

  /**
   * A dead-lettered copy, as it will be sent.
   *
   * @param body the message body
   * @param attributes the message attributes, in the order they were added
   */
  public record Copy(String body, Map<String, MessageAttributeValue> attributes) {

    /** {@return the size SQS counts for this copy} */
    public int size() {
      int size = SqsLimits.messageSize(body, Map.of());
      for (Map.Entry<String, MessageAttributeValue> e : attributes.entrySet()) {
        size += SqsLimits.attributeSize(e.getKey(), e.getValue().dataType(), e.getValue().stringValue());
      }
      return size;
    }
  }

  /**
   * Sends a copy of the message with the failure. Does not delete the original.
   *
   * @param original the received message
   * @param report why it is dead-lettered
   * @param decoded the webhook the message decoded to, empty for a message that could not be decoded
   * @return true when SQS stored the copy; never completes exceptionally
   */
  public CompletableFuture<Boolean> send(Message original, FailureReport report, Optional<Webhook> decoded) {
    Copy copy;
    try {
      copy = copyOf(original, report, decoded, codec);
    } catch (RuntimeException e) {
      log.error("Could not build the dead-letter copy. messageId={}", original.messageId(), e);
      return CompletableFuture.completedFuture(false);
    }
    SendMessageRequest.Builder request =
        SendMessageRequest.builder()
            .queueUrl(deadLetterQueueUrl)
            .messageBody(copy.body())
            .messageAttributes(copy.attributes());
    if (SqsMessages.isFifo(deadLetterQueueUrl)) {
      // A FIFO DLQ needs a group and a deduplication id: keep the source group so per-group order survives, and
      // use the source message id so a retried send is deduplicated by SQS.
      request
          .messageGroupId(SqsMessages.messageGroupId(original).orElse("hookline-dead-letter"))
          .messageDeduplicationId(original.messageId());
    }
    return send(request.build(), original, 1);
  }

  private CompletableFuture<Boolean> send(SendMessageRequest request, Message original, int attempt) {
    CompletableFuture<?> call;
    try {
      call = client.sendMessage(request);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    return call.handle(
            (response, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(true);
              }
              Throwable cause = Failures.unwrap(error);
              if (SqsErrors.retryable(cause) && attempt < MAX_ATTEMPTS) {
                return send(request, original, attempt + 1);
              }
              log.error(
                  "Could not send message to the dead-letter queue; it stays on the source queue."
                      + " messageId={} dlq={} attempts={}",
                  original.messageId(),
                  deadLetterQueueUrl,
                  attempt,
                  cause);
              return CompletableFuture.completedFuture(false);
            })
        .thenCompose(Function.identity());
  }

  /**
   * Returns the copy to send: body and attributes in the {@link DeadLetterFormat}, shortened to fit SQS's size
   * limit when needed (see {@link #fit}).
   *
   * @param original the received message
   * @param report why it is dead-lettered
   * @param decoded the webhook the message decoded to, if it did
   * @param codec the codec that writes the envelope of a direct-integration message
   * @return the copy
   */
  public static Copy copyOf(Message original, FailureReport report, Optional<Webhook> decoded, EnvelopeCodec codec) {
    if (decoded.isPresent() && EnvelopeCodec.isDirectIntegrationForm(SqsMessages.stringAttributes(original))) {
      // The original's other attributes (headers, receipt time) go inside the envelope.
      Map<String, MessageAttributeValue> version = new LinkedHashMap<>();
      version.put(EnvelopeCodec.ATTR_VERSION, string(Integer.toString(EnvelopeCodec.VERSION)));
      Copy asEnvelope = fit(codec.encode(decoded.get()).body(), original, report, decoded, version, List.of());
      if (asEnvelope.size() <= SqsLimits.MAX_MESSAGE_BYTES) {
        return asEnvelope;
      }
    }
    Map<String, MessageAttributeValue> version = new LinkedHashMap<>();
    MessageAttributeValue originalVersion = original.messageAttributes().get(EnvelopeCodec.ATTR_VERSION);
    if (originalVersion != null && SqsMessages.isStringLike(originalVersion)) {
      // The envelope version always survives, so that a redriven copy decodes as the envelope it is.
      version.put(EnvelopeCodec.ATTR_VERSION, string(originalVersion.stringValue()));
    }
    List<Map.Entry<String, MessageAttributeValue>> extra = new ArrayList<>();
    for (Map.Entry<String, MessageAttributeValue> e : new TreeMap<>(original.messageAttributes()).entrySet()) {
      if (SqsMessages.isStringLike(e.getValue()) && !DeadLetterFormat.FAILURE_ATTRIBUTES.contains(e.getKey())) {
        extra.add(e);
      }
    }
    return fit(original.body() == null ? "" : original.body(), original, report, decoded, version, extra);
  }

  /**
   * The first copy that fits, trying in turn: the full failure with the error message cut to 1,024, 256, 64 and 0
   * characters (with as many copied attributes as allowed), then with fewer copied attributes, then only the reason
   * and attempts. The smallest is returned when none fits (SQS then refuses it, and the original stays where it is).
   */
  private static Copy fit(
      String body,
      Message original,
      FailureReport report,
      Optional<Webhook> decoded,
      Map<String, MessageAttributeValue> version,
      List<Map.Entry<String, MessageAttributeValue>> extra) {
    List<String> failures = new ArrayList<>();
    for (int chars : MESSAGE_CHARS) {
      failures.add(DeadLetterFormat.failureJson(report, original.messageId(), chars));
    }
    failures.add(DeadLetterFormat.minimalFailureJson(report));
    int allExtra = Math.min(extra.size(), DeadLetterFormat.MAX_COPY_ATTRIBUTES);
    Copy copy = null;
    for (int level = 0; level < failures.size(); level++) {
      boolean shortest = level >= MESSAGE_CHARS.length - 1;
      for (int kept = allExtra; kept >= (shortest ? 0 : allExtra); kept--) {
        copy = new Copy(body, attributes(failures.get(level), decoded, version, extra, kept));
        if (copy.size() <= SqsLimits.MAX_MESSAGE_BYTES) {
          if (level > 0 || kept < allExtra) {
            log.debug(
                "Dead-letter copy shortened to fit SQS's size limit. messageId={} level={} copiedAttributes={}",
                original.messageId(),
                level,
                kept);
          }
          return copy;
        }
      }
    }
    return copy;
  }

  private static Map<String, MessageAttributeValue> attributes(
      String failure,
      Optional<Webhook> decoded,
      Map<String, MessageAttributeValue> version,
      List<Map.Entry<String, MessageAttributeValue>> extra,
      int kept) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    attributes.put(DeadLetterFormat.ATTR_FAILURE, string(failure));
    decoded.ifPresent(
        w -> {
          attributes.put(EnvelopeCodec.ATTR_DELIVERY_ID, string(w.deliveryId()));
          attributes.put(EnvelopeCodec.ATTR_SOURCE, string(w.source()));
        });
    attributes.putAll(version);
    int added = 0;
    for (Map.Entry<String, MessageAttributeValue> e : extra) {
      if (added >= kept || attributes.size() >= DeadLetterFormat.MAX_COPY_ATTRIBUTES) {
        break;
      }
      if (!attributes.containsKey(e.getKey())) {
        attributes.put(
            e.getKey(),
            MessageAttributeValue.builder()
                .dataType(e.getValue().dataType())
                .stringValue(e.getValue().stringValue())
                .build());
        added++;
      }
    }
    return attributes;
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType(STRING).stringValue(value).build();
  }
}
