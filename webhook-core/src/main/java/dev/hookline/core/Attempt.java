package dev.hookline.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Which attempt at handling a message this is.
 *
 * <p>Thread-safety: immutable and thread-safe.
 *
 * @param number the attempt number, from 1 (on SQS: {@code ApproximateReceiveCount})
 * @param firstReceivedAt when the message was first received from the queue (on SQS:
 *     {@code ApproximateFirstReceiveTimestamp}); retry delays are bounded from it
 */
public record Attempt(int number, Instant firstReceivedAt) {

  /**
   * Validates the components.
   *
   * @param number the attempt number
   * @param firstReceivedAt the first receipt time
   */
  public Attempt {
    if (number < 1) {
      throw new IllegalArgumentException("number must be >= 1, was " + number);
    }
    Objects.requireNonNull(firstReceivedAt, "firstReceivedAt");
  }

  /** {@return whether this is the first attempt} */
  public boolean isFirst() {
    return number == 1;
  }
}
