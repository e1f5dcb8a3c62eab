package dev.hookline.core.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/** The exponential {@link Backoff}; see {@link Jitter}. Thread-safe: the generator is used under a lock. */
final class ExponentialBackoff implements Backoff {

  private final long initialMillis;
  private final double multiplier;
  private final long capMillis;
  private final Jitter jitter;
  private final RandomGenerator random;
  private final ReentrantLock lock = new ReentrantLock();

  ExponentialBackoff(Duration initial, double multiplier, Duration cap, Jitter jitter, RandomGenerator random) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(cap, "cap");
    if (initial.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("initial must be at least 1 ms, was " + initial);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be >= 1 and finite, was " + multiplier);
    }
    if (cap.compareTo(initial) < 0) {
      throw new IllegalArgumentException("cap must be >= initial (" + initial + "), was " + cap);
    }
    this.initialMillis = initial.toMillis();
    this.multiplier = multiplier;
    this.capMillis = cap.toMillis();
    this.jitter = jitter;
    this.random = random;
  }

  /** The un-jittered delay for an attempt, in millis: min(cap, initial × multiplier^(attempt-1)). */
  long baseMillis(int attempt) {
    double d = initialMillis * Math.pow(multiplier, Math.max(0, attempt - 1));
    return d >= capMillis ? capMillis : (long) d;
  }

  @Override
  public Duration delay(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
    }
    long base = baseMillis(attempt);
    long millis;
    switch (jitter) {
      case NONE -> millis = base;
      case FULL -> millis = uniform(0, base);
      case EQUAL -> millis = base / 2 + uniform(0, base - base / 2);
      case DECORRELATED -> {
        long previous = attempt == 1 ? initialMillis : baseMillis(attempt - 1);
        long upper = (long) Math.min((double) capMillis, 3.0 * previous);
        millis = uniform(initialMillis, Math.max(initialMillis, upper));
      }
      default -> throw new IllegalStateException("unknown jitter " + jitter);
    }
    return Duration.ofMillis(millis);
  }

  /** Uniform in [low, high], both inclusive. */
  private long uniform(long low, long high) {
    if (low >= high) {
      return low;
    }
    lock.lock();
    try {
      return random.nextLong(low, high + 1);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "Backoff.exponential{initial="
        + Duration.ofMillis(initialMillis)
        + ", multiplier="
        + multiplier
        + ", cap="
        + Duration.ofMillis(capMillis)
        + ", jitter="
        + jitter
        + '}';
  }
}
