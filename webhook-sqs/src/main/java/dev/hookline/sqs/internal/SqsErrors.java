package dev.hookline.sqs.internal;

import dev.hookline.core.internal.Failures;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Which SQS failures are worth another attempt: the one classifier the enqueuer, the consumer's receives and its
 * settling calls share. Pure; thread-safe.
 */
public final class SqsErrors {

  /**
   * Error codes worth another attempt besides throttling and 5xx: the service's own transient codes. SQS answers a
   * throttled call with {@code ThrottlingException}/{@code RequestThrottled} (in the SDK's throttling list) or, for
   * an SSE queue whose KMS key is throttled, {@code KmsThrottled}.
   */
  private static final Set<String> RETRYABLE_CODES =
      Set.of(
          "InternalError",
          "InternalFailure",
          "ServiceUnavailable",
          "RequestTimeout",
          "RequestTimeoutException",
          "KmsThrottled",
          "KMS.ThrottlingException",
          "ThrottlingException",
          "RequestThrottled",
          "Throttling");

  private SqsErrors() {}

  /**
   * Returns whether a failed call may succeed if tried again: throttling, 5xx, timeouts and connection errors.
   * Everything else (access denied, a missing queue, an invalid parameter) fails the same way next time.
   *
   * @param error the failure, wrapped or not
   * @return true when another attempt may succeed
   */
  public static boolean retryable(Throwable error) {
    Throwable e = Failures.unwrap(error);
    if (e instanceof AwsServiceException) {
      AwsServiceException ase = (AwsServiceException) e;
      String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
      return ase.isThrottlingException()
          || ase.statusCode() >= 500
          || ase.statusCode() == 429
          || (code != null && RETRYABLE_CODES.contains(code));
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    if (e instanceof SdkClientException) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof IOException || c instanceof TimeoutException) {
          return true;
        }
      }
      return ((SdkException) e).retryable();
    }
    return e instanceof IOException || e instanceof TimeoutException;
  }

  /**
   * Returns whether a failed batch entry may succeed if sent again: SQS's side failed, or its code is a transient
   * one.
   *
   * @param senderFault the entry's {@code SenderFault}
   * @param code the entry's error code
   * @return true when another attempt may succeed
   */
  public static boolean retryableEntry(boolean senderFault, String code) {
    return !senderFault || (code != null && RETRYABLE_CODES.contains(code));
  }
}
