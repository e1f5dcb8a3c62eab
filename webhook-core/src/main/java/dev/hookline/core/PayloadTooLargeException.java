package dev.hookline.core;

/**
 * A webhook (or the envelope around it) is larger than a limit allows: the source's body limit or the queue's
 * message size limit. The receiver answers 413. Never retryable: the same bytes will not fit next time.
 *
 * <p>Thread-safety: its fields are final; like every {@link HooklineException}, it may be shared between threads once
 * published.
 */
public final class PayloadTooLargeException extends HooklineException {

  private static final long serialVersionUID = 1L;

  /** The size in bytes that was refused. */
  private final long size;
  /** The limit in bytes. */
  private final long limit;

  /**
   * Creates the exception.
   *
   * @param what what is too large, for example {@code "envelope"}
   * @param size its size in bytes
   * @param limit the limit in bytes
   */
  public PayloadTooLargeException(String what, long size, long limit) {
    super(what + " is " + size + " bytes, over the limit of " + limit + " bytes", false);
    this.size = size;
    this.limit = limit;
  }

  /** {@return the size in bytes that was refused} */
  public long size() {
    return size;
  }

  /** {@return the limit in bytes} */
  public long limit() {
    return limit;
  }
}
