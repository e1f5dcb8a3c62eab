package dev.hookline.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Counts the SQS calls and messages of every client that carries it, per queue URL, as an SDK execution interceptor:
 * the same count for a hand-written loop and for the runner, without touching either. It also tells when a queue has
 * had a given number of messages deleted, which is how a drain's end is detected.
 */
final class SqsCallStats implements ExecutionInterceptor {

  private final Map<String, Queue> queues = new ConcurrentHashMap<>();

  /** Counters for one queue. */
  static final class Queue {
    final LongAdder receiveCalls = new LongAdder();
    final LongAdder emptyReceives = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder deleteCalls = new LongAdder();
    final AtomicLong deleted = new AtomicLong();
    final LongAdder visibilityCalls = new LongAdder();
    final LongAdder visibilityChanged = new LongAdder();
    final LongAdder sendCalls = new LongAdder();
    final LongAdder sent = new LongAdder();
    private volatile long target = Long.MAX_VALUE;
    private volatile CountDownLatch reached = new CountDownLatch(1);
    private volatile long reachedAtNanos;

    /** Counts deletes and releases a waiter when the target is reached. */
    void deleted(int count) {
      long total = deleted.addAndGet(count);
      if (total >= target && reached.getCount() > 0) {
        reachedAtNanos = System.nanoTime();
        reached.countDown();
      }
    }

    /**
     * Waits until {@code count} messages in total have been deleted from this queue.
     *
     * @return the {@link System#nanoTime()} at which the last of them was confirmed, or -1 on timeout
     */
    long awaitDeleted(long count, long timeoutNanos) throws InterruptedException {
      reached = new CountDownLatch(1);
      target = count;
      if (deleted.get() >= count) {
        return System.nanoTime();
      }
      return reached.await(timeoutNanos, TimeUnit.NANOSECONDS) ? reachedAtNanos : -1;
    }

    /** A snapshot of the counters. */
    Snapshot snapshot() {
      return new Snapshot(
          receiveCalls.sum(),
          emptyReceives.sum(),
          received.sum(),
          deleteCalls.sum(),
          deleted.get(),
          visibilityCalls.sum(),
          visibilityChanged.sum(),
          sendCalls.sum(),
          sent.sum());
    }
  }

  /** Counter values at one moment; {@link #minus} gives the calls of one scenario. */
  record Snapshot(
      long receiveCalls,
      long emptyReceives,
      long received,
      long deleteCalls,
      long deleted,
      long visibilityCalls,
      long visibilityChanged,
      long sendCalls,
      long sent) {

    Snapshot minus(Snapshot before) {
      return new Snapshot(
          receiveCalls - before.receiveCalls,
          emptyReceives - before.emptyReceives,
          received - before.received,
          deleteCalls - before.deleteCalls,
          deleted - before.deleted,
          visibilityCalls - before.visibilityCalls,
          visibilityChanged - before.visibilityChanged,
          sendCalls - before.sendCalls,
          sent - before.sent);
    }
  }

  /** Returns the counters of a queue, created on first use. */
  Queue queue(String queueUrl) {
    return queues.computeIfAbsent(queueUrl, k -> new Queue());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes executionAttributes) {
    SdkRequest request = context.request();
    Object response = context.response();
    if (request instanceof ReceiveMessageRequest && response instanceof ReceiveMessageResponse) {
      Queue q = queue(((ReceiveMessageRequest) request).queueUrl());
      int n = ((ReceiveMessageResponse) response).messages().size();
      q.receiveCalls.increment();
      q.received.add(n);
      if (n == 0) {
        q.emptyReceives.increment();
      }
    } else if (request instanceof DeleteMessageBatchRequest && response instanceof DeleteMessageBatchResponse) {
      Queue q = queue(((DeleteMessageBatchRequest) request).queueUrl());
      q.deleteCalls.increment();
      q.deleted(((DeleteMessageBatchResponse) response).successful().size());
    } else if (request instanceof DeleteMessageRequest) {
      Queue q = queue(((DeleteMessageRequest) request).queueUrl());
      q.deleteCalls.increment();
      q.deleted(1);
    } else if (request instanceof ChangeMessageVisibilityBatchRequest
        && response instanceof ChangeMessageVisibilityBatchResponse) {
      Queue q = queue(((ChangeMessageVisibilityBatchRequest) request).queueUrl());
      q.visibilityCalls.increment();
      q.visibilityChanged.add(((ChangeMessageVisibilityBatchResponse) response).successful().size());
    } else if (request instanceof SendMessageBatchRequest && response instanceof SendMessageBatchResponse) {
      Queue q = queue(((SendMessageBatchRequest) request).queueUrl());
      q.sendCalls.increment();
      q.sent.add(((SendMessageBatchResponse) response).successful().size());
    } else if (request instanceof SendMessageRequest) {
      Queue q = queue(((SendMessageRequest) request).queueUrl());
      q.sendCalls.increment();
      q.sent.increment();
    }
  }
}
