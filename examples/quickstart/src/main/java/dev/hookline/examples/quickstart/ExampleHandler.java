package dev.hookline.examples.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.Attempt;
import dev.hookline.core.PermanentFailureException;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quick start's handler: logs each webhook. A JSON body's {@code type} can ask it to misbehave, so that retries
 * and the dead-letter queue can be seen at work:
 *
 * <ul>
 *   <li>{@value #FLAKY}: fails its first {@value #FLAKY_FAILURES} attempts (a downstream outage), then succeeds;
 *   <li>{@value #BROKEN}: always fails, so it is retried until the retry policy gives up and then dead-lettered;
 *   <li>{@value #INVALID}: throws {@link PermanentFailureException}, so it is dead-lettered at once;
 *   <li>anything else: handled.
 * </ul>
 *
 * <p>Thread-safety: stateless and thread-safe, as handlers must be.
 */
final class ExampleHandler implements WebhookHandler {

  private static final Logger log = LoggerFactory.getLogger(ExampleHandler.class);

  static final String OK = "demo.ok";
  static final String FLAKY = "demo.flaky";
  static final String BROKEN = "demo.broken";
  static final String INVALID = "demo.invalid";
  static final int FLAKY_FAILURES = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void handle(Webhook webhook, Attempt attempt) {
    String type = type(webhook.body());
    switch (type) {
      case FLAKY:
        if (attempt.number() <= FLAKY_FAILURES) {
          throw new IllegalStateException("downstream unavailable (simulated), attempt " + attempt.number());
        }
        break;
      case BROKEN:
        throw new IllegalStateException("downstream rejects this order (simulated)");
      case INVALID:
        throw new PermanentFailureException("order has no id (simulated); retrying cannot help");
      default:
        break;
    }
    log.info(
        "Handled webhook. source={} deliveryId={} type={} attempt={} bytes={}",
        webhook.source(),
        webhook.deliveryId(),
        type,
        attempt.number(),
        webhook.bodyLength());
  }

  /** Returns the body's top-level {@code type}, or {@code -} when it is not a JSON object with one. */
  static String type(byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode type = node == null ? null : node.get("type");
      return type != null && type.isTextual() ? type.textValue() : "-";
    } catch (IOException e) {
      return "-";
    }
  }
}
