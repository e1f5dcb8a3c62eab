package dev.hookline.sqs.admin;

import java.util.Objects;

/**
 * One queue attribute whose value differs from what {@link QueueProvisioner} expects. Immutable.
 *
 * @param queueName the queue's name
 * @param attribute the SQS attribute name, for example {@code VisibilityTimeout}
 * @param expected the value the provisioner would set
 * @param actual the value the queue has, or an empty string when it has none
 */
public record AttributeDrift(String queueName, String attribute, String expected, String actual) {

  /**
   * Validates the components.
   *
   * @param queueName the queue name
   * @param attribute the attribute
   * @param expected the expected value
   * @param actual the actual value
   */
  public AttributeDrift {
    Objects.requireNonNull(queueName, "queueName");
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(actual, "actual");
  }
}
