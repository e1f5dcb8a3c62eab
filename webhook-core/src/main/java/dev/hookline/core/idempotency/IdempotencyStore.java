package dev.hookline.core.idempotency;

import java.time.Duration;

/**
 * Remembers which delivery ids are being handled or are done, so a redelivered message is not handled twice.
 *
 * <p>The processor calls {@link #claim} before the handler; on {@link Claim#NEW} it runs the handler and then calls
 * {@link #complete} (success) or {@link #release} (failure, so the retry can claim again). Keys are delivery ids.
 *
 * <p>{@link InMemoryIdempotencyStore} covers one process; a fleet of consumers needs a shared store (for example
 * DynamoDB with a conditional put), which implements this interface. Implementations must be thread-safe, and
 * {@code claim} must be atomic: of any number of concurrent claims of the same id, exactly one gets {@code NEW}.
 */
public interface IdempotencyStore {

  /** The result of {@link #claim}. */
  enum Claim {
    /** Nobody holds the id: the caller now does and must {@code complete} or {@code release} it. */
    NEW,
    /** Another attempt holds an unexpired claim on the id. */
    IN_PROGRESS,
    /** The id was completed and its record has not expired. */
    ALREADY_DONE
  }

  /**
   * Claims an id atomically.
   *
   * @param id the delivery id
   * @param ttl how long the claim holds if it is never completed or released (a consumer that crashed): set it
   *     above the longest time a handler may run
   * @return whether the caller got the claim, or why not
   */
  Claim claim(String id, Duration ttl);

  /**
   * Marks a claimed id as done; later claims return {@link Claim#ALREADY_DONE} for the store's retention.
   *
   * @param id the delivery id
   */
  void complete(String id);

  /**
   * Gives up a claim after a failure, so a later attempt can claim the id again. Does nothing when the id is not
   * claimed or already done.
   *
   * @param id the delivery id
   */
  void release(String id);
}
