package dev.hookline.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.RejectReason;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSink;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.testkit.SignedRequest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import java.util.List;
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
 * The log context around the handler (set while it runs, restored after, also when it throws) and around the receive
 * (the sink's store call, and the sink's answer on the thread that completed it). It lives here, not in webhook-sqs or
 * webhook-core, because this module's tests log through Logback, whose MDC works (slf4j-simple's is a no-op).
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

  private static final String GITHUB_SECRET = "log-context-secret";

  private static WebhookReceiver receiver(WebhookSink sink, PipelineListener listener) {
    return WebhookReceiver.builder()
        .addSource(
            WebhookSource.builder()
                .name("github")
                .verifier(GitHubVerifier.builder().addSecret(GITHUB_SECRET).build())
                .build())
        .sink(sink)
        .listener(listener)
        .build();
  }

  @Test
  void theReceiveHasTheSourceAndDeliveryIdAtTheSinkAndWhereTheSinksAnswerArrives() throws Exception {
    AtomicReference<Map<String, String>> atStore = new AtomicReference<>();
    AtomicReference<Map<String, String>> atAnswer = new AtomicReference<>();
    ExecutorService sinkThread = Executors.newSingleThreadExecutor();
    try {
      // The sink answers on its own thread, as the enqueuer does on the SDK's.
      WebhookSink sink =
          (webhook, budget) -> {
            atStore.set(MDC.getCopyOfContextMap());
            return CompletableFuture.runAsync(() -> {}, sinkThread);
          };
      PipelineListener listener =
          new PipelineListener() {
            @Override
            public void onAccepted(Webhook webhook, Duration sinkLatency) {
              atAnswer.set(MDC.getCopyOfContextMap());
            }
          };
      InboundRequest request =
          SignedRequest.github(GITHUB_SECRET)
              .id("delivery-7")
              .body("{\"zen\":\"ok\"}".getBytes(StandardCharsets.UTF_8))
              .build();

      ReceiveResult result = receiver(sink, listener).receiveBlocking("github", request);

      assertThat(result.status()).isEqualTo(202);
      assertThat(atStore.get())
          .containsEntry("hookline.source", "github")
          .containsEntry("hookline.delivery_id", "delivery-7");
      assertThat(atAnswer.get())
          .containsEntry("hookline.source", "github")
          .containsEntry("hookline.delivery_id", "delivery-7");
      Map<String, String> after = MDC.getCopyOfContextMap();
      assertThat(after == null || after.isEmpty()).as("MDC after: %s", after).isTrue();
      Map<String, String> sinkAfter = CompletableFuture.supplyAsync(MDC::getCopyOfContextMap, sinkThread).get();
      assertThat(sinkAfter == null || sinkAfter.isEmpty()).as("sink thread MDC: %s", sinkAfter).isTrue();
    } finally {
      sinkThread.shutdownNow();
    }
  }

  @Test
  void aRejectionIsLoggedWithTheSourceAndTheCallersContextIsKept() {
    MDC.put("request", "r-1");
    AtomicReference<Map<String, String>> atReject = new AtomicReference<>();
    PipelineListener listener =
        new PipelineListener() {
          @Override
          public void onRejected(String source, RejectReason reason) {
            atReject.set(MDC.getCopyOfContextMap());
          }
        };
    InboundRequest unsigned =
        InboundRequest.builder()
            .method("POST")
            .path("/webhooks/nope")
            .headers(WebhookHeaders.of(Map.of("Content-Type", List.of("application/json"))))
            .body("{}".getBytes(StandardCharsets.UTF_8))
            .build();

    ReceiveResult result =
        receiver((w, b) -> CompletableFuture.completedFuture(null), listener).receiveBlocking("nope", unsigned);

    assertThat(result.status()).isEqualTo(404);
    assertThat(atReject.get()).containsEntry("hookline.source", "unknown").containsEntry("request", "r-1");
    assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("request", "r-1"));
  }
}
