package dev.hookline.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a {@link WebhookHandler} to retry after a delay it chooses (for example a downstream API's
 * {@code Retry-After}) instead of the retry policy's backoff. The attempt still counts toward the maximum.
 *
 * <p>Thread-safety: its fields are final; like every {@link HooklineException}, it may be shared between threads once
 * published.
 */
public class RetryLaterException extends HooklineException {

  private static final long serialVersionUID = 1L;

  /** The requested delay before the next attempt. */
  private final Duration after;

  /**
   * Creates the exception.
   *
   * @param message why the webhook must wait
   * @param after how long to wait before the next attempt; capped by SQS's 12-hour visibility limit
   */
  public RetryLaterException(String message, Duration after) {
    super(message, true);
    this.after = Objects.requireNonNull(after, "after");
    if (after.isNegative()) {
      throw new IllegalArgumentException("after must not be negative, was " + after);
    }
  }

  /** {@return the requested delay before the next attempt} */
  public Duration after() {
    return after;
  }
}
