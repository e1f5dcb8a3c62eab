package dev.hookline.core.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.Attempt;
import dev.hookline.core.Outcome;
import dev.hookline.core.PermanentFailureException;
import dev.hookline.core.RetryLaterException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ProcessingPolicyTest {

  private static final Instant FIRST = Instant.parse("2026-01-01T00:00:00Z");
  // SQS: the visibility timeout can be at most 12 hours (43,200 s) (ChangeMessageVisibility API reference).
  private static final Duration TWELVE_HOURS = Duration.ofSeconds(43_200);

  private static final Backoff LINEAR = attempt -> Duration.ofSeconds(10L * attempt);
  // A custom Backoff may misbehave; the policy treats a null or negative delay as "retry at once".
  private static final Backoff NULL_DELAY = attempt -> null;
  private static final Backoff NEGATIVE_DELAY = attempt -> Duration.ofSeconds(-5);

  private static final ProcessingPolicy POLICY = policy(LINEAR);

  private static ProcessingPolicy policy(Backoff backoff) {
    return ProcessingPolicy.of(RetryPolicy.builder().maxAttempts(3).backoff(backoff).build());
  }

  static Stream<Arguments> table() {
    Exception io = new IOException("down");
    return Stream.of(
        // name, backoff, attempt, outcome, elapsed since first receipt, expected kind, expected reason or delay
        Arguments.of("success", LINEAR, 1, Outcome.success(), Duration.ZERO, "ack", null),
        Arguments.of("success on last attempt", LINEAR, 3, Outcome.success(), Duration.ZERO, "ack", null),
        Arguments.of("success after the budget", LINEAR, 2, Outcome.success(), TWELVE_HOURS.plusHours(1), "ack",
            null),
        Arguments.of("failure retries with backoff", LINEAR, 1, Outcome.failure(io), Duration.ZERO, "retry",
            Duration.ofSeconds(10)),
        Arguments.of("second failure", LINEAR, 2, Outcome.failure(io), Duration.ofMinutes(1), "retry",
            Duration.ofSeconds(20)),
        Arguments.of("last attempt", LINEAR, 3, Outcome.failure(io), Duration.ZERO, "dead", "attempts_exhausted"),
        Arguments.of("beyond the last attempt", LINEAR, 7, Outcome.failure(io), Duration.ZERO, "dead",
            "attempts_exhausted"),
        Arguments.of("permanent at once", LINEAR, 1, Outcome.failure(new PermanentFailureException("bad")),
            Duration.ZERO, "dead", "permanent_failure"),
        Arguments.of("retry later uses its delay", LINEAR, 1,
            Outcome.failure(new RetryLaterException("429", Duration.ofMinutes(7))), Duration.ZERO,
            "retry", Duration.ofMinutes(7)),
        Arguments.of("retry later capped by the budget", LINEAR, 1,
            Outcome.failure(new RetryLaterException("429", Duration.ofHours(20))), Duration.ofHours(2),
            "retry", Duration.ofHours(10)),
        Arguments.of("retry later on the last attempt", LINEAR, 3,
            Outcome.failure(new RetryLaterException("429", Duration.ofSeconds(1))), Duration.ZERO,
            "dead", "attempts_exhausted"),
        Arguments.of("backoff capped by the budget", LINEAR, 1, Outcome.failure(io), TWELVE_HOURS.minusSeconds(4),
            "retry", Duration.ofSeconds(4)),
        Arguments.of("budget rounded down to whole seconds", LINEAR, 1, Outcome.failure(io),
            TWELVE_HOURS.minusMillis(4500), "retry", Duration.ofSeconds(4)),
        Arguments.of("less than a second left", LINEAR, 1, Outcome.failure(io), TWELVE_HOURS.minusMillis(999),
            "dead", "time_budget_exhausted"),
        Arguments.of("budget used up", LINEAR, 1, Outcome.failure(io), TWELVE_HOURS, "dead",
            "time_budget_exhausted"),
        Arguments.of("past the budget", LINEAR, 2, Outcome.failure(io), TWELVE_HOURS.plusHours(1), "dead",
            "time_budget_exhausted"),
        Arguments.of("error is a failure too", LINEAR, 1, Outcome.failure(new AssertionError("x")), Duration.ZERO,
            "retry", Duration.ofSeconds(10)),
        Arguments.of("null backoff delay retries at once", NULL_DELAY, 1, Outcome.failure(io), Duration.ZERO,
            "retry", Duration.ZERO),
        Arguments.of("negative backoff delay retries at once", NEGATIVE_DELAY, 2, Outcome.failure(io),
            Duration.ofMinutes(1), "retry", Duration.ZERO),
        Arguments.of("null backoff delay near the budget", NULL_DELAY, 1, Outcome.failure(io),
            TWELVE_HOURS.minusSeconds(4), "retry", Duration.ZERO),
        Arguments.of("negative backoff delay with the budget used up", NEGATIVE_DELAY, 1, Outcome.failure(io),
            TWELVE_HOURS, "dead", "time_budget_exhausted"),
        Arguments.of("null backoff delay on the last attempt", NULL_DELAY, 3, Outcome.failure(io), Duration.ZERO,
            "dead", "attempts_exhausted"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(
      String name, Backoff backoff, int number, Outcome outcome, Duration elapsed, String kind, Object expected) {
    Instant now = FIRST.plus(elapsed);
    Decision d = policy(backoff).decide(new Attempt(number, FIRST), outcome, now);
    switch (kind) {
      case "ack" -> {
        assertThat(d).isEqualTo(new Decision.Ack(false));
      }
      case "retry" -> {
        assertThat(d).isInstanceOf(Decision.Retry.class);
        Decision.Retry r = (Decision.Retry) d;
        assertThat(r.after()).isEqualTo(expected);
        assertThat(now.plus(r.after())).isBeforeOrEqualTo(FIRST.plus(TWELVE_HOURS));
        assertThat(r.failure().reason()).isEqualTo("handler_failed");
        assertThat(r.failure().attempts()).isEqualTo(number);
        assertThat(r.failure().lastFailedAt()).isEqualTo(now);
      }
      case "dead" -> {
        assertThat(d).isInstanceOf(Decision.DeadLetter.class);
        FailureReport report = ((Decision.DeadLetter) d).report();
        assertThat(report.reason()).isEqualTo(expected);
        Throwable error = ((Outcome.Failure) outcome).error();
        assertThat(report.errorType()).isEqualTo(error.getClass().getName());
        assertThat(report.errorMessage()).isEqualTo(error.getMessage());
        assertThat(report.attempts()).isEqualTo(number);
        assertThat(report.firstReceivedAt()).isEqualTo(FIRST);
        assertThat(report.lastFailedAt()).isEqualTo(now);
      }
      default -> throw new AssertionError(kind);
    }
  }

  @Test
  void classifierDecidesWhatIsPermanentButRetryLaterAlwaysRetries() {
    ProcessingPolicy p =
        ProcessingPolicy.of(RetryPolicy.builder().backoff(Backoff.fixed(Duration.ofSeconds(1))).retryable(e -> false).build());
    Attempt a = new Attempt(1, FIRST);
    assertThat(((Decision.DeadLetter) p.decide(a, Outcome.failure(new IOException()), FIRST)).report().reason())
        .isEqualTo("permanent_failure");
    assertThat(p.decide(a, Outcome.failure(new RetryLaterException("x", Duration.ofSeconds(2))), FIRST))
        .isInstanceOf(Decision.Retry.class);
  }

  @Test
  void reportTruncatesLongMessagesAndKeepsTheAttemptTimes() {
    Decision d =
        POLICY.decide(new Attempt(3, FIRST), Outcome.failure(new IOException("x".repeat(5000))), FIRST.plusSeconds(5));
    FailureReport r = ((Decision.DeadLetter) d).report();
    assertThat(r.errorMessage()).hasSize(FailureReport.MAX_MESSAGE_CHARS);
    assertThat(r.reason()).isEqualTo("attempts_exhausted");
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(r.firstReceivedAt()).hasToString("2026-01-01T00:00:00Z");
    assertThat(r.lastFailedAt()).hasToString("2026-01-01T00:00:05Z");
    FailureReport noMessage = FailureReport.of("permanent_failure", new IOException(), 1, FIRST, FIRST);
    assertThat(noMessage.errorMessage()).isEmpty();
  }
}
