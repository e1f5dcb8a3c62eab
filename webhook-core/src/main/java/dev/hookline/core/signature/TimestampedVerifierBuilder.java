package dev.hookline.core.signature;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link SecretVerifierBuilder} for schemes that sign a timestamp (Standard Webhooks, Stripe, Slack, and custom HMAC
 * with a timestamp header): adds the tolerance and the clock it is measured with.
 *
 * <p>A request whose signed timestamp (Unix seconds) lies further than the tolerance from the clock, in either
 * direction, is rejected: old ones to stop replays, future ones because a sender's clock should not be trusted to run
 * ahead. {@link #build()} throws an {@link IllegalArgumentException} starting with {@code tolerance} when it is
 * negative.
 *
 * <p>Only the builders in this package extend it. Builders are mutable and not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter so calls chain
 */
public abstract class TimestampedVerifierBuilder<B extends TimestampedVerifierBuilder<B>>
    extends SecretVerifierBuilder<B> {

  private Duration tolerance = TimestampWindow.DEFAULT_TOLERANCE;
  private Clock clock = Clock.systemUTC();

  TimestampedVerifierBuilder() {}

  /**
   * Sets how far the signed timestamp may be from the clock, in either direction. Default 5 minutes, as Standard
   * Webhooks, Stripe and Slack recommend; widen it only for senders with poor clocks.
   *
   * @param tolerance the tolerance, not negative
   * @return this builder
   * @throws NullPointerException when {@code tolerance} is null
   */
  public final B tolerance(Duration tolerance) {
    this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
    return self();
  }

  /**
   * Sets the clock the timestamp is checked against. Default {@link Clock#systemUTC()}; tests pass a fixed or mutable
   * clock. The verifier keeps it; it is never closed or changed.
   *
   * @param clock the clock
   * @return this builder
   * @throws NullPointerException when {@code clock} is null
   */
  public final B clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /**
   * Checks every setting and returns the verifier.
   *
   * @return the immutable verifier
   * @throws IllegalArgumentException starting with the offending field: {@code secrets} when there is none or one is
   *     blank or malformed, {@code tolerance} when it is negative, or a scheme's own field
   */
  @Override
  public abstract SignatureVerifier build();

  /**
   * Returns the checked window.
   *
   * @throws IllegalArgumentException starting with {@code tolerance} when it is negative
   */
  final TimestampWindow window() {
    return TimestampWindow.of(clock, tolerance);
  }
}
