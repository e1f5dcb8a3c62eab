package dev.hookline.core.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What every asynchronous path does with a failure before looking at it. Stateless. */
public final class Failures {

  private Failures() {}

  /**
   * Returns the failure without its {@link CompletionException} and {@link ExecutionException} wrappers.
   *
   * @param error the failure as a future reported it
   * @return the first cause that is not such a wrapper (the wrapper itself when it has no cause)
   */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
