package dev.hookline.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that stands still until a test moves it. For a second holder whose clock runs ahead or behind, use
 * {@link Clock#offset(Clock, Duration)} on it: the offset clock moves with this one.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class MutableClock extends Clock {

  private final AtomicReference<Instant> now;

  /**
   * Creates a clock that reads {@code start} until moved.
   *
   * @param start the first instant
   */
  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
  }

  /**
   * Moves the clock forward (or back, for a negative duration).
   *
   * @param by how far
   */
  public void advance(Duration by) {
    Objects.requireNonNull(by, "by");
    now.updateAndGet(t -> t.plus(by));
  }

  /**
   * Sets the clock.
   *
   * @param instant the new instant
   */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("fixed to UTC");
  }

  @Override
  public String toString() {
    return "MutableClock{" + now.get() + '}';
  }
}
