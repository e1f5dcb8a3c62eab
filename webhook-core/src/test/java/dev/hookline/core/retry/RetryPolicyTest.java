package dev.hookline.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.HooklineException;
import dev.hookline.core.PermanentFailureException;
import dev.hookline.core.RetryLaterException;
import dev.hookline.core.envelope.EnvelopeException;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void defaults() {
    RetryPolicy p = RetryPolicy.defaults();
    assertThat(p.maxAttempts()).isEqualTo(5);
    for (int attempt = 1; attempt <= 20; attempt++) {
      assertThat(p.backoff().delay(attempt)).isBetween(Duration.ZERO, Duration.ofMinutes(5));
    }
    assertThat(p.isRetryable(new IOException("x"))).isTrue();
    assertThat(p.isRetryable(new IllegalStateException("x"))).isTrue();
    assertThat(p.isRetryable(new RetryLaterException("x", Duration.ZERO))).isTrue();
    assertThat(p.isRetryable(new HooklineException("x", true))).isTrue();
    assertThat(p.isRetryable(new HooklineException("x", false))).isFalse();
    assertThat(p.isRetryable(new PermanentFailureException("x"))).isFalse();
    assertThat(p.isRetryable(new EnvelopeException("x", null))).isFalse();
  }

  @Test
  void builderAndToBuilder() {
    Backoff fixed = Backoff.fixed(Duration.ofSeconds(3));
    RetryPolicy p = RetryPolicy.builder().maxAttempts(2).backoff(fixed).retryable(e -> false).build();
    assertThat(p.maxAttempts()).isEqualTo(2);
    assertThat(p.backoff()).isSameAs(fixed);
    assertThat(p.isRetryable(new IOException())).isFalse();
    RetryPolicy q = p.toBuilder().maxAttempts(9).build();
    assertThat(q.maxAttempts()).isEqualTo(9);
    assertThat(q.backoff()).isSameAs(fixed);
    assertThat(p.maxAttempts()).isEqualTo(2);
  }

  @Test
  void buildValidatesNamingTheField() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts must be >= 1, was 0");
    assertThatThrownBy(() -> RetryPolicy.builder().backoff(null)).hasMessage("backoff");
  }
}
