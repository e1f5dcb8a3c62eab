package dev.hookline.examples.spring;

import dev.hookline.core.Attempt;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example handler: logs each webhook. Yours would parse {@link Webhook#body()} and do the work; throw to retry.
 *
 * <p>Thread-safety: stateless.
 */
public class LoggingWebhookHandler implements WebhookHandler {

  private static final Logger log = LoggerFactory.getLogger(LoggingWebhookHandler.class);

  /** Creates the handler. */
  public LoggingWebhookHandler() {}

  @Override
  public void handle(Webhook webhook, Attempt attempt) {
    log.info(
        "Handled webhook. source={} deliveryId={} attempt={} bytes={}",
        webhook.source(),
        webhook.deliveryId(),
        attempt.number(),
        webhook.bodyLength());
  }
}
