package dev.hookline.sqs.internal;

import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.internal.Failures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The batched calls that settle received messages: delete and change visibility, shared by the consumer runner and
 * the Lambda SQS function ({@link DeadLetters} sends dead-letter copies).
 *
 * <p>Batch calls are split into chunks of at most {@value SqsLimits#MAX_BATCH_ENTRIES} entries. Each entry's result
 * is looked at: an entry SQS rejects as the caller's fault (for example {@code ReceiptHandleIsInvalid}, a stale
 * receipt handle after the lease ran out) is logged and reported as failed, never retried; an entry that failed on
 * SQS's side, or a whole call that failed with a 5xx, throttling or a connection error, is tried again up to
 * {@link #MAX_ATTEMPTS} times in total (on top of the SDK client's own retries).
 *
 * <p>The returned futures never complete exceptionally for SQS errors: failures are reported in {@link BatchOutcome}.
 * Callbacks run on the SDK client's completion threads.
 *
 * <p>Thread-safety: immutable and thread-safe. The client belongs to the caller; this class never closes it.
 */
public final class MessageEffects {

  private static final Logger log = LoggerFactory.getLogger(MessageEffects.class);

  /** Attempts per entry, including the first. */
  public static final int MAX_ATTEMPTS = 3;

  private final SqsAsyncClient client;
  private final String queueUrl;

  /**
   * Creates the effects for one queue.
   *
   * @param client the SQS client (not closed by this class)
   * @param queueUrl the source queue's URL
   */
  public MessageEffects(SqsAsyncClient client, String queueUrl) {
    this.client = Objects.requireNonNull(client, "client");
    this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
  }

  /** Returns the source queue's URL. */
  public String queueUrl() {
    return queueUrl;
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
                Throwable cause = Failures.unwrap(error);
                if (SqsErrors.retryable(cause) && attempt < MAX_ATTEMPTS) {
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
                if (SqsErrors.retryableEntry(senderFault, entry.code()) && attempt < MAX_ATTEMPTS) {
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
}
