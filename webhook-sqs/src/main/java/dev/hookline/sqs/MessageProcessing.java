package dev.hookline.sqs;

import dev.hookline.core.Attempt;
import dev.hookline.core.Webhook;
import dev.hookline.core.retry.Decision;
import dev.hookline.core.retry.WebhookProcessor;
import java.util.Map;

/**
 * The two steps the runner takes for each message: decode the envelope, then decide. Normally the envelope codec
 * and a {@link WebhookProcessor}; a seam so the runner's SQS mechanics can be tested on their own.
 */
interface MessageProcessing {

  /**
   * Decodes a message.
   *
   * @param body the message body
   * @param attributes the message's string attributes
   * @return the webhook
   * @throws RuntimeException when the message cannot be decoded (a poison message)
   */
  Webhook decode(String body, Map<String, String> attributes);

  /**
   * Decides for a decoded webhook; never throws.
   *
   * @param webhook the webhook
   * @param attempt the attempt
   * @return the decision
   */
  Decision process(Webhook webhook, Attempt attempt);

  /**
   * Decides for a message that could not be decoded; never throws.
   *
   * @param error the decode failure
   * @param attempt the attempt
   * @return the decision, a dead letter
   */
  Decision poison(Throwable error, Attempt attempt);
}
