package dev.hookline.core.retry;

/**
 * How {@link Backoff#exponential(java.time.Duration, double, java.time.Duration, Jitter,
 * java.util.random.RandomGenerator)} spreads delays so that many failing messages do not retry in lock step. The
 * names follow the AWS Architecture Blog post "Exponential Backoff And Jitter". With {@code d} the capped exponential
 * delay for the attempt:
 *
 * <ul>
 *   <li>{@link #NONE}: exactly {@code d};
 *   <li>{@link #FULL}: uniform in {@code [0, d]};
 *   <li>{@link #EQUAL}: {@code d/2} plus uniform in {@code [0, d/2]};
 *   <li>{@link #DECORRELATED}: uniform in {@code [initial, min(cap, 3 × p)]}, where {@code p} is the un-jittered
 *       delay of the previous attempt ({@code initial} for the first). The blog's version feeds back the previous
 *       <em>random</em> delay; a queue consumer only knows the attempt number, so this stays a function of it.
 * </ul>
 *
 * <p>Random values are drawn in whole milliseconds. Thread-safety: an immutable enum.
 */
public enum Jitter {
  /** No randomness. */
  NONE,
  /** Uniform between zero and the delay. */
  FULL,
  /** Half the delay plus a uniform share of the other half. */
  EQUAL,
  /** Uniform between the initial delay and three times the previous attempt's delay, capped. */
  DECORRELATED
}
