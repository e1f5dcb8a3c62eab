package dev.hookline.testkit;

import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.core.idempotency.InMemoryIdempotencyStore;
import java.time.Clock;

/** The in-memory store keeps the contract within one process: every holder is the same instance, on one clock. */
class InMemoryIdempotencyStoreConformanceTest extends IdempotencyStoreContract {

  private InMemoryIdempotencyStore store;

  @Override
  protected IdempotencyStore holder(Clock clock) {
    if (store == null) {
      store = InMemoryIdempotencyStore.builder().clock(clock).retention(RETENTION).build();
    }
    return store;
  }

  @Override
  protected boolean holdersHaveOwnClocks() {
    return false;
  }
}
