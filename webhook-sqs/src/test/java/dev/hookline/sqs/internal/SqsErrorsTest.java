package dev.hookline.sqs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

class SqsErrorsTest {

  private static AwsServiceException service(int status, String code) {
    return SqsException.builder()
        .statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
        .build();
  }

  @Test
  void retriesThrottlingServerErrorsTimeoutsAndConnectionErrors() {
    assertThat(SqsErrors.retryable(service(400, "ThrottlingException"))).isTrue();
    assertThat(SqsErrors.retryable(service(400, "RequestThrottled"))).isTrue();
    assertThat(SqsErrors.retryable(service(400, "KmsThrottled"))).isTrue();
    assertThat(SqsErrors.retryable(service(500, "InternalError"))).isTrue();
    assertThat(SqsErrors.retryable(service(503, "ServiceUnavailable"))).isTrue();
    assertThat(SqsErrors.retryable(ApiCallTimeoutException.create(100))).isTrue();
    assertThat(SqsErrors.retryable(ApiCallAttemptTimeoutException.create(100))).isTrue();
    assertThat(
            SqsErrors.retryable(
                SdkClientException.builder().message("io").cause(new ConnectException("refused")).build()))
        .isTrue();
    assertThat(SqsErrors.retryable(new CompletionException(service(500, "InternalError")))).isTrue();
    assertThat(SqsErrors.retryable(new IOException("reset"))).isTrue();
  }

  @Test
  void doesNotRetryWhatWillFailAgain() {
    assertThat(SqsErrors.retryable(service(403, "AccessDenied"))).isFalse();
    assertThat(SqsErrors.retryable(service(400, "InvalidParameterValue"))).isFalse();
    assertThat(
            SqsErrors.retryable(
                QueueDoesNotExistException.builder()
                    .statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("QueueDoesNotExist").build())
                    .build()))
        .isFalse();
    assertThat(SqsErrors.retryable(SdkClientException.create("Unable to load credentials"))).isFalse();
    assertThat(SqsErrors.retryable(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void retriesBatchEntriesThatAreNotTheSendersFault() {
    assertThat(SqsErrors.retryableEntry(false, "InternalError")).isTrue();
    assertThat(SqsErrors.retryableEntry(true, "ThrottlingException")).isTrue();
    assertThat(SqsErrors.retryableEntry(true, "InvalidParameterValue")).isFalse();
  }
}
