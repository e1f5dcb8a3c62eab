package dev.hookline.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final Duration S1 = Duration.ofSeconds(1);
  private static final Duration CAP = Duration.ofSeconds(10);

  @Test
  void fixedAlwaysReturnsItsDelay() {
    Backoff b = Backoff.fixed(Duration.ofSeconds(7));
    assertThat(b.delay(1)).isEqualTo(Duration.ofSeconds(7));
    assertThat(b.delay(100)).isEqualTo(Duration.ofSeconds(7));
    assertThatThrownBy(() -> Backoff.fixed(Duration.ofSeconds(-1))).hasMessageStartingWith("delay");
  }

  @Test
  void exponentialGrowsAndCaps() {
    Backoff b = Backoff.exponential(S1, 2.0, CAP);
    assertThat(b.delay(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.delay(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.delay(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(b.delay(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(b.delay(5)).isEqualTo(CAP);
    assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(CAP); // no overflow
    assertThat(Backoff.exponential(Duration.ofMillis(1500), 1.5, Duration.ofHours(1)).delay(3))
        .isEqualTo(Duration.ofMillis(3375));
  }

  @Test
  void fullJitterIsUniformBetweenZeroAndTheDelayFromTheSeededGenerator() {
    Backoff b = Backoff.exponential(S1, 2.0, CAP, Jitter.FULL, new SplittableRandom(42));
    SplittableRandom oracle = new SplittableRandom(42);
    assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(oracle.nextLong(0, 1001)));
    assertThat(b.delay(3)).isEqualTo(Duration.ofMillis(oracle.nextLong(0, 4001)));
    assertThat(b.delay(9)).isEqualTo(Duration.ofMillis(oracle.nextLong(0, 10_001)));
  }

  @Test
  void equalJitterKeepsHalf() {
    Backoff b = Backoff.exponential(S1, 2.0, CAP, Jitter.EQUAL, new SplittableRandom(7));
    SplittableRandom oracle = new SplittableRandom(7);
    assertThat(b.delay(3)).isEqualTo(Duration.ofMillis(2000 + oracle.nextLong(0, 2001)));
    assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(1000 + oracle.nextLong(0, 1001)));
  }

  @Test
  void decorrelatedJitterIsBetweenInitialAndThreeTimesThePreviousDelay() {
    Backoff b = Backoff.exponential(S1, 2.0, CAP, Jitter.DECORRELATED, new SplittableRandom(9));
    SplittableRandom oracle = new SplittableRandom(9);
    assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(oracle.nextLong(1000, 3001)));
    assertThat(b.delay(3)).isEqualTo(Duration.ofMillis(oracle.nextLong(1000, 6001))); // previous: 2 s
    assertThat(b.delay(5)).isEqualTo(Duration.ofMillis(oracle.nextLong(1000, 10_001))); // 3 × 8 s, capped
  }

  @Test
  void jitteredDelaysStayInRange() {
    SplittableRandom seed = new SplittableRandom(1);
    for (Jitter jitter : Jitter.values()) {
      Backoff b = Backoff.exponential(S1, 2.0, CAP, jitter, seed.split());
      for (int attempt = 1; attempt <= 12; attempt++) {
        long max = Math.min(10_000, 1000L << (attempt - 1));
        for (int i = 0; i < 200; i++) {
          long d = b.delay(attempt).toMillis();
          switch (jitter) {
            case NONE -> assertThat(d).isEqualTo(max);
            case FULL -> assertThat(d).isBetween(0L, max);
            case EQUAL -> assertThat(d).isBetween(max / 2, max);
            case DECORRELATED -> assertThat(d).isBetween(1000L, 10_000L);
            default -> throw new AssertionError(jitter);
          }
        }
      }
    }
  }

  @Test
  void sameSeedSameSequence() {
    Backoff a = Backoff.exponential(S1, 2.0, CAP, Jitter.FULL, new SplittableRandom(5));
    Backoff b = Backoff.exponential(S1, 2.0, CAP, Jitter.FULL, new SplittableRandom(5));
    for (int i = 1; i < 20; i++) {
      assertThat(a.delay(i)).isEqualTo(b.delay(i));
    }
  }

  @Test
  void customLambda() {
    Backoff linear = attempt -> Duration.ofSeconds(10L * attempt);
    assertThat(linear.delay(3)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void invalidArgumentsNameTheField() {
    assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, 2.0, CAP)).hasMessageStartingWith("initial");
    assertThatThrownBy(() -> Backoff.exponential(S1, 0.5, CAP)).hasMessageStartingWith("multiplier");
    assertThatThrownBy(() -> Backoff.exponential(S1, Double.NaN, CAP)).hasMessageStartingWith("multiplier");
    assertThatThrownBy(() -> Backoff.exponential(CAP, 2.0, S1)).hasMessageStartingWith("cap");
    assertThatThrownBy(() -> Backoff.exponential(S1, 2.0, CAP).delay(0)).hasMessageStartingWith("attempt");
  }

  @Test
  void equalJitterGrowsWithEqualJitterUpToTheCap() {
    RandomGenerator random = new java.util.SplittableRandom(42);
    Duration initial = Duration.ofMillis(100);
    Duration max = Duration.ofSeconds(1);
    Backoff equal = Backoff.exponential(initial, 2.0, max, Jitter.EQUAL, random);
    for (int i = 0; i < 200; i++) {
      assertThat(equal.delay(1)).isBetween(Duration.ofMillis(50), initial);
      assertThat(equal.delay(3))
          .isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
      assertThat(equal.delay(10)).isBetween(Duration.ofMillis(500), max);
      assertThat(equal.delay(1000)).isBetween(Duration.ofMillis(500), max);
    }
  }

  @Test
  void equalJitterIsRepeatableWithASeededGenerator() {
    Duration a = Backoff.exponential(Duration.ofMillis(50), 2.0, Duration.ofSeconds(1), Jitter.EQUAL, new java.util.SplittableRandom(7)).delay(4);
    Duration b = Backoff.exponential(Duration.ofMillis(50), 2.0, Duration.ofSeconds(1), Jitter.EQUAL, new java.util.SplittableRandom(7)).delay(4);
    assertThat(a).isEqualTo(b);
  }
}
