package dev.hookline.core.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link IdempotencyStore} in this process's memory: enough for one consumer, or a fleet where an occasional
 * duplicate across instances is acceptable.
 *
 * <p>Bounded: at most {@code maxEntries} ids (default 100,000); when full, the oldest claim or completion is evicted
 * (a duplicate of an evicted id is handled again). Completed ids are remembered for {@code retention} (default 24
 * hours); in-progress claims expire after the {@code ttl} given to {@link #claim}. Time comes from the injected
 * {@link Clock} (default {@link Clock#systemUTC()}). Each claim gets its own holder token, so a holder whose claim
 * expired and was taken by another attempt cannot complete or release the new claim.
 *
 * <p>Thread-safety: thread-safe; every operation runs under one lock and does no I/O.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

  /** Default maximum number of ids remembered. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  /** Default time a completed id is remembered. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

  private final int maxEntries;
  private final Duration retention;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();

  /** Insertion order is age order: a re-claimed or completed id is moved to the end. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  private InMemoryIdempotencyStore(Builder b) {
    this.maxEntries = b.maxEntries;
    this.retention = b.retention;
    this.clock = b.clock;
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Claim claim(String id, Duration ttl) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    lock.lock();
    try {
      Instant now = clock.instant();
      Entry existing = entries.get(id);
      if (existing != null && now.isBefore(existing.expiresAt)) {
        return existing.done
            ? new Claim.Done(id)
            : new Claim.InProgress(id, Duration.between(now, existing.expiresAt));
      }
      Claim.Acquired claim = new Claim.Acquired(id, UUID.randomUUID().toString(), now.plus(ttl));
      entries.remove(id);
      entries.put(id, new Entry(false, claim.holder(), claim.expiresAt()));
      evict(now);
      return claim;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean complete(Claim.Acquired claim) {
    Objects.requireNonNull(claim, "claim");
    lock.lock();
    try {
      Entry existing = entries.get(claim.id());
      if (existing == null || !existing.holder.equals(claim.holder())) {
        return false;
      }
      if (existing.done) {
        return true; // completed already by this holder
      }
      Instant now = clock.instant();
      entries.remove(claim.id());
      entries.put(claim.id(), new Entry(true, claim.holder(), now.plus(retention)));
      evict(now);
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean release(Claim.Acquired claim) {
    Objects.requireNonNull(claim, "claim");
    lock.lock();
    try {
      Entry existing = entries.get(claim.id());
      if (existing == null || existing.done || !existing.holder.equals(claim.holder())) {
        return false;
      }
      entries.remove(claim.id());
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the number of ids currently remembered, expired ones included until they are evicted.
   *
   * @return the number of entries
   */
  public int size() {
    lock.lock();
    try {
      return entries.size();
    } finally {
      lock.unlock();
    }
  }

  /** Drops the oldest entries while over the bound; also drops expired entries met at the old end. */
  private void evict(Instant now) {
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Entry oldest = it.next().getValue();
      if (entries.size() > maxEntries || !now.isBefore(oldest.expiresAt)) {
        it.remove();
      } else {
        break;
      }
    }
  }

  @Override
  public String toString() {
    return "InMemoryIdempotencyStore{maxEntries=" + maxEntries + ", retention=" + retention + ", size=" + size() + '}';
  }

  private static final class Entry {
    final boolean done;
    final String holder;
    final Instant expiresAt;

    Entry(boolean done, String holder, Instant expiresAt) {
      this.done = done;
      this.holder = holder;
      this.expiresAt = expiresAt;
    }
  }

  /** Builds an {@link InMemoryIdempotencyStore}. Not thread-safe; setters only record and {@link #build()} validates. */
  public static final class Builder {
    private int maxEntries = DEFAULT_MAX_ENTRIES;
    private Duration retention = DEFAULT_RETENTION;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the most ids remembered; beyond it the oldest are evicted. Default 100,000.
     *
     * @param maxEntries at least 1
     * @return this builder
     */
    public Builder maxEntries(int maxEntries) {
      this.maxEntries = maxEntries;
      return this;
    }

    /**
     * Sets how long a completed id is remembered. Default 24 hours; set it at least to how long the sender keeps
     * redelivering plus your queue's retention.
     *
     * @param retention positive
     * @return this builder
     */
    public Builder retention(Duration retention) {
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /**
     * Sets the clock for expiry. Default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Returns the store.
     *
     * @return the store
     * @throws IllegalArgumentException naming the invalid field
     */
    public InMemoryIdempotencyStore build() {
      if (maxEntries < 1) {
        throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
      }
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be positive, was " + retention);
      }
      return new InMemoryIdempotencyStore(this);
    }
  }
}
