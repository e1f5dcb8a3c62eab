package dev.hookline.sqs;

import dev.hookline.core.Attempt;
import dev.hookline.core.PermanentFailureException;
import dev.hookline.core.RetryLaterException;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.envelope.EnvelopeException;
import dev.hookline.core.retry.Decision;
import dev.hookline.core.retry.FailureReport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test stand-in for the envelope codec and the processor: encodes a webhook as {@code webhook:<id>} with a source
 * attribute, retries failures after a fixed delay up to a maximum of attempts, dead-letters permanent failures and
 * poison messages, and skips ids it has completed (like an in-memory idempotency store).
 */
final class TestPipeline implements MessageProcessing {

  static final String PREFIX = "webhook:";

  private final WebhookHandler handler;
  private final Duration retryDelay;
  private final int maxAttempts;
  private final Clock clock;
  private final Set<String> completed = ConcurrentHashMap.newKeySet();
  final AtomicInteger poisonCalls = new AtomicInteger();
  final AtomicInteger duplicates = new AtomicInteger();
  final AtomicInteger deadLettered = new AtomicInteger();

  TestPipeline(WebhookHandler handler, Duration retryDelay, int maxAttempts) {
    this.handler = handler;
    this.retryDelay = retryDelay;
    this.maxAttempts = maxAttempts;
    this.clock = Clock.systemUTC();
  }

  /** Returns the message body and attributes for a delivery id. */
  static Map<String, String> attributes(String source, String deliveryId) {
    return Map.of(EnvelopeCodec.ATTR_SOURCE, source, EnvelopeCodec.ATTR_DELIVERY_ID, deliveryId);
  }

  static String body(String deliveryId) {
    return PREFIX + deliveryId;
  }

  @Override
  public Webhook decode(String body, Map<String, String> attributes) {
    if (!body.startsWith(PREFIX)) {
      throw new EnvelopeException("not an envelope", null);
    }
    return Webhook.builder()
        .deliveryId(body.substring(PREFIX.length()))
        .source(attributes.getOrDefault(EnvelopeCodec.ATTR_SOURCE, "test"))
        .receivedAt(Instant.EPOCH)
        .body(body.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  @Override
  public Decision process(Webhook webhook, Attempt attempt) {
    if (completed.contains(webhook.deliveryId())) {
      duplicates.incrementAndGet();
      return new Decision.Ack(true);
    }
    try {
      handler.handle(webhook, attempt);
      completed.add(webhook.deliveryId());
      return new Decision.Ack(false);
    } catch (PermanentFailureException e) {
      return dead("permanent_failure", e, attempt);
    } catch (RetryLaterException e) {
      return new Decision.Retry(e.after(), report("handler_failed", e, attempt));
    } catch (Exception e) {
      if (attempt.number() >= maxAttempts) {
        return dead("attempts_exhausted", e, attempt);
      }
      return new Decision.Retry(retryDelay, report("handler_failed", e, attempt));
    }
  }

  @Override
  public Decision poison(Throwable error, Attempt attempt) {
    poisonCalls.incrementAndGet();
    return dead("poison_message", error, attempt);
  }

  private Decision dead(String reason, Throwable e, Attempt attempt) {
    deadLettered.incrementAndGet();
    return new Decision.DeadLetter(report(reason, e, attempt));
  }

  private FailureReport report(String reason, Throwable e, Attempt attempt) {
    return new FailureReport(
        reason,
        e.getClass().getName(),
        String.valueOf(e.getMessage()),
        attempt.number(),
        attempt.firstReceivedAt(),
        clock.instant());
  }
}
