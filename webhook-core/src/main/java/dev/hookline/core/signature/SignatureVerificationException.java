package dev.hookline.core.signature;

import dev.hookline.core.HooklineException;

/**
 * A signature or timestamp check failed. The message names which check (for a DEBUG log); the receiver never sends it
 * to the client, which only learns 401. Never retryable. Messages never contain secrets or full signatures.
 *
 * <p>Thread-safety: it adds no state; like every {@link HooklineException}, it may be shared between threads once
 * published.
 */
public final class SignatureVerificationException extends HooklineException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which check failed, for example {@code "timestamp outside tolerance"}
   */
  public SignatureVerificationException(String message) {
    super(message, false);
  }

  /**
   * Creates the exception with a cause, for example a key-decoding failure.
   *
   * @param message which check failed
   * @param cause the underlying failure
   */
  public SignatureVerificationException(String message, Throwable cause) {
    super(message, cause, false);
  }
}
