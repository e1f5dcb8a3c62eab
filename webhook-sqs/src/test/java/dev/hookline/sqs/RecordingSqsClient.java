package dev.hookline.sqs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * A thin delegating SQS client that records the calls the runner makes and can fail the next few of a kind with a
 * 500 — the seam for asserting requested visibility timeouts without wall-clock timing.
 */
final class RecordingSqsClient implements SqsAsyncClient {

  /** One visibility change the runner asked for. */
  record VisibilityCall(String receiptHandle, int timeoutSeconds) {}

  private final SqsAsyncClient delegate;
  final ConcurrentLinkedQueue<VisibilityCall> visibilityChanges = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<ReceiveMessageRequest> receives = new ConcurrentLinkedQueue<>();
  /** Every message the receives returned, recorded before the caller sees the response. */
  final ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
  /** How many messages the receives returned, counted before the caller sees the response. */
  final AtomicInteger messagesReceived = new AtomicInteger();
  /** Receipt handles of the messages SQS confirmed deleted. */
  final Set<String> deletedReceipts = ConcurrentHashMap.newKeySet();
  /** The {@code SendMessage} requests (the runner's dead-letter sends). */
  final ConcurrentLinkedQueue<SendMessageRequest> sent = new ConcurrentLinkedQueue<>();
  /** Delete, visibility and send calls passed on to SQS that have not answered yet. */
  final AtomicInteger callsInFlight = new AtomicInteger();
  final AtomicInteger receivesStarted = new AtomicInteger();
  final AtomicInteger receivesCompleted = new AtomicInteger();
  final AtomicInteger deleteBatches = new AtomicInteger();
  final AtomicInteger deletedEntries = new AtomicInteger();
  final AtomicInteger failReceives = new AtomicInteger();
  final AtomicInteger failDeletes = new AtomicInteger();
  final AtomicInteger failVisibilityChanges = new AtomicInteger();
  /**
   * While set and not complete, a receive response that brings messages is held back from the caller until it
   * completes: the messages are invisible at SQS, but the response is "still on its way" (a slow network).
   */
  volatile CompletableFuture<Void> receiveGate;
  /** Messages in responses held at {@link #receiveGate}. */
  final AtomicInteger messagesHeld = new AtomicInteger();
  /** Once set, every call fails without reaching SQS: the process has crashed, as far as SQS can tell. */
  final AtomicBoolean crashed = new AtomicBoolean();

  RecordingSqsClient(SqsAsyncClient delegate) {
    this.delegate = delegate;
  }

  static SqsException serverError() {
    return (SqsException)
        SqsException.builder().statusCode(500).message("injected internal error").build();
  }

  private static <T> CompletableFuture<T> crashedCall() {
    return CompletableFuture.failedFuture(SdkClientException.create("the test crashed this client"));
  }

  private static boolean takeOne(AtomicInteger counter) {
    return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  @Override
  public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
    if (crashed.get()) {
      return crashedCall();
    }
    receives.add(request);
    receivesStarted.incrementAndGet();
    if (takeOne(failReceives)) {
      receivesCompleted.incrementAndGet();
      return CompletableFuture.failedFuture(serverError());
    }
    CompletableFuture<ReceiveMessageResponse> call = delegate.receiveMessage(request);
    call.whenComplete((r, e) -> receivesCompleted.incrementAndGet());
    // The caller's future completes only after the messages are recorded; cancelling it cancels the HTTP call.
    CompletableFuture<ReceiveMessageResponse> recorded =
        call.thenCompose(
                r -> {
                  CompletableFuture<Void> gate = receiveGate;
                  if (gate == null || r.messages().isEmpty()) {
                    return CompletableFuture.completedFuture(r);
                  }
                  messagesHeld.addAndGet(r.messages().size());
                  return gate.thenApply(v -> r);
                })
            .thenApply(
                r -> {
                  received.addAll(r.messages());
                  messagesReceived.addAndGet(r.messages().size());
                  return r;
                });
    recorded.whenComplete(
        (r, e) -> {
          if (recorded.isCancelled()) {
            call.cancel(true);
          }
        });
    return recorded;
  }

  @Override
  public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(DeleteMessageBatchRequest request) {
    if (crashed.get()) {
      return crashedCall();
    }
    deleteBatches.incrementAndGet();
    if (takeOne(failDeletes)) {
      return CompletableFuture.failedFuture(serverError());
    }
    deletedEntries.addAndGet(request.entries().size());
    Map<String, String> receiptById = new HashMap<>();
    for (DeleteMessageBatchRequestEntry e : request.entries()) {
      receiptById.put(e.id(), e.receiptHandle());
    }
    return tracked(
        delegate.deleteMessageBatch(request),
        r -> {
          for (DeleteMessageBatchResultEntry ok : r.successful()) {
            deletedReceipts.add(receiptById.get(ok.id()));
          }
        });
  }

  @Override
  public CompletableFuture<ChangeMessageVisibilityBatchResponse> changeMessageVisibilityBatch(
      ChangeMessageVisibilityBatchRequest request) {
    if (crashed.get()) {
      return crashedCall();
    }
    for (ChangeMessageVisibilityBatchRequestEntry e : request.entries()) {
      visibilityChanges.add(new VisibilityCall(e.receiptHandle(), e.visibilityTimeout()));
    }
    if (takeOne(failVisibilityChanges)) {
      return CompletableFuture.failedFuture(serverError());
    }
    return tracked(delegate.changeMessageVisibilityBatch(request), r -> {});
  }

  @Override
  public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
    if (crashed.get()) {
      return crashedCall();
    }
    sent.add(request);
    return tracked(delegate.sendMessage(request), r -> {});
  }

  /** Counts a call as in flight until it answered and {@code onSuccess} has seen its response. */
  private <T> CompletableFuture<T> tracked(CompletableFuture<T> call, Consumer<T> onSuccess) {
    callsInFlight.incrementAndGet();
    call.whenComplete(
        (r, e) -> {
          try {
            if (r != null) {
              onSuccess.accept(r);
            }
          } finally {
            callsInFlight.decrementAndGet();
          }
        });
    return call;
  }

  /** Returns the timeouts requested so far, in order. */
  List<Integer> visibilityTimeouts() {
    return visibilityChanges.stream().map(VisibilityCall::timeoutSeconds).collect(Collectors.toList());
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  @Override
  public void close() {
    // The delegate is shared; not ours to close.
  }
}
