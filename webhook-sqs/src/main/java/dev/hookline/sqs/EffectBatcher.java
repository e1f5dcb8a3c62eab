package dev.hookline.sqs;

import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.sqs.internal.BatchOutcome;
import dev.hookline.sqs.internal.MessageEffects;
import dev.hookline.sqs.internal.VisibilityChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Collects deletes and visibility changes for a short linger and sends them as batch calls of up to 10 entries (a
 * full batch goes at once). After {@link #close()} new entries are sent straight away.
 *
 * <p>Thread-safety: thread-safe.
 */
final class EffectBatcher {

  private static final Logger log = LoggerFactory.getLogger(EffectBatcher.class);

  private final Lane<Message> deletes;
  private final Lane<VisibilityChange> visibility;

  EffectBatcher(MessageEffects effects, ScheduledExecutorService scheduler, Duration linger) {
    this.deletes = new Lane<>("delete", effects::delete, scheduler, linger);
    this.visibility = new Lane<>("changeVisibility", effects::changeVisibility, scheduler, linger);
  }

  /**
   * Queues a delete.
   *
   * @param message the message
   * @return the outcome of the batch it went in
   */
  CompletableFuture<BatchOutcome> delete(Message message) {
    return deletes.add(message, message.messageId());
  }

  /**
   * Queues a visibility change.
   *
   * @param message the message
   * @param timeoutSeconds the new visibility timeout
   * @return the outcome of the batch it went in
   */
  CompletableFuture<BatchOutcome> changeVisibility(Message message, int timeoutSeconds) {
    return visibility.add(new VisibilityChange(message, timeoutSeconds), message.messageId());
  }

  /**
   * Sends everything pending now; from then on entries are sent at once.
   *
   * @return completes when every call sent so far has completed
   */
  CompletableFuture<Void> close() {
    return CompletableFuture.allOf(deletes.close(), visibility.close());
  }

  private static final class Lane<T> {
    private final String operation;
    private final Function<List<T>, CompletableFuture<BatchOutcome>> send;
    private final ScheduledExecutorService scheduler;
    private final long lingerNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<CompletableFuture<?>> sending = ConcurrentHashMap.newKeySet();
    private List<Pending<T>> pending = new ArrayList<>();
    private ScheduledFuture<?> timer;
    private boolean closed;

    Lane(
        String operation,
        Function<List<T>, CompletableFuture<BatchOutcome>> send,
        ScheduledExecutorService scheduler,
        Duration linger) {
      this.operation = operation;
      this.send = send;
      this.scheduler = scheduler;
      this.lingerNanos = linger.toNanos();
    }

    CompletableFuture<BatchOutcome> add(T item, String messageId) {
      Pending<T> entry = new Pending<>(item, new CompletableFuture<>());
      List<Pending<T>> now = null;
      lock.lock();
      try {
        pending.add(entry);
        if (closed || lingerNanos == 0 || pending.size() >= SqsLimits.MAX_BATCH_ENTRIES) {
          now = takeLocked();
        } else if (timer == null) {
          try {
            timer = scheduler.schedule(this::flush, lingerNanos, TimeUnit.NANOSECONDS);
          } catch (RejectedExecutionException e) {
            now = takeLocked();
          }
        }
      } finally {
        lock.unlock();
      }
      if (now != null) {
        sendAll(now);
      }
      return entry.result();
    }

    private List<Pending<T>> takeLocked() {
      List<Pending<T>> taken = pending;
      pending = new ArrayList<>();
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      return taken;
    }

    private void flush() {
      List<Pending<T>> now;
      lock.lock();
      try {
        timer = null;
        now = takeLocked();
      } finally {
        lock.unlock();
      }
      sendAll(now);
    }

    private void sendAll(List<Pending<T>> batch) {
      if (batch.isEmpty()) {
        return;
      }
      List<T> items = new ArrayList<>(batch.size());
      for (Pending<T> p : batch) {
        items.add(p.item());
      }
      CompletableFuture<BatchOutcome> call = start(items);
      sending.add(call);
      call.whenComplete(
          (outcome, error) -> {
            sending.remove(call);
            for (Pending<T> p : batch) {
              if (error != null) {
                p.result().completeExceptionally(error);
              } else {
                p.result().complete(outcome);
              }
            }
          });
    }

    private CompletableFuture<BatchOutcome> start(List<T> items) {
      try {
        return send.apply(items);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    CompletableFuture<Void> close() {
      List<Pending<T>> now;
      lock.lock();
      try {
        closed = true;
        now = takeLocked();
      } finally {
        lock.unlock();
      }
      sendAll(now);
      return CompletableFuture.allOf(sending.toArray(new CompletableFuture<?>[0]));
    }
  }

  private record Pending<T>(T item, CompletableFuture<BatchOutcome> result) {}
}
