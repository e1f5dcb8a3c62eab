package dev.hookline.sqs;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.core.idempotency.InMemoryIdempotencyStore;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Webhooks, envelopes and processors for the runner's tests: the real codec and processor, small retry delays. */
final class TestWebhooks {

  static final String SOURCE = "test";
  private static final Instant RECEIVED_AT = Instant.parse("2026-01-01T00:00:00Z");
  private static final EnvelopeCodec CODEC = EnvelopeCodec.defaults();

  private TestWebhooks() {}

  static Webhook webhook(String deliveryId) {
    return Webhook.builder()
        .deliveryId(deliveryId)
        .source(SOURCE)
        .receivedAt(RECEIVED_AT)
        .contentType("application/json")
        .body(("{\"id\":\"" + deliveryId + "\"}").getBytes(StandardCharsets.UTF_8))
        .build();
  }

  /** Returns the message body and attributes the enqueuer would send for a delivery id. */
  static EncodedEnvelope envelope(String deliveryId) {
    return CODEC.encode(webhook(deliveryId));
  }

  /**
   * Returns a processor around {@code handler}: a fixed retry delay, at most {@code maxAttempts} attempts, and an
   * in-memory idempotency store of its own.
   */
  static WebhookProcessor processor(WebhookHandler handler, Duration retryDelay, int maxAttempts) {
    return processor(handler, retryDelay, maxAttempts, InMemoryIdempotencyStore.builder().build(), PipelineListener.NONE);
  }

  static WebhookProcessor processor(
      WebhookHandler handler,
      Duration retryDelay,
      int maxAttempts,
      IdempotencyStore store,
      PipelineListener listener) {
    return processor(
        handler,
        RetryPolicy.builder().maxAttempts(maxAttempts).backoff(Backoff.fixed(retryDelay)).build(),
        store,
        listener);
  }

  static WebhookProcessor processor(
      WebhookHandler handler, RetryPolicy retryPolicy, IdempotencyStore store, PipelineListener listener) {
    return WebhookProcessor.builder()
        .handler(handler)
        .retryPolicy(retryPolicy)
        .idempotencyStore(store)
        .listener(listener)
        .build();
  }

  /** Records dead letters and duplicates the processor reports. */
  static final class RecordingListener implements PipelineListener {
    final ConcurrentLinkedQueue<String> deadLettered = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> duplicates = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> leasesLost = new ConcurrentLinkedQueue<>();

    @Override
    public void onDeadLettered(String source, String deliveryId, String errorType) {
      deadLettered.add(source + "/" + deliveryId + "/" + errorType);
    }

    @Override
    public void onDuplicate(Webhook webhook) {
      duplicates.add(webhook.deliveryId());
    }

    @Override
    public void onLeaseLost(String messageId) {
      leasesLost.add(messageId);
    }
  }
}
