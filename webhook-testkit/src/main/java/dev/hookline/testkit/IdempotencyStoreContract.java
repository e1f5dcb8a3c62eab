package dev.hookline.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.core.idempotency.Claim;
import dev.hookline.core.idempotency.IdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite every {@link IdempotencyStore} runs: extend it, build stores with {@link #RETENTION}, and
 * let {@link #holder(Clock)} return a store that shares its records with every other holder made in the same test
 * (one table per test), as separate consumers of a fleet do.
 *
 * <p>What it checks: claim, complete and release; the expiry of a dead holder's claim; exactly one winner in each
 * of {@value #RACES} races of {@value #RACERS} threads; a clock skew of ±{@value #SKEW_SECONDS} s between holders;
 * a complete (or release) by a holder whose expired claim another holder has since taken is refused; a completed
 * id is remembered for the retention and no longer, whatever the store's lazy clean-up does.
 *
 * <pre>{@code
 * class MyStoreConformanceTest extends IdempotencyStoreContract {
 *   @Override protected IdempotencyStore holder(Clock clock) {
 *     return MyStore.builder().table(tableOfThisTest).clock(clock).retention(RETENTION).build();
 *   }
 * }
 * }</pre>
 *
 * <p>Time is a {@link MutableClock} starting at {@link #T0}; skewed holders read it through
 * {@link Clock#offset(Clock, Duration)}.
 */
public abstract class IdempotencyStoreContract {

  /** The retention every store under test must be built with. */
  protected static final Duration RETENTION = Duration.ofHours(1);

  /** Where the test clock starts. */
  protected static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  /** Races run by {@link #exactlyOneOfEightRacingHoldersWinsEachOfAThousandRaces()}. */
  protected static final int RACES = 1_000;

  /** Threads in each race. */
  protected static final int RACERS = 8;

  /** How far a skewed holder's clock is ahead or behind. */
  protected static final int SKEW_SECONDS = 2;

  private static final Duration TTL = Duration.ofSeconds(30);

  /** The test's clock; holders read it directly or through an offset. */
  protected final MutableClock clock = new MutableClock(T0);

  /** Creates the suite. */
  protected IdempotencyStoreContract() {}

  /**
   * Returns a store for one more holder (one consumer of a fleet) that reads time from {@code clock} and shares its
   * records with every holder made earlier in the same test.
   *
   * @param clock the holder's clock
   * @return the store
   */
  protected abstract IdempotencyStore holder(Clock clock);

  /**
   * Whether holders can have clocks of their own. A store kept in one process's memory has one clock for everyone,
   * so the skew test does not apply to it.
   *
   * @return true for stores shared between processes
   */
  protected boolean holdersHaveOwnClocks() {
    return true;
  }

  private static Claim.Acquired acquired(Claim claim) {
    return assertInstanceOf(Claim.Acquired.class, claim, "expected the claim to be acquired");
  }

  private static void assertInProgress(Claim claim, Duration remaining) {
    assertEquals(new Claim.InProgress(claim.id(), remaining), claim);
  }

  @Test
  public void claimCompleteRelease() {
    IdempotencyStore a = holder(clock);
    IdempotencyStore b = holder(clock);

    Claim.Acquired first = acquired(a.claim("d-1", TTL));
    assertEquals("d-1", first.id());
    assertEquals(T0.plus(TTL), first.expiresAt());
    assertInProgress(b.claim("d-1", TTL), TTL);

    assertTrue(a.release(first), "the holder releases its claim");
    assertFalse(a.release(first), "a released claim is gone");
    Claim.Acquired second = acquired(b.claim("d-1", TTL));
    assertNotEquals(first.holder(), second.holder(), "each claim has its own holder token");
    assertFalse(a.complete(first), "the first holder's claim was released; it cannot complete the second's");
    assertInProgress(a.claim("d-1", TTL), TTL);

    assertTrue(b.complete(second));
    assertTrue(b.complete(second), "completing again is harmless");
    assertEquals(new Claim.Done("d-1"), a.claim("d-1", TTL));
    assertFalse(b.release(second), "a completed id stays completed");
    assertEquals(new Claim.Done("d-1"), b.claim("d-1", TTL));

    acquired(a.claim("d-2", TTL)); // ids are independent
  }

  @Test
  public void aDeadHoldersClaimExpiresAfterItsTtl() {
    IdempotencyStore dead = holder(clock);
    IdempotencyStore next = holder(clock);
    acquired(dead.claim("d-1", TTL)); // and then the holder dies: never completes nor releases

    clock.advance(TTL.minusSeconds(1));
    assertInProgress(next.claim("d-1", TTL), Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    Claim.Acquired taken = acquired(next.claim("d-1", TTL));
    assertEquals(clock.instant().plus(TTL), taken.expiresAt());
    assertTrue(next.complete(taken));
    assertEquals(new Claim.Done("d-1"), dead.claim("d-1", TTL));
  }

  @Test
  public void aHolderWhoseExpiredClaimWasTakenCannotCompleteOrReleaseIt() {
    IdempotencyStore slow = holder(clock);
    IdempotencyStore other = holder(clock);
    IdempotencyStore observer = holder(clock);
    Claim.Acquired late = acquired(slow.claim("d-1", TTL));
    clock.advance(TTL.plusSeconds(1));
    Claim.Acquired taken = acquired(other.claim("d-1", TTL));

    assertFalse(slow.complete(late), "the complete of the lapsed claim is refused");
    assertInProgress(observer.claim("d-1", TTL), TTL);
    assertFalse(slow.release(late), "the release of the lapsed claim is refused");
    assertInProgress(observer.claim("d-1", TTL), TTL);

    assertTrue(other.complete(taken));
    assertEquals(new Claim.Done("d-1"), observer.claim("d-1", TTL));
    assertFalse(slow.complete(late), "still refused once the id is done");
  }

  @Test
  public void anExpiredClaimNobodyTookCanStillBeCompletedByItsHolder() {
    IdempotencyStore slow = holder(clock);
    Claim.Acquired late = acquired(slow.claim("d-1", TTL));
    clock.advance(TTL.plusSeconds(5));
    assertTrue(slow.complete(late));
    assertEquals(new Claim.Done("d-1"), holder(clock).claim("d-1", TTL));
  }

  @Test
  public void aCompletedIdIsRememberedForTheRetentionAndNoLonger() {
    IdempotencyStore a = holder(clock);
    IdempotencyStore b = holder(clock);
    assertTrue(a.complete(acquired(a.claim("d-1", TTL))));

    clock.advance(RETENTION.minusSeconds(1));
    assertEquals(new Claim.Done("d-1"), b.claim("d-1", TTL));
    clock.advance(Duration.ofSeconds(1));
    // Expired records may still be stored (DynamoDB's TTL deletion is lazy); the store must not count them.
    Claim.Acquired again = acquired(b.claim("d-1", TTL));
    assertTrue(b.complete(again));
    assertEquals(new Claim.Done("d-1"), a.claim("d-1", TTL));
  }

  @Test
  public void holdersWithClocksTwoSecondsApartSeeAClaimLapseLaterOrEarlierByTheSkewOnly() {
    Assumptions.assumeTrue(holdersHaveOwnClocks(), "one process, one clock: no skew between holders");
    Duration skew = Duration.ofSeconds(SKEW_SECONDS);
    IdempotencyStore ahead = holder(Clock.offset(clock, skew));
    IdempotencyStore behind = holder(Clock.offset(clock, skew.negated()));
    Duration apart = skew.multipliedBy(2);

    // A claim made by the fast clock lasts ttl + 4 s for the slow one: it sees the whole ttl and more.
    acquired(ahead.claim("fast", TTL));
    assertInProgress(behind.claim("fast", TTL), TTL.plus(apart));
    clock.advance(TTL.plus(apart).minusSeconds(1));
    assertInProgress(behind.claim("fast", TTL), Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    acquired(behind.claim("fast", TTL));

    // A claim made by the slow clock lapses ttl - 4 s later for the fast one, and never earlier...
    clock.set(T0.plus(Duration.ofHours(2)));
    Claim.Acquired slowClaim = acquired(behind.claim("slow", TTL));
    assertInProgress(ahead.claim("slow", TTL), TTL.minus(apart));
    clock.advance(TTL.minus(apart).minusSeconds(1));
    assertInProgress(ahead.claim("slow", TTL), Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    Claim.Acquired fastClaim = acquired(ahead.claim("slow", TTL));
    // ...and then the slow holder, still inside its own ttl, can no longer settle it.
    assertFalse(behind.complete(slowClaim));
    assertFalse(behind.release(slowClaim));
    assertTrue(ahead.complete(fastClaim));

    // A completion is remembered for the retention give or take the same skew.
    clock.set(T0.plus(Duration.ofHours(4)));
    assertTrue(ahead.complete(acquired(ahead.claim("done", TTL))));
    clock.advance(RETENTION.plus(apart).minusSeconds(1));
    assertEquals(new Claim.Done("done"), behind.claim("done", TTL));
    clock.advance(Duration.ofSeconds(1));
    acquired(behind.claim("done", TTL));
  }

  @Test
  // Progress is bounded per race (the barrier's 60 s); the whole may take long on a loaded machine.
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  public void exactlyOneOfEightRacingHoldersWinsEachOfAThousandRaces() throws Exception {
    List<IdempotencyStore> holders = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      holders.add(holder(clock));
    }
    CyclicBarrier start = new CyclicBarrier(RACERS);
    AtomicInteger[] winners = new AtomicInteger[RACES];
    AtomicInteger[] inProgress = new AtomicInteger[RACES];
    for (int r = 0; r < RACES; r++) {
      winners[r] = new AtomicInteger();
      inProgress[r] = new AtomicInteger();
    }
    ExecutorService pool = Executors.newFixedThreadPool(RACERS);
    try {
      List<Future<?>> racers = new ArrayList<>();
      for (IdempotencyStore store : holders) {
        racers.add(
            pool.submit(
                () -> {
                  for (int r = 0; r < RACES; r++) {
                    start.await(60, TimeUnit.SECONDS); // every racer claims race r at the same moment
                    Claim claim = store.claim("race-" + r, TTL);
                    (claim.isAcquired() ? winners[r] : claim.isInProgress() ? inProgress[r] : new AtomicInteger())
                        .incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> f : racers) {
        f.get(10, TimeUnit.MINUTES); // a bound, not an expectation: each race waits on the barrier's own deadline
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
    for (int r = 0; r < RACES; r++) {
      assertEquals(1, winners[r].get(), "winners of race " + r);
      assertEquals(RACERS - 1, inProgress[r].get(), "losers of race " + r + " see the claim in progress");
    }
  }
}
