package dev.hookline.sqs.internal;

import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.retry.FailureReport;
import dev.hookline.sqs.admin.DeadLetterInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Applies processing decisions to SQS messages: delete, change visibility, send to the dead-letter queue. Shared by
 * the consumer runner and the Lambda SQS function so both behave the same.
 *
 * <p>Batch calls are split into chunks of at most {@value SqsLimits#MAX_BATCH_ENTRIES} entries. Each entry's result
 * is looked at: an entry SQS rejects as the caller's fault (for example {@code ReceiptHandleIsInvalid}, a stale
 * receipt handle after the lease ran out) is logged and reported as failed, never retried; an entry that failed on
 * SQS's side, or a whole call that failed with a 5xx, throttling or a connection error, is tried again up to
 * {@link #MAX_ATTEMPTS} times in total (on top of the SDK client's own retries).
 *
 * <p>The returned futures never complete exceptionally for SQS errors: failures are reported in {@link BatchOutcome}
 * (batch calls) or as {@code false} (dead-lettering). Callbacks run on the SDK client's completion threads.
 *
 * <p>Thread-safety: immutable and thread-safe. The client belongs to the caller; this class never closes it.
 */
public final class MessageEffects {

  private static final Logger log = LoggerFactory.getLogger(MessageEffects.class);

  /** Attempts per entry and per dead-letter send, including the first. */
  public static final int MAX_ATTEMPTS = 3;

  /** DLQ message attribute: the id of the message on the source queue. */
  public static final String ATTR_ORIGINAL_MESSAGE_ID = DeadLetterInfo.ATTR_ORIGINAL_MESSAGE_ID;

  private static final String STRING = "String";

  private final SqsAsyncClient client;
  private final String queueUrl;
  private final String deadLetterQueueUrl;
  private final EnvelopeCodec codec;

  /**
   * Creates the effects for one queue and its dead-letter queue, with the default codec.
   *
   * @param client the SQS client (not closed by this class)
   * @param queueUrl the source queue's URL
   * @param deadLetterQueueUrl the dead-letter queue's URL
   */
  public MessageEffects(SqsAsyncClient client, String queueUrl, String deadLetterQueueUrl) {
    this(client, queueUrl, deadLetterQueueUrl, EnvelopeCodec.defaults());
  }

  /**
   * Creates the effects for one queue and its dead-letter queue.
   *
   * @param client the SQS client (not closed by this class)
   * @param queueUrl the source queue's URL
   * @param deadLetterQueueUrl the dead-letter queue's URL
   * @param codec the consumer's codec, which writes the envelope of a dead-lettered direct-integration message
   */
  public MessageEffects(SqsAsyncClient client, String queueUrl, String deadLetterQueueUrl, EnvelopeCodec codec) {
    this.client = Objects.requireNonNull(client, "client");
    this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    this.deadLetterQueueUrl = Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /** Returns the source queue's URL. */
  public String queueUrl() {
    return queueUrl;
  }

  /** Returns the dead-letter queue's URL. */
  public String deadLetterQueueUrl() {
    return deadLetterQueueUrl;
  }

  /**
   * Deletes messages from the source queue with {@code DeleteMessageBatch}.
   *
   * @param messages the received messages, any number
   * @return what happened to each message; never completes exceptionally
   */
  public CompletableFuture<BatchOutcome> delete(List<Message> messages) {
    return inChunks(
        messages,
        Function.identity(),
        (chunk, ids) -> {
          List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
          for (int i = 0; i < chunk.size(); i++) {
            entries.add(
                DeleteMessageBatchRequestEntry.builder()
                    .id(ids.get(i))
                    .receiptHandle(chunk.get(i).receiptHandle())
                    .build());
          }
          return client
              .deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries))
              .thenApply(
                  r ->
                      new RawResult(
                          r.successful().stream().map(s -> s.id()).collect(Collectors.toSet()),
                          r.failed()));
        },
        "delete");
  }

  /**
   * Changes messages' visibility timeouts with {@code ChangeMessageVisibilityBatch}.
   *
   * @param changes the changes, any number
   * @return what happened to each message; never completes exceptionally
   */
  public CompletableFuture<BatchOutcome> changeVisibility(List<VisibilityChange> changes) {
    return inChunks(
        changes,
        VisibilityChange::message,
        (chunk, ids) -> {
          List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(chunk.size());
          for (int i = 0; i < chunk.size(); i++) {
            entries.add(
                ChangeMessageVisibilityBatchRequestEntry.builder()
                    .id(ids.get(i))
                    .receiptHandle(chunk.get(i).message().receiptHandle())
                    .visibilityTimeout(chunk.get(i).timeoutSeconds())
                    .build());
          }
          return client
              .changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries))
              .thenApply(
                  r ->
                      new RawResult(
                          r.successful().stream().map(s -> s.id()).collect(Collectors.toSet()),
                          r.failed()));
        },
        "changeVisibility");
  }

  /**
   * Sends a copy of a message that could not be decoded to the dead-letter queue: the original body unchanged, the
   * failure report as attributes (see {@link #deadLetterAttributes(Message, FailureReport)}). Does not delete the
   * original; do that once this succeeds.
   *
   * @param original the received message
   * @param report why it is dead-lettered
   * @return true when SQS accepted the copy; never completes exceptionally
   */
  public CompletableFuture<Boolean> sendToDeadLetterQueue(Message original, FailureReport report) {
    return sendCopy(original, original.body(), deadLetterAttributes(original, report));
  }

  /**
   * Sends a copy of a message whose webhook failed to the dead-letter queue, with the failure report as attributes
   * (see {@link #deadLetterAttributes(Message, FailureReport, Webhook)}). Does not delete the original; do that once
   * this succeeds.
   *
   * <p>The copy's body is the original body when that is a Hookline envelope. A message in the API Gateway direct
   * integration form keeps its headers (signature, id, timestamp) and receipt time in message attributes, which the
   * failure report's attributes would push past SQS's limit of {@value SqsLimits#MAX_MESSAGE_ATTRIBUTES}; its copy
   * therefore carries the webhook as an envelope written by this instance's codec (raw body, headers and receipt time
   * inside, verification as decoded), so a redriven copy can still be verified and handled. Only when that envelope
   * would exceed {@value SqsLimits#MAX_MESSAGE_BYTES} bytes (SQS's limit) is the original body kept as it is.
   *
   * @param original the received message
   * @param report why it is dead-lettered
   * @param decoded the webhook the message decoded to
   * @return true when SQS accepted the copy; never completes exceptionally
   */
  public CompletableFuture<Boolean> sendToDeadLetterQueue(Message original, FailureReport report, Webhook decoded) {
    Objects.requireNonNull(decoded, "decoded");
    if (EnvelopeCodec.isDirectIntegrationForm(SqsMessages.stringAttributes(original))) {
      // The original's other attributes (headers, receipt time) go inside the envelope.
      Map<String, String> attributes = failureAttributes(original, report, decoded);
      attributes.put(EnvelopeCodec.ATTR_VERSION, Integer.toString(EnvelopeCodec.VERSION));
      EncodedEnvelope copy = new EncodedEnvelope(codec.encode(decoded).body(), attributes);
      if (copy.encodedSize() <= SqsLimits.MAX_MESSAGE_BYTES) {
        return sendCopy(original, copy.body(), strings(attributes));
      }
    }
    return sendCopy(original, original.body(), deadLetterAttributes(original, report, decoded));
  }

  private CompletableFuture<Boolean> sendCopy(
      Message original, String body, Map<String, MessageAttributeValue> attributes) {
    SendMessageRequest.Builder request =
        SendMessageRequest.builder()
            .queueUrl(deadLetterQueueUrl)
            .messageBody(body)
            .messageAttributes(attributes);
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
    return client
        .sendMessage(request)
        .handle(
            (response, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(true);
              }
              Throwable cause = unwrap(error);
              if (retryable(cause) && attempt < MAX_ATTEMPTS) {
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
   * Returns the attributes a dead-lettered copy of an undecodable message carries, at most {@value
   * SqsLimits#MAX_MESSAGE_ATTRIBUTES}: first the failure report's six and {@value #ATTR_ORIGINAL_MESSAGE_ID}, the
   * original's envelope version if it has one, then the original's string attributes by name while room is left
   * (binary attributes are dropped).
   *
   * @param original the received message
   * @param report why it is dead-lettered
   * @return attribute name → value, in that order
   */
  public static Map<String, MessageAttributeValue> deadLetterAttributes(Message original, FailureReport report) {
    return attributes(original, report, null);
  }

  /**
   * Returns the attributes a dead-lettered copy of a decoded message carries, at most {@value
   * SqsLimits#MAX_MESSAGE_ATTRIBUTES}: first the failure report's six and {@value #ATTR_ORIGINAL_MESSAGE_ID}, then
   * the webhook's delivery id and source, the original's envelope version if it has one, then the original's string
   * attributes by name while room is left.
   *
   * @param original the received message
   * @param report why it is dead-lettered
   * @param decoded the webhook the message decoded to
   * @return attribute name → value, in that order
   */
  public static Map<String, MessageAttributeValue> deadLetterAttributes(
      Message original, FailureReport report, Webhook decoded) {
    return attributes(original, report, Objects.requireNonNull(decoded, "decoded"));
  }

  private static Map<String, MessageAttributeValue> attributes(
      Message original, FailureReport report, Webhook decoded) {
    Map<String, MessageAttributeValue> result = strings(failureAttributes(original, report, decoded));
    // The envelope version always survives, so that a redriven copy decodes as the envelope it is.
    MessageAttributeValue version = original.messageAttributes().get(EnvelopeCodec.ATTR_VERSION);
    if (version != null && SqsMessages.isStringLike(version)) {
      result.put(EnvelopeCodec.ATTR_VERSION, string(version.stringValue()));
    }
    for (Map.Entry<String, MessageAttributeValue> e : new TreeMap<>(original.messageAttributes()).entrySet()) {
      if (result.size() >= SqsLimits.MAX_MESSAGE_ATTRIBUTES) {
        break;
      }
      if (!result.containsKey(e.getKey()) && SqsMessages.isStringLike(e.getValue())) {
        result.put(
            e.getKey(),
            MessageAttributeValue.builder()
                .dataType(e.getValue().dataType())
                .stringValue(e.getValue().stringValue())
                .build());
      }
    }
    return result;
  }

  /** The failure report's attributes, the original message id, and the webhook's delivery id and source if decoded. */
  private static Map<String, String> failureAttributes(Message original, FailureReport report, Webhook decoded) {
    Map<String, String> result = new LinkedHashMap<>(report.toAttributes());
    result.put(ATTR_ORIGINAL_MESSAGE_ID, original.messageId());
    if (decoded != null) {
      result.put(EnvelopeCodec.ATTR_DELIVERY_ID, decoded.deliveryId());
      result.put(EnvelopeCodec.ATTR_SOURCE, decoded.source());
    }
    return result;
  }

  private static Map<String, MessageAttributeValue> strings(Map<String, String> values) {
    Map<String, MessageAttributeValue> result = new LinkedHashMap<>();
    values.forEach((k, v) -> result.put(k, string(v)));
    return result;
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType(STRING).stringValue(value).build();
  }

  /** Successful entry ids and failed entries of one batch call. */
  private record RawResult(Set<String> succeededIds, List<BatchResultErrorEntry> failed) {}

  /** Issues one batch call for a chunk; entry ids are given. */
  @FunctionalInterface
  private interface BatchCall<T> {
    CompletableFuture<RawResult> call(List<T> chunk, List<String> ids);
  }

  private <T> CompletableFuture<BatchOutcome> inChunks(
      List<T> items, Function<T, Message> messageOf, BatchCall<T> call, String operation) {
    List<CompletableFuture<BatchOutcome>> parts = new ArrayList<>();
    for (int from = 0; from < items.size(); from += SqsLimits.MAX_BATCH_ENTRIES) {
      List<T> chunk = List.copyOf(items.subList(from, Math.min(items.size(), from + SqsLimits.MAX_BATCH_ENTRIES)));
      parts.add(chunk(chunk, messageOf, call, operation, 1));
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            ignored -> {
              Set<String> ok = new HashSet<>();
              Map<String, String> failed = new HashMap<>();
              for (CompletableFuture<BatchOutcome> part : parts) {
                BatchOutcome outcome = part.join();
                ok.addAll(outcome.succeeded());
                failed.putAll(outcome.failed());
              }
              return new BatchOutcome(ok, failed);
            });
  }

  private <T> CompletableFuture<BatchOutcome> chunk(
      List<T> chunk, Function<T, Message> messageOf, BatchCall<T> call, String operation, int attempt) {
    List<String> ids = new ArrayList<>(chunk.size());
    for (int i = 0; i < chunk.size(); i++) {
      ids.add(Integer.toString(i));
    }
    CompletableFuture<RawResult> future;
    try {
      future = call.call(chunk, ids);
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    return future
        .handle(
            (raw, error) -> {
              if (error != null) {
                Throwable cause = unwrap(error);
                if (retryable(cause) && attempt < MAX_ATTEMPTS) {
                  return chunk(chunk, messageOf, call, operation, attempt + 1);
                }
                Map<String, String> failed = new HashMap<>();
                for (T item : chunk) {
                  String messageId = messageOf.apply(item).messageId();
                  failed.put(messageId, cause.getClass().getSimpleName());
                }
                log.warn(
                    "SQS batch call failed. operation={} queue={} entries={} attempts={}",
                    operation,
                    queueUrl,
                    chunk.size(),
                    attempt,
                    cause);
                return CompletableFuture.completedFuture(new BatchOutcome(Set.of(), failed));
              }
              Set<String> ok = new HashSet<>();
              Map<String, String> failed = new HashMap<>();
              List<T> retry = new ArrayList<>();
              for (String id : raw.succeededIds()) {
                ok.add(messageOf.apply(chunk.get(Integer.parseInt(id))).messageId());
              }
              for (BatchResultErrorEntry entry : raw.failed()) {
                T item = chunk.get(Integer.parseInt(entry.id()));
                String messageId = messageOf.apply(item).messageId();
                boolean senderFault = Boolean.TRUE.equals(entry.senderFault());
                if (!senderFault && attempt < MAX_ATTEMPTS) {
                  retry.add(item);
                } else {
                  failed.put(messageId, entry.code());
                  log.warn(
                      "SQS rejected a batch entry; not retrying. operation={} messageId={} code={} senderFault={}"
                          + " attempts={}",
                      operation,
                      messageId,
                      entry.code(),
                      senderFault,
                      attempt);
                }
              }
              BatchOutcome here = new BatchOutcome(ok, failed);
              if (retry.isEmpty()) {
                return CompletableFuture.completedFuture(here);
              }
              return chunk(retry, messageOf, call, operation, attempt + 1)
                  .thenApply(again -> merge(here, again));
            })
        .thenCompose(Function.identity());
  }

  private static BatchOutcome merge(BatchOutcome a, BatchOutcome b) {
    Set<String> ok = new HashSet<>(a.succeeded());
    ok.addAll(b.succeeded());
    Map<String, String> failed = new HashMap<>(a.failed());
    failed.putAll(b.failed());
    return new BatchOutcome(ok, failed);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Returns whether trying a failed call again may help: SQS-side errors (5xx), throttling, and client-side
   * (connection) errors. Request errors such as a missing queue are not retried.
   *
   * @param error the failure
   * @return true when retrying may succeed
   */
  public static boolean retryable(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof AwsServiceException) {
      AwsServiceException service = (AwsServiceException) cause;
      return service.statusCode() >= 500 || service.isThrottlingException() || service.statusCode() == 429;
    }
    return cause instanceof SdkClientException || cause instanceof IOException;
  }
}
