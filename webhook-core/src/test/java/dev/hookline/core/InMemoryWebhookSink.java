package dev.hookline.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link WebhookSink} that keeps webhooks in memory, for tests and examples. Nothing survives a restart, so it is
 * not durable: never use it in production.
 *
 * <p>Tests can program it: a capacity (a store beyond it fails with {@link SinkOverCapacityException}), failures for
 * the next stores ({@link #failNext}) or for every store ({@link #failWith}), and holding stores incomplete until
 * {@link #release()} to act as a slow or hung queue ({@link #hold()}).
 *
 * <p>Thread-safety: safe for concurrent use; state is guarded by a lock that is never held while completing stages.
 *
 * <pre>{@code
 * InMemoryWebhookSink sink = InMemoryWebhookSink.builder().capacity(100).build();
 * sink.failNext(1, new IllegalStateException("queue down")); // the next store fails, then all succeed
 * }</pre>
 */
public final class InMemoryWebhookSink implements WebhookSink {

  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<Webhook> stored = new ArrayList<>();
  private final List<Held> held = new ArrayList<>();
  private final Deque<Throwable> nextFailures = new ArrayDeque<>();
  private Throwable alwaysFailWith;
  private boolean holding;
  private long storeCalls;

  private InMemoryWebhookSink(Builder b) {
    this.capacity = b.capacity;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a sink without a capacity limit} */
  public static InMemoryWebhookSink create() {
    return builder().build();
  }

  /**
   * Stores the webhook, or fails as programmed. While {@link #hold() holding}, the returned stage stays incomplete
   * (and the webhook counts against the capacity) until {@link #release()}.
   *
   * @param webhook the webhook
   * @param budget ignored: the stage completes at once unless held
   * @return the stage
   */
  @Override
  public CompletionStage<Void> store(Webhook webhook, Duration budget) {
    Objects.requireNonNull(webhook, "webhook");
    Objects.requireNonNull(budget, "budget");
    lock.lock();
    try {
      storeCalls++;
      Throwable failure = nextFailures.pollFirst();
      if (failure == null) {
        failure = alwaysFailWith;
      }
      if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      }
      if (stored.size() + held.size() >= capacity) {
        return CompletableFuture.failedFuture(
            new SinkOverCapacityException("in-memory sink is full (capacity=" + capacity + ")"));
      }
      if (holding) {
        Held h = new Held(webhook, new CompletableFuture<>());
        held.add(h);
        return h.future;
      }
      stored.add(webhook);
      return CompletableFuture.completedFuture(null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes the next {@code count} stores fail with {@code error}, before any other rule applies.
   *
   * @param count how many stores fail, at least 1
   * @param error the failure, for example a {@link SinkOverCapacityException} or any exception for a 503
   * @return this sink
   * @throws IllegalArgumentException when count is below 1
   */
  public InMemoryWebhookSink failNext(int count, Throwable error) {
    Objects.requireNonNull(error, "error");
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, was " + count);
    }
    lock.lock();
    try {
      for (int i = 0; i < count; i++) {
        nextFailures.addLast(error);
      }
    } finally {
      lock.unlock();
    }
    return this;
  }

  /**
   * Makes every store fail with {@code error} until {@link #reset()}.
   *
   * @param error the failure
   * @return this sink
   */
  public InMemoryWebhookSink failWith(Throwable error) {
    Objects.requireNonNull(error, "error");
    lock.lock();
    try {
      alwaysFailWith = error;
    } finally {
      lock.unlock();
    }
    return this;
  }

  /**
   * Holds every following store incomplete until {@link #release()}, like a queue that does not answer.
   *
   * @return this sink
   */
  public InMemoryWebhookSink hold() {
    lock.lock();
    try {
      holding = true;
    } finally {
      lock.unlock();
    }
    return this;
  }

  /**
   * Stops holding, stores every held webhook and completes its stage. Stages complete on this thread.
   *
   * @return how many held stores were released
   */
  public int release() {
    List<Held> released;
    lock.lock();
    try {
      holding = false;
      released = new ArrayList<>(held);
      held.clear();
      released.forEach(h -> stored.add(h.webhook));
    } finally {
      lock.unlock();
    }
    // Complete outside the lock: dependent stages run on this thread.
    released.forEach(h -> h.future.complete(null));
    return released.size();
  }

  /** Clears stored webhooks and every programmed failure, and releases held stores as failed. */
  public void reset() {
    List<Held> dropped;
    lock.lock();
    try {
      stored.clear();
      nextFailures.clear();
      alwaysFailWith = null;
      holding = false;
      dropped = new ArrayList<>(held);
      held.clear();
    } finally {
      lock.unlock();
    }
    dropped.forEach(h -> h.future.completeExceptionally(new IllegalStateException("in-memory sink was reset")));
  }

  /** {@return a snapshot of the stored webhooks in store order (held ones are not included until released)} */
  public List<Webhook> webhooks() {
    lock.lock();
    try {
      return List.copyOf(stored);
    } finally {
      lock.unlock();
    }
  }

  /** {@return how many stores are held incomplete} */
  public int heldCount() {
    lock.lock();
    try {
      return held.size();
    } finally {
      lock.unlock();
    }
  }

  /** {@return how many times {@link #store} was called, failures included} */
  public long storeCalls() {
    lock.lock();
    try {
      return storeCalls;
    } finally {
      lock.unlock();
    }
  }

  /** {@return the capacity; {@link Integer#MAX_VALUE} when unlimited} */
  public int capacity() {
    return capacity;
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "InMemoryWebhookSink{stored=" + stored.size() + ", held=" + held.size() + ", capacity=" + capacity + '}';
    } finally {
      lock.unlock();
    }
  }

  private static final class Held {
    final Webhook webhook;
    final CompletableFuture<Void> future;

    Held(Webhook webhook, CompletableFuture<Void> future) {
      this.webhook = webhook;
      this.future = future;
    }
  }

  /** Builds an {@link InMemoryWebhookSink}; not thread-safe. */
  public static final class Builder {
    private int capacity = Integer.MAX_VALUE;

    private Builder() {}

    /**
     * Sets how many webhooks (stored plus held) fit; a store beyond fails with {@link SinkOverCapacityException}.
     * Default unlimited.
     *
     * @param capacity at least 1
     * @return this builder
     */
    public Builder capacity(int capacity) {
      this.capacity = capacity;
      return this;
    }

    /**
     * Returns the sink.
     *
     * @return the sink
     * @throws IllegalArgumentException when capacity is below 1
     */
    public InMemoryWebhookSink build() {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
      }
      return new InMemoryWebhookSink(this);
    }
  }
}
