package dev.hookline.examples.lambda;

import dev.hookline.core.Attempt;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example's webhook handler, named by the batch function's {@code HOOKLINE_HANDLER} variable: logs each webhook.
 * Yours does the work; throw to retry with backoff, or throw {@link dev.hookline.core.PermanentFailureException} to
 * dead-letter at once.
 *
 * <p>Needs a public no-argument constructor; built once per execution environment. Thread-safety: stateless.
 */
public final class LoggingHandler implements WebhookHandler {

  private static final Logger log = LoggerFactory.getLogger(LoggingHandler.class);

  /** Creates the handler. */
  public LoggingHandler() {}

  @Override
  public void handle(Webhook webhook, Attempt attempt) {
    log.info(
        "Handled webhook. source={} deliveryId={} attempt={} bytes={} verification={}",
        webhook.source(),
        webhook.deliveryId(),
        attempt.number(),
        webhook.bodyLength(),
        webhook.verification());
  }
}
