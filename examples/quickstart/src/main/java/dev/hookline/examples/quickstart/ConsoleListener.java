package dev.hookline.examples.quickstart;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.RejectReason;
import dev.hookline.core.Webhook;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the quick start's pipeline visible on the console: accepted, rejected, skipped and retried webhooks. (The
 * handler logs what it handled; the consumer logs dead letters at WARN.) A real service sends these events to its
 * metrics instead.
 */
final class ConsoleListener implements PipelineListener {

  private static final Logger log = LoggerFactory.getLogger(ConsoleListener.class);

  @Override
  public void onAccepted(Webhook webhook, Duration sinkLatency) {
    log.info(
        "Accepted and enqueued. source={} deliveryId={} enqueueMs={}",
        webhook.source(),
        webhook.deliveryId(),
        sinkLatency.toMillis());
  }

  @Override
  public void onRejected(String source, RejectReason reason) {
    log.info("Rejected. source={} status={} reason={}", source, reason.status(), reason.code());
  }

  @Override
  public void onDuplicate(Webhook webhook) {
    log.info(
        "Skipped a duplicate of a handled delivery. source={} deliveryId={}", webhook.source(), webhook.deliveryId());
  }

  @Override
  public void onRetryScheduled(Webhook webhook, int attempt, Duration delay) {
    log.info(
        "Attempt failed; retrying. source={} deliveryId={} attempt={} retryInMs={}",
        webhook.source(),
        webhook.deliveryId(),
        attempt,
        delay.toMillis());
  }
}
