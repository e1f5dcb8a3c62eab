package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.time.Instant;
import java.util.Objects;

/**
 * Base of the built-in verifiers whose scheme can sign a timestamp: a request is verified against the clock as it
 * arrives ({@link #verify}), or against the time it reached the edge when it is verified after queueing ({@link
 * #verifyAsOf}). Subclasses implement one check with the reference time as a parameter.
 */
abstract class TimestampedVerifier implements SignatureVerifier {

  /** The replay window, measured from the reference time. */
  final TimestampWindow window;

  TimestampedVerifier(TimestampWindow window) {
    this.window = Objects.requireNonNull(window, "window");
  }

  @Override
  public final void verify(WebhookHeaders headers, byte[] body) {
    verifyAt(headers, body, window.nowMillis());
  }

  /**
   * {@inheritDoc}
   *
   * <p>The signed timestamp is checked against {@code receivedAt} instead of the clock.
   */
  @Override
  public final void verifyAsOf(WebhookHeaders headers, byte[] body, Instant receivedAt) {
    verifyAt(headers, body, Objects.requireNonNull(receivedAt, "receivedAt").toEpochMilli());
  }

  /**
   * Verifies the request, checking a signed timestamp against the given reference time.
   *
   * @param headers the request headers
   * @param body the raw body bytes
   * @param receivedAtMillis the reference time, epoch milliseconds
   * @throws SignatureVerificationException when any check fails
   */
  abstract void verifyAt(WebhookHeaders headers, byte[] body, long receivedAtMillis);
}
