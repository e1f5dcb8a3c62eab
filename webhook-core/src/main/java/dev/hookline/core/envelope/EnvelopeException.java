package dev.hookline.core.envelope;

import dev.hookline.core.HooklineException;

/**
 * A queue message could not be decoded: a poison message that goes to the DLQ at once. Never retryable.
 *
 * <p>Thread-safety: it adds no state; like every {@link HooklineException}, it may be shared between threads once
 * published.
 */
public final class EnvelopeException extends HooklineException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong with the envelope (never the body)
   * @param cause the parse failure, or null
   */
  public EnvelopeException(String message, Throwable cause) {
    super(message, cause, false);
  }
}
