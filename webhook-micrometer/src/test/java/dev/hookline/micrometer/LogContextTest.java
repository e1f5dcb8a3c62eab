package dev.hookline.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.sqs.internal.DeadLetters;
import dev.hookline.sqs.internal.MessageSettler;
import dev.hookline.testkit.EmbeddedSqs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The log context around the handler: set while it runs, restored after, also when it throws. It lives here, not in
 * webhook-sqs, because this module's tests log through Logback, whose MDC works (slf4j-simple's is a no-op).
 */
class LogContextTest {

  private static final String SOURCE = "test";
  private static final EnvelopeCodec CODEC = EnvelopeCodec.defaults();

  // Never called: the decisions below are acks and retries, which go through the port.
  private final SqsAsyncClient unused = EmbeddedSqs.newAsyncClientWithoutRetries(URI.create("http://127.0.0.1:9"));

  @AfterEach
  void close() {
    unused.close();
    MDC.clear();
  }

  private static final class NoopPort implements MessageSettler.Port {
    @Override
    public CompletableFuture<?> delete(Message message) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void changeVisibility(Message message, int seconds) {}
  }

  private MessageSettler settler(WebhookHandler handler, PipelineListener listener) {
    return new MessageSettler(
        WebhookProcessor.builder()
            .handler(handler)
            .retryPolicy(RetryPolicy.builder().maxAttempts(3).backoff(Backoff.fixed(Duration.ofSeconds(1))).build())
            .listener(listener)
            .build(),
        EnvelopeCodec.defaults(),
        Clock.systemUTC(),
        new DeadLetters(unused, "http://127.0.0.1:9/000000000000/dlq", EnvelopeCodec.defaults()));
  }

  private static Message message(String deliveryId, int receiveCount) {
    EncodedEnvelope envelope =
        CODEC.encode(
            Webhook.builder()
                .deliveryId(deliveryId)
                .source(SOURCE)
                .receivedAt(Instant.parse("2026-12-01T00:00:00Z"))
                .contentType("application/json")
                .body(("{\"id\":\"" + deliveryId + "\"}").getBytes(StandardCharsets.UTF_8))
                .build());
    Map<String, MessageAttributeValue> attributes = new HashMap<>();
    envelope
        .attributes()
        .forEach((k, v) -> attributes.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
    return Message.builder()
        .messageId("m-" + deliveryId)
        .receiptHandle("rh-" + deliveryId)
        .body(envelope.body())
        .messageAttributes(attributes)
        .attributesWithStrings(
            Map.of(
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT.toString(),
                Integer.toString(receiveCount),
                MessageSystemAttributeName.SENT_TIMESTAMP.toString(),
                Long.toString(Instant.now().minusSeconds(3).toEpochMilli())))
        .build();
  }

  @Test
  void theHandlerSeesTheFourKeysAndTheThreadIsCleanAfter() {
    AtomicReference<Map<String, String>> seen = new AtomicReference<>();
    MessageSettler settler = settler((w, a) -> seen.set(MDC.getCopyOfContextMap()), PipelineListener.NONE);

    MessageSettler.Outcome outcome = settler.settle(message("d-1", 2), new NoopPort()).join();

    assertThat(outcome.done()).isTrue();
    assertThat(seen.get())
        .containsEntry("hookline.delivery_id", "d-1")
        .containsEntry("hookline.source", SOURCE)
        .containsEntry("hookline.attempt", "2")
        .containsEntry("messaging.message.id", "m-d-1");
    Map<String, String> after = MDC.getCopyOfContextMap();
    assertThat(after == null || after.isEmpty()).as("MDC after: %s", after).isTrue();
  }

  @Test
  void aThrowingHandlerLeavesTheThreadCleanToo() {
    AtomicReference<Map<String, String>> seen = new AtomicReference<>();
    MessageSettler settler =
        settler(
            (w, a) -> {
              seen.set(MDC.getCopyOfContextMap());
              throw new IllegalStateException("boom");
            },
            PipelineListener.NONE);

    MessageSettler.Outcome outcome = settler.settle(message("d-2", 1), new NoopPort()).join();

    assertThat(outcome.kind()).isEqualTo(MessageSettler.Kind.RETRY);
    assertThat(seen.get()).containsEntry("hookline.delivery_id", "d-2").containsEntry("hookline.attempt", "1");
    Map<String, String> after = MDC.getCopyOfContextMap();
    assertThat(after == null || after.isEmpty()).as("MDC after: %s", after).isTrue();
  }

  @Test
  void aCallersOwnContextIsKeptAndTheListenerSeesQueueLag() {
    MDC.put("AWSRequestId", "req-1");
    AtomicReference<Duration> lag = new AtomicReference<>();
    AtomicReference<Integer> finished = new AtomicReference<>(0);
    PipelineListener listener =
        new PipelineListener() {
          @Override
          public void onMessageStarted(String source, int attempt, Duration queueLag) {
            lag.set(queueLag);
          }

          @Override
          public void onMessageFinished(String source) {
            finished.set(finished.get() + 1);
          }
        };
    MessageSettler settler = settler((w, a) -> {}, listener);

    settler.settle(message("d-3", 1), new NoopPort()).join();

    assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("AWSRequestId", "req-1"));
    assertThat(lag.get()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(finished.get()).isEqualTo(1);
  }
}
