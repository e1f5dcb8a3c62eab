package dev.hookline.core.retry;

import dev.hookline.core.HooklineException;
import dev.hookline.core.PermanentFailureException;
import dev.hookline.core.internal.FreshRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How often and how patiently a failed webhook is retried: the maximum number of attempts, the {@link Backoff}
 * between them, and which failures are worth retrying at all.
 *
 * <p>Defaults ({@link #defaults()}): 5 attempts; exponential backoff from 1 s, doubling, capped at 5 minutes, with
 * {@link Jitter#FULL} (so the delays are spread; the expected wait before attempt 5 is 4 s); every failure retryable
 * except a {@link HooklineException} whose {@link HooklineException#retryable()} is false (among them
 * {@link PermanentFailureException}). Raise {@code maxAttempts} for downstreams with long outages; keep it below the
 * queue's redrive {@code maxReceiveCount}, which is only the safety net.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *     .maxAttempts(8)
 *     .backoff(Backoff.exponential(Duration.ofSeconds(5), 3.0, Duration.ofHours(1), Jitter.EQUAL, new SplittableRandom()))
 *     .retryable(e -> !(e instanceof IllegalArgumentException))
 *     .build();
 * }</pre>
 *
 * <p>Thread-safety: immutable and thread-safe (given a thread-safe backoff and classifier).
 */
public final class RetryPolicy {

  /** Default maximum attempts. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private static final RetryPolicy DEFAULTS = builder().build();

  private final int maxAttempts;
  private final Backoff backoff;
  private final Predicate<Throwable> retryable;

  private RetryPolicy(Builder b, Backoff backoff) {
    this.maxAttempts = b.maxAttempts;
    this.backoff = backoff;
    this.retryable = b.retryable;
  }

  /**
   * Returns the default policy (see the class description).
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a new builder with the defaults.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder that starts with this policy's settings.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxAttempts = maxAttempts;
    b.backoff = backoff;
    b.retryable = retryable;
    return b;
  }

  /**
   * Returns the maximum number of attempts, including the first.
   *
   * @return at least 1
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Returns the backoff between attempts.
   *
   * @return the backoff
   */
  public Backoff backoff() {
    return backoff;
  }

  /**
   * Returns whether a failure is worth retrying, by the configured classifier.
   *
   * @param error the failure
   * @return true when another attempt may succeed
   */
  public boolean isRetryable(Throwable error) {
    return retryable.test(error);
  }

  /** The default classifier: everything but a non-retryable {@link HooklineException}. */
  static boolean retryableByDefault(Throwable error) {
    return !(error instanceof HooklineException) || ((HooklineException) error).retryable();
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts=" + maxAttempts + ", backoff=" + backoff + '}';
  }

  /** Builds a {@link RetryPolicy}. Not thread-safe; setters only record and {@link #build()} validates. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Backoff backoff;
    private Predicate<Throwable> retryable = RetryPolicy::retryableByDefault;

    private Builder() {}

    /**
     * Sets the maximum number of attempts, including the first. Default {@value RetryPolicy#DEFAULT_MAX_ATTEMPTS}.
     *
     * @param maxAttempts at least 1
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Sets the backoff. Default exponential from 1 s, ×2, capped at 5 minutes, with full jitter.
     *
     * @param backoff the backoff
     * @return this builder
     */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Sets which failures are retried; the others are dead-lettered at once as {@code permanent_failure}. A
     * {@code RetryLaterException} is always retried. Default: all but a non-retryable {@link HooklineException}.
     *
     * @param retryable returns true for failures worth retrying
     * @return this builder
     */
    public Builder retryable(Predicate<Throwable> retryable) {
      this.retryable = Objects.requireNonNull(retryable, "retryable");
      return this;
    }

    /**
     * Returns the policy.
     *
     * @return the immutable policy
     * @throws IllegalArgumentException when {@code maxAttempts} is below 1
     */
    public RetryPolicy build() {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
      }
      Backoff chosen = backoff;
      if (chosen == null) {
        chosen =
            Backoff.exponential(
                Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), Jitter.FULL, new FreshRandom());
      }
      return new RetryPolicy(this, chosen);
    }
  }
}
