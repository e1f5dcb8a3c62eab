package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReceiveBackoffTest {

  private final ReceiveBackoff backoff =
      new ReceiveBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), new SplittableRandom(1));

  @Test
  void growsExponentiallyWithJitterInTheUpperHalf() {
    for (int failures = 1; failures <= 7; failures++) {
      long ceiling = 100L << (failures - 1);
      for (int i = 0; i < 50; i++) {
        assertThat(backoff.delay(failures).toMillis()).as("failures=" + failures).isBetween(ceiling / 2, ceiling);
      }
    }
  }

  @Test
  void isCappedAtTheMaximum() {
    for (int failures : new int[] {8, 20, 31, 1000, Integer.MAX_VALUE}) {
      assertThat(backoff.delay(failures)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }
  }

  @Test
  void isDeterministicForASeed() {
    ReceiveBackoff a = new ReceiveBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), new SplittableRandom(9));
    ReceiveBackoff b = new ReceiveBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), new SplittableRandom(9));
    for (int failures = 1; failures < 10; failures++) {
      assertThat(a.delay(failures)).isEqualTo(b.delay(failures));
    }
  }

  @Test
  void spreadsOutDelays() {
    long distinct =
        IntStream.range(0, 20).mapToObj(i -> backoff.delay(5)).distinct().count();
    assertThat(distinct).isGreaterThan(10);
  }

  @Test
  void rejectsInvalidBounds() {
    assertThatThrownBy(() -> new ReceiveBackoff(Duration.ZERO, Duration.ofSeconds(1), new SplittableRandom()))
        .hasMessageStartingWith("receiveBackoff ");
    assertThatThrownBy(
            () -> new ReceiveBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new SplittableRandom()))
        .hasMessageStartingWith("receiveBackoff ");
  }
}
