package dev.hookline.core;

/**
 * A {@link WebhookSink} refused a webhook because too many are already pending. The receiver answers 429 with
 * {@code Retry-After}, so the sender tries again later. Always retryable.
 *
 * <p>Thread-safety: it adds no state; like every {@link HooklineException}, it may be shared between threads once
 * published.
 */
public final class SinkOverCapacityException extends HooklineException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is full, for example {@code "1000 enqueues pending (maxPending=1000)"}
   */
  public SinkOverCapacityException(String message) {
    super(message, true);
  }
}
