package dev.hookline.core.envelope;

import dev.hookline.core.Webhook;
import java.util.Map;

/**
 * Encodes a {@link Webhook} as the JSON envelope that goes on the queue, and decodes it back.
 *
 * <p>CONTRACT STUB: filled in by the processing-path work. Signatures here are the agreed API.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class EnvelopeCodec {

  /** SQS allows at most this many message attributes per message. */
  public static final int MAX_ATTRIBUTES = 10;

  /** Message attribute carrying the delivery id. */
  public static final String ATTR_DELIVERY_ID = "hookline-delivery-id";

  /** Message attribute carrying the source name. */
  public static final String ATTR_SOURCE = "hookline-source";

  /** Message attribute carrying the envelope version. */
  public static final String ATTR_VERSION = "hookline-envelope-version";

  private EnvelopeCodec() {}

  /**
   * Returns the codec with default settings.
   *
   * @return the default codec
   */
  public static EnvelopeCodec defaults() {
    return new EnvelopeCodec();
  }

  /**
   * Encodes a webhook.
   *
   * @param webhook the webhook
   * @return the message body and attributes
   */
  public EncodedEnvelope encode(Webhook webhook) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Decodes a queue message: our envelope, or the form an API Gateway direct integration writes.
   *
   * @param messageBody the message body
   * @param attributes the message's string attributes
   * @return the webhook
   * @throws EnvelopeException when the message cannot be decoded (a poison message)
   */
  public Webhook decode(String messageBody, Map<String, String> attributes) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
