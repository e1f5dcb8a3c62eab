package dev.hookline.core.idempotency;

import java.time.Duration;

/**
 * Remembers which delivery ids are being handled or are done, so a redelivered message is not handled twice.
 *
 * <p>The processor calls {@link #claim} before the handler; on {@link Claim.Acquired} it runs the handler and then
 * calls {@link #complete} (success) or {@link #release} (failure, so the retry can claim again) with the claim it
 * got. Keys are delivery ids.
 *
 * <p>The contract every store keeps (the test kit's conformance suite checks it):
 *
 * <ul>
 *   <li>{@code claim} is atomic: of any number of concurrent claims of an id that nobody holds, exactly one gets
 *       {@link Claim.Acquired}.
 *   <li>A claim lasts {@code ttl} from the claiming store's clock unless completed or released; after that the id can
 *       be claimed again (a holder that died).
 *   <li>Only the holder settles a claim: {@code complete} and {@code release} with a claim whose id another holder
 *       has since taken are refused ({@code false}) and change nothing.
 *   <li>A completed id answers {@link Claim.Done} for the store's retention, then can be claimed again.
 * </ul>
 *
 * <p>Expiry instants come from each store's own clock. Consumers whose clocks disagree by {@code s} see a claim
 * lapse up to {@code s} early or late, so set the claim ttl above the longest handler run plus the worst skew.
 *
 * <p>{@link InMemoryIdempotencyStore} covers one process; a fleet of consumers needs a shared store (DynamoDB or a
 * SQL database; see the {@code webhook-idempotency-dynamodb} and {@code webhook-idempotency-jdbc} modules).
 * Implementations must be thread-safe. A store that cannot answer throws an unchecked exception (a
 * {@link dev.hookline.core.HooklineException} whose {@code retryable()} says whether trying later may help); the
 * processor then retries the message later and never runs the handler without a claim.
 */
public interface IdempotencyStore {

  /**
   * Claims an id atomically.
   *
   * @param id the delivery id
   * @param ttl how long the claim holds if it is never completed or released (a consumer that crashed): set it
   *     above the longest time a handler may run
   * @return {@link Claim.Acquired} when the caller now holds the id, else why not
   */
  Claim claim(String id, Duration ttl);

  /**
   * Marks a claimed id as done; later claims return {@link Claim.Done} for the store's retention.
   *
   * @param claim the claim {@link #claim} returned
   * @return true when recorded (also when this holder completed it already); false when refused because the claim
   *     is no longer this holder's (it expired and another holder took the id, or the record is gone)
   */
  boolean complete(Claim.Acquired claim);

  /**
   * Gives up a claim after a failure, so a later attempt can claim the id again.
   *
   * @param claim the claim {@link #claim} returned
   * @return true when released; false when the claim is no longer this holder's or the id is already done (nothing
   *     changes then)
   */
  boolean release(Claim.Acquired claim);
}
