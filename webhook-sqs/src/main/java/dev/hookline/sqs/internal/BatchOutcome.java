package dev.hookline.sqs.internal;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What happened to each entry of a batched delete or visibility change, by SQS message id.
 *
 * @param succeeded ids of the messages SQS applied the change to
 * @param failed ids of the messages it was not applied to, with the error code (for example
 *     {@code ReceiptHandleIsInvalid}) or the exception type when the whole call failed
 */
public record BatchOutcome(Set<String> succeeded, Map<String, String> failed) {

  /**
   * Copies the components.
   *
   * @param succeeded the succeeded ids
   * @param failed the failed ids and codes
   */
  public BatchOutcome {
    succeeded = Set.copyOf(Objects.requireNonNull(succeeded, "succeeded"));
    failed = Map.copyOf(Objects.requireNonNull(failed, "failed"));
  }

  /**
   * Returns whether the change was applied to the message.
   *
   * @param messageId the SQS message id
   * @return true when it succeeded
   */
  public boolean succeeded(String messageId) {
    return succeeded.contains(messageId);
  }
}
