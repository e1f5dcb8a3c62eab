package dev.hookline.sqs;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * How long a poller waits after consecutive failed receives: exponential from {@code min}, capped at {@code max},
 * with "equal jitter" (a uniform pick in the upper half) so pollers of many consumers spread out yet always wait.
 *
 * <p>Thread-safety: thread-safe; the random generator is used under a lock because generators need not be.
 */
final class ReceiveBackoff {

  private final Duration min;
  private final Duration max;
  private final RandomGenerator random;
  private final ReentrantLock lock = new ReentrantLock();

  ReceiveBackoff(Duration min, Duration max, RandomGenerator random) {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("receiveBackoff must have 0 < min <= max, was " + min + ", " + max);
    }
    this.min = min;
    this.max = max;
    this.random = random;
  }

  /**
   * Returns the wait after the given number of consecutive failures.
   *
   * @param failures consecutive failures, from 1
   * @return the wait, between half the capped exponential delay and that delay
   */
  Duration delay(int failures) {
    int exponent = Math.max(0, Math.min(failures - 1, 30));
    long minNanos = min.toNanos();
    long maxNanos = max.toNanos();
    long ceiling = minNanos > (maxNanos >> exponent) ? maxNanos : Math.min(maxNanos, minNanos << exponent);
    long half = ceiling / 2;
    long jitter;
    lock.lock();
    try {
      jitter = random.nextLong(ceiling - half + 1);
    } finally {
      lock.unlock();
    }
    return Duration.ofNanos(half + jitter);
  }
}
