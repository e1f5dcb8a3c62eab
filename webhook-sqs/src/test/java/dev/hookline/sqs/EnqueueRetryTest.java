package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

class EnqueueRetryTest {

  private static AwsServiceException service(int status, String code) {
    return SqsException.builder()
        .statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
        .build();
  }

  @Test
  void retriesThrottlingServerErrorsTimeoutsAndConnectionErrors() {
    assertThat(EnqueueRetry.retryable(service(400, "ThrottlingException"))).isTrue();
    assertThat(EnqueueRetry.retryable(service(400, "RequestThrottled"))).isTrue();
    assertThat(EnqueueRetry.retryable(service(400, "KmsThrottled"))).isTrue();
    assertThat(EnqueueRetry.retryable(service(500, "InternalError"))).isTrue();
    assertThat(EnqueueRetry.retryable(service(503, "ServiceUnavailable"))).isTrue();
    assertThat(EnqueueRetry.retryable(ApiCallTimeoutException.create(100))).isTrue();
    assertThat(EnqueueRetry.retryable(ApiCallAttemptTimeoutException.create(100))).isTrue();
    assertThat(
            EnqueueRetry.retryable(
                SdkClientException.builder().message("io").cause(new ConnectException("refused")).build()))
        .isTrue();
    assertThat(EnqueueRetry.retryable(new CompletionException(service(500, "InternalError")))).isTrue();
    assertThat(EnqueueRetry.retryable(new IOException("reset"))).isTrue();
  }

  @Test
  void doesNotRetryWhatWillFailAgain() {
    assertThat(EnqueueRetry.retryable(service(403, "AccessDenied"))).isFalse();
    assertThat(EnqueueRetry.retryable(service(400, "InvalidParameterValue"))).isFalse();
    assertThat(
            EnqueueRetry.retryable(
                QueueDoesNotExistException.builder()
                    .statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("QueueDoesNotExist").build())
                    .build()))
        .isFalse();
    assertThat(EnqueueRetry.retryable(SdkClientException.create("Unable to load credentials"))).isFalse();
    assertThat(EnqueueRetry.retryable(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void retriesBatchEntriesThatAreNotTheSendersFault() {
    assertThat(EnqueueRetry.retryableEntry(false, "InternalError")).isTrue();
    assertThat(EnqueueRetry.retryableEntry(true, "ThrottlingException")).isTrue();
    assertThat(EnqueueRetry.retryableEntry(true, "InvalidParameterValue")).isFalse();
  }

  @Test
  void backoffGrowsWithEqualJitterUpToTheCap() {
    RandomGenerator random = new java.util.SplittableRandom(42);
    Duration initial = Duration.ofMillis(100);
    Duration max = Duration.ofSeconds(1);
    for (int i = 0; i < 200; i++) {
      assertThat(EnqueueRetry.backoff(1, initial, max, random)).isBetween(Duration.ofMillis(50), initial);
      assertThat(EnqueueRetry.backoff(3, initial, max, random))
          .isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
      assertThat(EnqueueRetry.backoff(10, initial, max, random)).isBetween(Duration.ofMillis(500), max);
      assertThat(EnqueueRetry.backoff(1000, initial, max, random)).isBetween(Duration.ofMillis(500), max);
    }
  }

  @Test
  void backoffIsRepeatableWithASeededGenerator() {
    Duration a = EnqueueRetry.backoff(4, Duration.ofMillis(50), Duration.ofSeconds(1), new java.util.SplittableRandom(7));
    Duration b = EnqueueRetry.backoff(4, Duration.ofMillis(50), Duration.ofSeconds(1), new java.util.SplittableRandom(7));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void sqsIdsKeepValidIdsAndHashTheRest() {
    assertThat(SqsEnqueuer.sqsId("72d3162e-cc78-11e3-81ab-4c9367dc0958")).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assertThat(SqsEnqueuer.sqsId("has space")).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(SqsEnqueuer.sqsId("x".repeat(129))).hasSize(64);
    assertThat(SqsEnqueuer.sqsId("x".repeat(128))).isEqualTo("x".repeat(128));
    assertThat(SqsEnqueuer.sqsId("é")).isNotEqualTo("é").isEqualTo(SqsEnqueuer.sqsId("é"));
  }
}
