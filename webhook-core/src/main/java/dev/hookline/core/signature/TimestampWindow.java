package dev.hookline.core.signature;

import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Rejects signed timestamps further than a tolerance from the clock, in either direction: old ones to stop replays,
 * future ones because a sender's clock should not be trusted to run ahead.
 *
 * <p>A timestamp is parsed first ({@link #parse}, which fails as {@link Check#MALFORMED}) and checked against the
 * window later ({@link #check(long, String, long)}), so that a verifier can check the signature in between: a request
 * whose signature is right but whose timestamp is stale is then reported as {@link Check#TIMESTAMP_TOO_OLD}, and one
 * with a wrong signature as {@link Check#SIGNATURE}, whatever its timestamp.
 */
final class TimestampWindow {

  /** Default tolerance of every built-in scheme, as Standard Webhooks, Stripe and Slack recommend. */
  static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  /** How a sender writes its timestamp. */
  enum Format {
    /** Decimal Unix seconds, for example {@code 1531420618} (most senders). */
    UNIX_SECONDS("Unix seconds"),
    /** Decimal Unix milliseconds, for example {@code 1531420618000} (HubSpot, Linear). */
    UNIX_MILLIS("Unix milliseconds"),
    /** An RFC 3339 date-time with an offset, for example {@code 2023-07-19T10:22:35.524Z} (Twitch, Amazon SNS). */
    RFC_3339("an RFC 3339 time");

    private final String description;

    Format(String description) {
      this.description = description;
    }
  }

  /** Up to 15 digits: beyond year 30 000 000, and small enough that seconds times 1000 cannot overflow a long. */
  private static final int MAX_DIGITS = 15;

  /** Longer than any RFC 3339 time with nanoseconds and an offset. */
  private static final int MAX_RFC_3339_LENGTH = 40;

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

  Clock clock() {
    return clock;
  }

  /** Returns the clock's time in epoch milliseconds: the reference for requests verified as they arrive. */
  long nowMillis() {
    return clock.millis();
  }

  /**
   * Checks a parsed timestamp against a reference time.
   *
   * @param timestampMillis the signed time, epoch milliseconds
   * @param what names the timestamp in failure messages
   * @param referenceMillis when the request was received, epoch milliseconds
   * @throws SignatureVerificationException {@link Check#TIMESTAMP_TOO_OLD} or {@link Check#TIMESTAMP_IN_FUTURE}
   */
  void check(long timestampMillis, String what, long referenceMillis) {
    long skewMillis = timestampMillis - referenceMillis;
    if (skewMillis < -toleranceMillis) {
      throw new SignatureVerificationException(Check.TIMESTAMP_TOO_OLD, what + " outside tolerance: too old");
    }
    if (skewMillis > toleranceMillis) {
      throw new SignatureVerificationException(Check.TIMESTAMP_IN_FUTURE, what + " outside tolerance: in the future");
    }
  }

  /**
   * Parses a timestamp written in a format.
   *
   * @param raw the text as sent
   * @param format how it is written
   * @param what names the timestamp in failure messages
   * @return epoch milliseconds
   * @throws SignatureVerificationException {@link Check#MALFORMED} when it is not in the format
   */
  static long parse(String raw, Format format, String what) {
    if (format == Format.RFC_3339) {
      if (raw.isEmpty() || raw.length() > MAX_RFC_3339_LENGTH) {
        throw malformed(what, format);
      }
      try {
        return OffsetDateTime.parse(raw, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e) {
        throw malformed(what, format);
      }
    }
    int length = raw.length();
    if (length == 0 || length > MAX_DIGITS + (format == Format.UNIX_MILLIS ? 3 : 0)) {
      throw malformed(what, format);
    }
    long value = 0;
    for (int i = 0; i < length; i++) {
      char c = raw.charAt(i);
      if (c < '0' || c > '9') {
        throw malformed(what, format);
      }
      value = value * 10 + (c - '0');
    }
    return format == Format.UNIX_SECONDS ? value * 1000 : value;
  }

  private static SignatureVerificationException malformed(String what, Format format) {
    return new SignatureVerificationException(Check.MALFORMED, what + " malformed: expected " + format.description);
  }

  private static long saturatedMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }
}
