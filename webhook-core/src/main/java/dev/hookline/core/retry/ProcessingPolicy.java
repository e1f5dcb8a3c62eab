package dev.hookline.core.retry;

import dev.hookline.core.Attempt;
import dev.hookline.core.Outcome;
import dev.hookline.core.RetryLaterException;
import dev.hookline.core.envelope.SqsLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The pure decision every consumer shares: given an attempt, how it ended and the current time, {@link Decision.Ack},
 * {@link Decision.Retry} or {@link Decision.DeadLetter}. No I/O, no clock of its own.
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>success → {@code Ack};
 *   <li>a failure the {@link RetryPolicy} does not retry (never a {@link RetryLaterException}) → dead letter
 *       {@code permanent_failure};
 *   <li>the attempt is the last allowed ({@code number >= maxAttempts}) → dead letter {@code attempts_exhausted};
 *   <li>the delay is the {@link RetryLaterException}'s, else the backoff's for this attempt; it is then capped so
 *       that the next attempt starts within SQS's 12-hour visibility limit ({@link SqsLimits#MAX_VISIBILITY}) counted from
 *       {@link Attempt#firstReceivedAt()}, in whole seconds (SQS counts visibility in seconds, so a runner rounding
 *       the delay up stays within the limit); if less than one second is left → dead letter
 *       {@code time_budget_exhausted};
 *   <li>otherwise → {@code Retry(delay)} with a {@code handler_failed} report.
 * </ol>
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class ProcessingPolicy {

  private final RetryPolicy retryPolicy;

  private ProcessingPolicy(RetryPolicy retryPolicy) {
    this.retryPolicy = retryPolicy;
  }

  /**
   * Returns the processing policy for a retry policy.
   *
   * @param retryPolicy the retry policy
   * @return the processing policy
   */
  public static ProcessingPolicy of(RetryPolicy retryPolicy) {
    return new ProcessingPolicy(Objects.requireNonNull(retryPolicy, "retryPolicy"));
  }

  /**
   * Returns the retry policy this decides by.
   *
   * @return the retry policy
   */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * Decides what to do with a message after an attempt.
   *
   * @param attempt the attempt that just ended
   * @param outcome how it ended
   * @param now the current time
   * @return the decision
   */
  public Decision decide(Attempt attempt, Outcome outcome, Instant now) {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(now, "now");
    if (outcome.isSuccess()) {
      return new Decision.Ack(false);
    }
    Throwable error = ((Outcome.Failure) outcome).error();
    boolean retryLater = error instanceof RetryLaterException;
    if (!retryLater && !retryPolicy.isRetryable(error)) {
      return deadLetter(FailureReport.REASON_PERMANENT_FAILURE, error, attempt, now);
    }
    if (attempt.number() >= retryPolicy.maxAttempts()) {
      return deadLetter(FailureReport.REASON_ATTEMPTS_EXHAUSTED, error, attempt, now);
    }
    Duration delay =
        retryLater ? ((RetryLaterException) error).after() : retryPolicy.backoff().delay(attempt.number());
    if (delay == null || delay.isNegative()) {
      delay = Duration.ZERO;
    }
    Duration left = Duration.between(now, attempt.firstReceivedAt().plus(SqsLimits.MAX_VISIBILITY));
    long leftSeconds = left.isNegative() ? 0 : left.getSeconds(); // whole seconds, rounded down
    if (leftSeconds < 1) {
      return deadLetter(FailureReport.REASON_TIME_BUDGET_EXHAUSTED, error, attempt, now);
    }
    Duration capped = delay.compareTo(Duration.ofSeconds(leftSeconds)) > 0 ? Duration.ofSeconds(leftSeconds) : delay;
    return new Decision.Retry(
        capped, FailureReport.of(FailureReport.REASON_HANDLER_FAILED, error, attempt.number(), attempt.firstReceivedAt(), now));
  }

  /**
   * Returns a dead-letter decision with a report built from the failure.
   *
   * @param reason the reason code, one of the {@code FailureReport.REASON_} constants
   * @param error the failure
   * @param attempt the attempt
   * @param now when it failed
   * @return the decision
   */
  public static Decision.DeadLetter deadLetter(String reason, Throwable error, Attempt attempt, Instant now) {
    return new Decision.DeadLetter(
        FailureReport.of(reason, error, attempt.number(), attempt.firstReceivedAt(), now));
  }

  @Override
  public String toString() {
    return "ProcessingPolicy{" + retryPolicy + '}';
  }
}
