package dev.hookline.core.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The delay before the next attempt, as a function of the attempt that just failed (numbered from 1).
 *
 * <p>Ready-made: {@link #fixed}, {@link #exponential(Duration, double, Duration)} and the jittered
 * {@link #exponential(Duration, double, Duration, Jitter, RandomGenerator)}; or write a lambda:
 *
 * <pre>{@code
 * Backoff linear = attempt -> Duration.ofSeconds(10L * attempt);
 * }</pre>
 *
 * <p>Implementations must be thread-safe (consumers call them concurrently) and should have no side effects other
 * than drawing random numbers. The processing policy caps whatever they return at SQS's 12-hour visibility limit.
 */
@FunctionalInterface
public interface Backoff {

  /**
   * Returns the delay before the attempt after {@code attempt}.
   *
   * @param attempt the attempt that failed, from 1
   * @return the delay; never negative
   */
  Duration delay(int attempt);

  /**
   * Returns a backoff that always waits {@code delay}.
   *
   * @param delay the delay; not negative
   * @return the backoff
   * @throws IllegalArgumentException when the delay is negative
   */
  static Backoff fixed(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    return attempt -> delay;
  }

  /**
   * Returns an exponential backoff without jitter: {@code min(cap, initial × multiplier^(attempt-1))}.
   *
   * @param initial the first delay; at least 1 ms
   * @param multiplier the growth factor; at least 1
   * @param cap the largest delay; at least {@code initial}
   * @return the backoff
   * @throws IllegalArgumentException naming the invalid argument
   */
  static Backoff exponential(Duration initial, double multiplier, Duration cap) {
    return new ExponentialBackoff(initial, multiplier, cap, Jitter.NONE, null);
  }

  /**
   * Returns an exponential backoff with jitter; see {@link Jitter} for the formulas.
   *
   * <p>The generator is used under a lock, so a generator that is not thread-safe (for example a seeded
   * {@link java.util.SplittableRandom} in a test) is fine. You own it; it holds no resources.
   *
   * @param initial the first delay; at least 1 ms
   * @param multiplier the growth factor; at least 1
   * @param cap the largest delay; at least {@code initial}
   * @param jitter how to randomize
   * @param random the source of randomness
   * @return the backoff
   * @throws IllegalArgumentException naming the invalid argument
   */
  static Backoff exponential(
      Duration initial, double multiplier, Duration cap, Jitter jitter, RandomGenerator random) {
    Objects.requireNonNull(jitter, "jitter");
    Objects.requireNonNull(random, "random");
    return new ExponentialBackoff(initial, multiplier, cap, jitter, random);
  }
}
