package dev.hookline.sqs;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Which SQS failures the enqueuer retries, and how long it waits between attempts. Pure; thread-safe. */
final class EnqueueRetry {

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

  private EnqueueRetry() {}

  /** Returns the failure without the {@link CompletionException}/{@link ExecutionException} wrappers. */
  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /**
   * Returns whether a failed call may succeed if tried again: throttling, 5xx, timeouts and connection errors.
   * Everything else (access denied, a missing queue, an invalid parameter) fails the same way next time.
   */
  static boolean retryable(Throwable error) {
    Throwable e = unwrap(error);
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

  /** Returns whether a {@code SendMessageBatch} entry's failure may succeed if sent again. */
  static boolean retryableEntry(boolean senderFault, String code) {
    return !senderFault || (code != null && RETRYABLE_CODES.contains(code));
  }

  /**
   * Returns the delay after failed attempt {@code attempt}: exponential growth from {@code initial}, capped at
   * {@code max}, with "equal jitter" (half fixed, half random), so concurrent retries spread out but the delay
   * still grows.
   *
   * @param attempt the attempt that failed, from 1
   * @param initial the delay's scale after the first attempt
   * @param max the cap
   * @param random the jitter source, used by one thread at a time
   */
  static Duration backoff(int attempt, Duration initial, Duration max, RandomGenerator random) {
    long initialNanos = initial.toNanos();
    long maxNanos = max.toNanos();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long exp = initialNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, initialNanos << shift);
    long half = exp / 2;
    long jitter = half > 0 ? random.nextLong(half + 1) : 0;
    return Duration.ofNanos(exp - half + jitter);
  }
}
