package dev.hookline.core;

import java.util.Objects;

/**
 * How one attempt at handling a webhook ended: {@link Success} (the handler returned) or {@link Failure} (it threw).
 *
 * <p>The processor derives it from the {@link WebhookHandler} call and gives it, with the attempt, to the pure
 * {@code ProcessingPolicy}, which turns it into a {@code Decision}. Java 17 has no pattern {@code switch}, so use
 * {@link #isSuccess()} or {@code instanceof}.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface Outcome permits Outcome.Success, Outcome.Failure {

  /**
   * Returns the success outcome.
   *
   * @return the shared success instance
   */
  static Outcome success() {
    return Success.INSTANCE;
  }

  /**
   * Returns a failure outcome.
   *
   * @param error what the handler threw
   * @return the failure
   */
  static Outcome failure(Throwable error) {
    return new Failure(error);
  }

  /**
   * Returns whether the handler returned normally.
   *
   * @return true for {@link Success}
   */
  default boolean isSuccess() {
    return this instanceof Success;
  }

  /** The handler returned normally. */
  record Success() implements Outcome {
    private static final Success INSTANCE = new Success();
  }

  /**
   * The handler threw.
   *
   * @param error what it threw
   */
  record Failure(Throwable error) implements Outcome {
    /**
     * Validates the component.
     *
     * @param error what the handler threw
     */
    public Failure {
      Objects.requireNonNull(error, "error");
    }
  }
}
