package dev.hookline.core;

/**
 * Thrown by a {@link WebhookHandler} when retrying cannot help (for example the payload is invalid for your domain):
 * the message goes to the dead-letter queue at once, with this exception's message as the reason.
 *
 * <p>Thread-safety: it adds no state; like every {@link HooklineException}, it may be shared between threads once
 * published.
 */
public class PermanentFailureException extends HooklineException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message why the webhook cannot be handled; recorded in the DLQ (no secrets)
   */
  public PermanentFailureException(String message) {
    super(message, false);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message why the webhook cannot be handled
   * @param cause the underlying failure
   */
  public PermanentFailureException(String message, Throwable cause) {
    super(message, cause, false);
  }
}
