package dev.hookline.core;

/**
 * The root of every exception Hookline throws.
 *
 * <p>{@link #retryable()} says whether the same operation may succeed if tried again (a throttled or unavailable
 * queue) or never will (a missing queue, an oversized payload). Causes are always kept.
 *
 * <p>Thread-safety: its fields are final and {@code Throwable}'s own mutators are synchronized, so an instance may
 * be shared between threads once published.
 */
public class HooklineException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Whether trying the same operation again may succeed. */
  private final boolean retryable;

  /**
   * Creates an exception.
   *
   * @param message what failed; never secrets, signatures or bodies
   * @param cause the underlying failure, or null
   * @param retryable whether trying again may succeed
   */
  public HooklineException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /**
   * Creates an exception without a cause.
   *
   * @param message what failed; never secrets, signatures or bodies
   * @param retryable whether trying again may succeed
   */
  public HooklineException(String message, boolean retryable) {
    this(message, null, retryable);
  }

  /** {@return whether trying the same operation again may succeed} */
  public boolean retryable() {
    return retryable;
  }
}
