package dev.hookline.core.envelope;

import java.util.Map;
import java.util.Objects;

/**
 * A webhook encoded for the queue: the message body (the JSON envelope) and the string message attributes to send
 * with it.
 *
 * <p>Thread-safety: immutable.
 *
 * @param body the message body: the JSON envelope
 * @param attributes the message attributes (name → string value), at most {@link SqsLimits#MAX_MESSAGE_ATTRIBUTES}
 */
public record EncodedEnvelope(String body, Map<String, String> attributes) {

  /**
   * Validates and copies the components.
   *
   * @param body the body
   * @param attributes the attributes
   */
  public EncodedEnvelope {
    Objects.requireNonNull(body, "body");
    attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
  }

  /**
   * Returns the size SQS counts against its message size limit: the UTF-8 body plus, for each attribute, its name,
   * its data type ({@code String}) and its value.
   *
   * @return the size in bytes
   */
  public int encodedSize() {
    return SqsLimits.messageSize(body, attributes);
  }
}
