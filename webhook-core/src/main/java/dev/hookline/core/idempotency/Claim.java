package dev.hookline.core.idempotency;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The result of {@link IdempotencyStore#claim}: the caller now holds the delivery id ({@link Acquired}), another
 * holder does ({@link InProgress}), or it was handled already ({@link Done}).
 *
 * <p>Java 17 has no pattern {@code switch}; test with {@code instanceof} or {@link #isAcquired()},
 * {@link #isInProgress()} and {@link #isDone()}.
 *
 * <p>Thread-safety: immutable values.
 */
public sealed interface Claim permits Claim.Acquired, Claim.InProgress, Claim.Done {

  /** Returns the delivery id this claim is about. */
  String id();

  /** Returns whether the caller now holds the id and must {@code complete} or {@code release} it. */
  default boolean isAcquired() {
    return this instanceof Acquired;
  }

  /** Returns whether another holder has an unexpired claim on the id. */
  default boolean isInProgress() {
    return this instanceof InProgress;
  }

  /** Returns whether the id was completed and its record has not expired. */
  default boolean isDone() {
    return this instanceof Done;
  }

  /**
   * The caller holds the id until {@code expiresAt}; only this value can complete or release it.
   *
   * <p>The holder token tells this claim apart from any later claim of the same id: once the claim has expired and
   * another holder has taken the id, {@link IdempotencyStore#complete} and {@link IdempotencyStore#release} with
   * this value are refused.
   *
   * @param id the delivery id
   * @param holder a token unique to this claim
   * @param expiresAt when the claim lapses if it is never completed or released, by the claiming store's clock
   */
  record Acquired(String id, String holder, Instant expiresAt) implements Claim {
    /**
     * Checks the components.
     *
     * @throws NullPointerException naming a missing component
     */
    public Acquired {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(holder, "holder");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /**
   * Another holder has an unexpired claim on the id.
   *
   * @param id the delivery id
   * @param remaining how long that claim lasts unless it is completed or released first, by the answering store's
   *     clock; never negative
   */
  record InProgress(String id, Duration remaining) implements Claim {
    /**
     * Checks the components; a negative {@code remaining} becomes zero.
     *
     * @throws NullPointerException naming a missing component
     */
    public InProgress {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(remaining, "remaining");
      if (remaining.isNegative()) {
        remaining = Duration.ZERO;
      }
    }
  }

  /**
   * The id was completed and its record has not expired: skip the delivery.
   *
   * @param id the delivery id
   */
  record Done(String id) implements Claim {
    /**
     * Checks the component.
     *
     * @throws NullPointerException when the id is missing
     */
    public Done {
      Objects.requireNonNull(id, "id");
    }
  }
}
