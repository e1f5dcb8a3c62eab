package dev.hookline.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.retry.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryIdempotencyStoreTest {

  private static final Duration TTL = Duration.ofMinutes(5);
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryIdempotencyStore store =
      InMemoryIdempotencyStore.builder().clock(clock).retention(Duration.ofHours(1)).maxEntries(3).build();

  private Claim.Acquired acquire(String id) {
    Claim claim = store.claim(id, TTL);
    assertThat(claim.isAcquired()).as("claim of %s", id).isTrue();
    return (Claim.Acquired) claim;
  }

  @Test
  void claimCompleteRelease() {
    Claim.Acquired first = acquire("a");
    assertThat(store.claim("a", TTL)).isEqualTo(new Claim.InProgress("a", TTL));
    assertThat(store.release(first)).isTrue();
    Claim.Acquired second = acquire("a");
    assertThat(second.holder()).isNotEqualTo(first.holder());
    assertThat(store.complete(second)).isTrue();
    assertThat(store.claim("a", TTL)).isEqualTo(new Claim.Done("a"));
    assertThat(store.release(second)).isFalse(); // a completed id stays completed
    assertThat(store.claim("a", TTL)).isEqualTo(new Claim.Done("a"));
  }

  @Test
  void claimsExpireAfterTheirTtlAndCompletionsAfterRetention() {
    acquire("a");
    clock.advance(TTL.minusSeconds(1));
    assertThat(store.claim("a", TTL)).isEqualTo(new Claim.InProgress("a", Duration.ofSeconds(1)));
    clock.advance(Duration.ofSeconds(1));
    store.complete(acquire("a"));
    clock.advance(Duration.ofMinutes(59));
    assertThat(store.claim("a", TTL).isDone()).isTrue();
    clock.advance(Duration.ofMinutes(1));
    acquire("a");
  }

  @Test
  void boundedEvictingOldest() {
    store.complete(acquire("a"));
    acquire("b");
    acquire("c");
    acquire("d");
    assertThat(store.size()).isEqualTo(3);
    acquire("a"); // evicted, so handled again
    assertThat(store.claim("c", TTL).isInProgress()).isTrue();
    assertThat(store.claim("d", TTL).isInProgress()).isTrue();
    assertThat(store.size()).isEqualTo(3);
  }

  @Test
  void expiredEntriesAtTheOldEndAreDropped() {
    store.claim("a", Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    store.claim("b", TTL);
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void exactlyOneOf32RacingThreadsWinsEachId() throws Exception {
    InMemoryIdempotencyStore shared = InMemoryIdempotencyStore.builder().clock(clock).build();
    int threads = 32;
    int ids = 200;
    ConcurrentHashMap<String, AtomicInteger> winners = new ConcurrentHashMap<>();
    AtomicInteger handled = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < ids; i++) {
                    String id = "id-" + i;
                    Claim claim = shared.claim(id, TTL);
                    if (claim.isAcquired()) {
                      winners.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                      handled.incrementAndGet();
                      shared.complete((Claim.Acquired) claim);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS); // deadline-bounded
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(handled.get()).isEqualTo(ids);
    assertThat(winners).hasSize(ids);
    winners.values().forEach(count -> assertThat(count.get()).isEqualTo(1));
  }

  @Test
  void validationNamesTheField() {
    assertThatThrownBy(() -> InMemoryIdempotencyStore.builder().maxEntries(0).build())
        .hasMessageStartingWith("maxEntries");
    assertThatThrownBy(() -> InMemoryIdempotencyStore.builder().retention(Duration.ZERO).build())
        .hasMessageStartingWith("retention");
    assertThatThrownBy(() -> store.claim("a", Duration.ZERO)).hasMessageStartingWith("ttl");
  }
}
