package dev.hookline.sqs.internal;

import dev.hookline.core.envelope.SqsLimits;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A request to change one message's visibility timeout.
 *
 * @param message the received message (its id and receipt handle are used)
 * @param timeoutSeconds the new timeout from now, 0 to 43,200
 */
public record VisibilityChange(Message message, int timeoutSeconds) {

  /**
   * Validates the components.
   *
   * @param message the message
   * @param timeoutSeconds the timeout
   */
  public VisibilityChange {
    Objects.requireNonNull(message, "message");
    if (timeoutSeconds < 0 || timeoutSeconds > SqsLimits.MAX_VISIBILITY_SECONDS) {
      throw new IllegalArgumentException(
          "timeoutSeconds must be in [0, " + SqsLimits.MAX_VISIBILITY_SECONDS + "], was " + timeoutSeconds);
    }
  }
}
