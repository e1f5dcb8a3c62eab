package dev.hookline.idempotency.dynamodb;

import dev.hookline.core.HooklineException;
import dev.hookline.core.retry.Backoff;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Runs one DynamoDB call to its end within a time budget: throttling, 5xx answers, connection errors and calls
 * that take too long are tried again after the shared {@link Backoff}, while the budget lasts. A failed condition
 * is an answer, not an error: it is thrown as the {@link ConditionalCheckFailedException} it is, for the caller to
 * read. Everything else, and a budget spent, becomes a {@link HooklineException} that keeps the cause.
 *
 * <p>Waits happen on the calling thread (the store's methods block by contract); no thread is started.
 */
final class DynamoDbCalls {

  private final String table;
  private final String region;
  private final Duration budget;
  private final Backoff backoff;

  DynamoDbCalls(String table, String region, Duration budget, Backoff backoff) {
    this.table = table;
    this.region = region;
    this.budget = budget;
    this.backoff = backoff;
  }

  /**
   * Calls {@code call} until it succeeds, fails for good, or the budget is spent.
   *
   * @throws ConditionalCheckFailedException when the call's condition did not hold
   * @throws HooklineException otherwise: {@code retryable()} unless the table is missing or the request was refused
   */
  <T> T call(String operation, Supplier<CompletableFuture<T>> call) {
    return call(operation, call, budget);
  }

  /** As {@link #call(String, Supplier)}, within another budget. */
  <T> T call(String operation, Supplier<CompletableFuture<T>> call, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    int attempt = 0;
    Throwable first = null;
    while (true) {
      attempt++;
      Throwable failure;
      CompletableFuture<T> future = call.get();
      try {
        long left = Math.max(1, deadline - System.nanoTime());
        return future.get(left, TimeUnit.NANOSECONDS);
      } catch (ExecutionException | CompletionException e) {
        failure = e.getCause() != null ? e.getCause() : e;
      } catch (TimeoutException | CancellationException e) {
        future.cancel(true);
        failure = e;
      } catch (InterruptedException e) {
        future.cancel(true);
        Thread.currentThread().interrupt();
        throw new HooklineException("Interrupted during DynamoDB " + operation + " on table '" + table + "'", e, true);
      }
      if (failure instanceof ConditionalCheckFailedException) {
        throw (ConditionalCheckFailedException) failure;
      }
      if (failure instanceof ResourceNotFoundException) {
        throw missingTable(failure);
      }
      boolean retryable = retryable(failure);
      Duration wait = backoff.delay(attempt);
      if (first == null) {
        first = failure;
      }
      if (!retryable || System.nanoTime() + wait.toNanos() >= deadline) {
        HooklineException error = new HooklineException(
            "DynamoDB "
                + operation
                + " on table '"
                + table
                + "' in "
                + region
                + " failed"
                + (retryable ? " within its " + budget + " budget after " + attempt + " attempt(s)" : "")
                + ": "
                + failure
                + (first != failure && !first.toString().equals(failure.toString()) ? " (first: " + first + ")" : ""),
            failure,
            retryable);
        if (first != failure) {
          error.addSuppressed(first);
        }
        throw error;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(wait.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HooklineException("Interrupted during DynamoDB " + operation + " on table '" + table + "'", e, true);
      }
    }
  }

  /** The error for a table that does not exist: names the table and the region, and how to create it. */
  HooklineException missingTable(Throwable cause) {
    return new HooklineException(
        "DynamoDB table '"
            + table
            + "' does not exist in region "
            + region
            + " (or is not visible to these credentials); create it with `hookline idempotency ensure-table --table "
            + table
            + " --region "
            + region
            + "` or IdempotencyTableProvisioner",
        cause,
        false);
  }

  /** Throttling, a 5xx, a client-side failure (connection, timeout): worth another try. */
  static boolean retryable(Throwable e) {
    if (e instanceof AwsServiceException) {
      AwsServiceException ase = (AwsServiceException) e;
      return ase.isThrottlingException() || ase.statusCode() >= 500;
    }
    return e instanceof SdkClientException || e instanceof TimeoutException || e instanceof CancellationException;
  }
}
