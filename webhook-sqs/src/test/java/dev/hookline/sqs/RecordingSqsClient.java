package dev.hookline.sqs;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
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
  final AtomicInteger receivesStarted = new AtomicInteger();
  final AtomicInteger receivesCompleted = new AtomicInteger();
  final AtomicInteger deleteBatches = new AtomicInteger();
  final AtomicInteger deletedEntries = new AtomicInteger();
  final AtomicInteger failReceives = new AtomicInteger();
  final AtomicInteger failDeletes = new AtomicInteger();
  final AtomicInteger failVisibilityChanges = new AtomicInteger();

  RecordingSqsClient(SqsAsyncClient delegate) {
    this.delegate = delegate;
  }

  static SqsException serverError() {
    return (SqsException)
        SqsException.builder().statusCode(500).message("injected internal error").build();
  }

  private static boolean takeOne(AtomicInteger counter) {
    return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  @Override
  public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
    receives.add(request);
    receivesStarted.incrementAndGet();
    if (takeOne(failReceives)) {
      receivesCompleted.incrementAndGet();
      return CompletableFuture.failedFuture(serverError());
    }
    CompletableFuture<ReceiveMessageResponse> call = delegate.receiveMessage(request);
    call.whenComplete((r, e) -> receivesCompleted.incrementAndGet());
    // Returned as is, so that cancelling it cancels the HTTP call.
    return call;
  }

  @Override
  public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(DeleteMessageBatchRequest request) {
    deleteBatches.incrementAndGet();
    if (takeOne(failDeletes)) {
      return CompletableFuture.failedFuture(serverError());
    }
    deletedEntries.addAndGet(request.entries().size());
    return delegate.deleteMessageBatch(request);
  }

  @Override
  public CompletableFuture<ChangeMessageVisibilityBatchResponse> changeMessageVisibilityBatch(
      ChangeMessageVisibilityBatchRequest request) {
    for (ChangeMessageVisibilityBatchRequestEntry e : request.entries()) {
      visibilityChanges.add(new VisibilityCall(e.receiptHandle(), e.visibilityTimeout()));
    }
    if (takeOne(failVisibilityChanges)) {
      return CompletableFuture.failedFuture(serverError());
    }
    return delegate.changeMessageVisibilityBatch(request);
  }

  @Override
  public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
    return delegate.sendMessage(request);
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
