package dev.hookline.core.signature;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Rejects signed timestamps (Unix seconds) further than a tolerance from the clock, in either direction: old ones to
 * stop replays, future ones because a sender's clock should not be trusted to run ahead.
 */
final class TimestampWindow {

  /** Default tolerance of every built-in scheme, as Standard Webhooks, Stripe and Slack recommend. */
  static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  /** Up to 15 digits: beyond year 30 000 000, and small enough that seconds times 1000 cannot overflow a long. */
  private static final int MAX_DIGITS = 15;

  private final Clock clock;
  private final Duration tolerance;
  private final long toleranceMillis;

  private TimestampWindow(Clock clock, Duration tolerance) {
    this.clock = clock;
    this.tolerance = tolerance;
    this.toleranceMillis = saturatedMillis(tolerance);
  }

  /**
   * Validates the builder's settings.
   *
   * @throws IllegalArgumentException starting with {@code tolerance} when it is negative
   */
  static TimestampWindow of(Clock clock, Duration tolerance) {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(tolerance, "tolerance");
    if (tolerance.isNegative()) {
      throw new IllegalArgumentException("tolerance must not be negative, was " + tolerance);
    }
    return new TimestampWindow(clock, tolerance);
  }

  Duration tolerance() {
    return tolerance;
  }

  /** Returns the clock's time in epoch milliseconds: the reference for requests verified as they arrive. */
  long nowMillis() {
    return clock.millis();
  }

  /**
   * Parses the signed timestamp and checks it against a reference time.
   *
   * @param raw the timestamp text, decimal Unix seconds
   * @param what names the timestamp in failure messages, for example the header name
   * @param referenceMillis when the request was received, epoch milliseconds ({@link #nowMillis()} for a request
   *     that is arriving now)
   * @return the parsed seconds
   * @throws SignatureVerificationException when malformed or outside the tolerance
   */
  long check(String raw, String what, long referenceMillis) {
    long seconds = parseSeconds(raw, what);
    long skewMillis = seconds * 1000 - referenceMillis;
    if (skewMillis < -toleranceMillis) {
      throw new SignatureVerificationException(what + " outside tolerance: too old");
    }
    if (skewMillis > toleranceMillis) {
      throw new SignatureVerificationException(what + " outside tolerance: in the future");
    }
    return seconds;
  }

  private static long parseSeconds(String raw, String what) {
    int length = raw.length();
    if (length == 0 || length > MAX_DIGITS) {
      throw new SignatureVerificationException(what + " malformed: expected Unix seconds");
    }
    long value = 0;
    for (int i = 0; i < length; i++) {
      char c = raw.charAt(i);
      if (c < '0' || c > '9') {
        throw new SignatureVerificationException(what + " malformed: expected Unix seconds");
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static long saturatedMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }
}
