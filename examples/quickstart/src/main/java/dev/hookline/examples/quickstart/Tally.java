package dev.hookline.examples.quickstart;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.Webhook;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Counts what the consumer did with each delivery id, as a {@link PipelineListener}, and lets the demo wait for a
 * condition on those counts with a deadline instead of sleeping.
 *
 * <p>Thread-safety: thread-safe; the pipeline calls it from its own threads.
 */
final class Tally implements PipelineListener {

  private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> duplicates = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> retries = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> deadLettered = new ConcurrentHashMap<>();
  private final AtomicInteger leasesLost = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  @Override
  public void onHandled(Webhook webhook, int attempt, Duration handlerTime) {
    bump(handled, webhook.deliveryId());
  }

  @Override
  public void onDuplicate(Webhook webhook) {
    bump(duplicates, webhook.deliveryId());
  }

  @Override
  public void onRetryScheduled(Webhook webhook, int attempt, Duration delay) {
    bump(retries, webhook.deliveryId());
  }

  @Override
  public void onDeadLettered(String source, String deliveryId, String errorType) {
    bump(deadLettered, deliveryId);
  }

  @Override
  public void onLeaseLost(String messageId) {
    leasesLost.incrementAndGet();
    signal();
  }

  private void bump(Map<String, AtomicInteger> counts, String deliveryId) {
    counts.computeIfAbsent(deliveryId, id -> new AtomicInteger()).incrementAndGet();
    signal();
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  int handled(String deliveryId) {
    return get(handled, deliveryId);
  }

  int duplicates(String deliveryId) {
    return get(duplicates, deliveryId);
  }

  int retries(String deliveryId) {
    return get(retries, deliveryId);
  }

  int deadLettered(String deliveryId) {
    return get(deadLettered, deliveryId);
  }

  /** Returns how often a delivery id was acknowledged: handled or skipped as a duplicate. */
  int processed(String deliveryId) {
    return handled(deliveryId) + duplicates(deliveryId);
  }

  int totalHandled() {
    return sum(handled);
  }

  int totalDuplicates() {
    return sum(duplicates);
  }

  int totalRetries() {
    return sum(retries);
  }

  int totalDeadLettered() {
    return sum(deadLettered);
  }

  int leasesLost() {
    return leasesLost.get();
  }

  /**
   * Waits until {@code condition} holds, re-checking whenever a count changes and at least every {@code tick}, when
   * {@code onTick} runs (to show progress).
   *
   * @param timeout the longest wait
   * @param tick how often {@code onTick} runs while waiting
   * @param condition the condition
   * @param onTick progress callback
   * @return whether the condition held before the deadline
   * @throws InterruptedException when interrupted
   */
  boolean await(Duration timeout, Duration tick, BooleanSupplier condition, Runnable onTick)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextTick = System.nanoTime() + tick.toNanos();
    lock.lock();
    try {
      while (!condition.getAsBoolean()) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          return false;
        }
        if (now - nextTick >= 0) {
          // Print outside the lock so the pipeline's threads never wait for the console.
          lock.unlock();
          try {
            onTick.run();
          } finally {
            lock.lock();
          }
          nextTick = now + tick.toNanos();
          continue;
        }
        changed.awaitNanos(Math.min(deadline - now, Math.max(1, nextTick - now)));
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private static int get(Map<String, AtomicInteger> counts, String deliveryId) {
    AtomicInteger n = counts.get(deliveryId);
    return n == null ? 0 : n.get();
  }

  private static int sum(Map<String, AtomicInteger> counts) {
    int total = 0;
    for (AtomicInteger n : counts.values()) {
      total += n.get();
    }
    return total;
  }
}
