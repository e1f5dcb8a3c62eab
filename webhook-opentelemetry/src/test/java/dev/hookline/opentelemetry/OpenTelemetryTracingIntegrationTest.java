package dev.hookline.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.PermanentFailureException;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.Tracing;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.SignatureVerifiers;
import dev.hookline.sqs.SqsConsumerConfig;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.sqs.admin.DeadLetterFilter;
import dev.hookline.sqs.admin.DlqRedriver;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.SignedRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A real round trip with the OpenTelemetry SDK: WebhookReceiver → SqsEnqueuer → embedded SQS → SqsConsumerRunner,
 * with a retry, a dead letter and a redrive; every span lands in an in-memory exporter.
 */
class OpenTelemetryTracingIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String SECRET = "It's a Secret to Everybody";
  /** The sender's own trace: the receive span continues it. */
  private static final String SENDER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SENDER_TRACEPARENT = "00-" + SENDER_TRACE + "-00f067aa0ba902b7-01";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private SdkTracerProvider provider;
  private Tracing tracing;

  @BeforeEach
  void sdk() {
    provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(provider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    tracing = OpenTelemetryTracing.of(sdk);
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private WebhookReceiver receiver(SqsEnqueuer enqueuer) {
    return WebhookReceiver.builder()
        .addSource(
            WebhookSource.builder()
                .name("github")
                .verifier(SignatureVerifiers.forScheme("github", List.of(SECRET)))
                .build())
        .sink(enqueuer)
        .tracing(tracing)
        .build();
  }

  private SqsEnqueuer enqueuer(String queueUrl) {
    return SqsEnqueuer.builder().client(SQS.asyncClient()).queueUrl(queueUrl).tracing(tracing).build();
  }

  private SqsConsumerRunner runner(ElasticMqExtension.QueuePair pair, WebhookHandler handler, int maxAttempts) {
    WebhookProcessor processor =
        WebhookProcessor.builder()
            .handler(handler)
            .retryPolicy(
                RetryPolicy.builder().maxAttempts(maxAttempts).backoff(Backoff.fixed(Duration.ofSeconds(1))).build())
            .tracing(tracing)
            .build();
    SqsConsumerConfig config =
        SqsConsumerConfig.builder()
            .queueUrl(pair.queueUrl())
            .deadLetterQueueUrl(pair.dlqUrl())
            .waitTime(Duration.ofSeconds(1))
            .build();
    return SqsConsumerRunner.builder().client(SQS.asyncClient()).config(config).processor(processor).build();
  }

  private static ReceiveResult post(WebhookReceiver receiver, String deliveryId) {
    return receiver.receiveBlocking(
        "github",
        SignedRequest.github(SECRET)
            .id(deliveryId)
            .body("{\"zen\":\"Keep it logically awesome.\"}")
            .header("traceparent", SENDER_TRACEPARENT)
            .build());
  }

  private List<SpanData> spans(String name) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .sorted(Comparator.comparing(SpanData::getStartEpochNanos))
        .collect(Collectors.toList());
  }

  private static <T> T attr(SpanData span, AttributeKey<T> key) {
    return span.getAttributes().get(key);
  }

  private static String queueName(String url) {
    return url.substring(url.lastIndexOf('/') + 1);
  }

  @Test
  void oneTraceFromTheRequestToEveryAttemptWithTheHandlerInsideTheConsumerSpan() throws Exception {
    var pair = SQS.createQueueWithDlq("otel-retry", 5, 30);
    String queue = queueName(pair.queueUrl());
    AtomicInteger calls = new AtomicInteger();
    ConcurrentLinkedQueue<SpanContext> seenByHandler = new ConcurrentLinkedQueue<>();
    WebhookHandler handler =
        (webhook, attempt) -> {
          seenByHandler.add(Span.current().getSpanContext());
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("first attempt fails");
          }
        };
    try (SqsEnqueuer enqueuer = enqueuer(pair.queueUrl());
        SqsConsumerRunner runner = runner(pair, handler, 3)) {
      assertThat(post(receiver(enqueuer), "d-retry")).isInstanceOf(ReceiveResult.Accepted.class);
      runner.start();
      Await.until(
          Duration.ofSeconds(20),
          "two attempts traced",
          () -> spans("process " + queue).size() == 2,
          () -> "spans=" + exporter.getFinishedSpanItems());
    }

    SpanData receive = spans("receive github").get(0);
    SpanData send = spans("send " + queue).get(0);
    List<SpanData> attempts = spans("process " + queue);

    // The receive continues the sender's trace as a server span.
    assertThat(receive.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(receive.getTraceId()).isEqualTo(SENDER_TRACE);
    assertThat(receive.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(attr(receive, SpanAttributes.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(202L);
    assertThat(attr(receive, SpanAttributes.DELIVERY_ID)).isEqualTo("d-retry");
    assertThat(attr(receive, SpanAttributes.OUTCOME)).isEqualTo("accepted");

    // The enqueue: a producer span under the receive, with the queue and the message id.
    assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(send.getTraceId()).isEqualTo(SENDER_TRACE);
    assertThat(send.getParentSpanId()).isEqualTo(receive.getSpanId());
    assertThat(attr(send, SpanAttributes.MESSAGING_SYSTEM)).isEqualTo("aws_sqs");
    assertThat(attr(send, SpanAttributes.MESSAGING_DESTINATION_NAME)).isEqualTo(queue);
    assertThat(attr(send, SpanAttributes.MESSAGING_OPERATION_TYPE)).isEqualTo("send");
    String messageId = attr(send, SpanAttributes.MESSAGING_MESSAGE_ID);
    assertThat(messageId).isNotBlank();

    // Each attempt: a consumer span in the same trace, child of and linked to the producer span.
    for (int i = 0; i < 2; i++) {
      SpanData attempt = attempts.get(i);
      assertThat(attempt.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(attempt.getTraceId()).isEqualTo(SENDER_TRACE);
      assertThat(attempt.getParentSpanId()).isEqualTo(send.getSpanId());
      assertThat(attempt.getLinks())
          .extracting(LinkData::getSpanContext)
          .extracting(SpanContext::getSpanId)
          .containsExactly(send.getSpanId());
      assertThat(attr(attempt, SpanAttributes.ATTEMPT)).isEqualTo(i + 1L);
      assertThat(attr(attempt, SpanAttributes.MESSAGING_SYSTEM)).isEqualTo("aws_sqs");
      assertThat(attr(attempt, SpanAttributes.MESSAGING_OPERATION_TYPE)).isEqualTo("process");
      assertThat(attr(attempt, SpanAttributes.MESSAGING_MESSAGE_ID)).isEqualTo(messageId);
      assertThat(attr(attempt, SpanAttributes.DELIVERY_ID)).isEqualTo("d-retry");
    }
    assertThat(attr(attempts.get(0), SpanAttributes.OUTCOME)).isEqualTo("retry");
    assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attr(attempts.get(0), SpanAttributes.ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
    assertThat(attr(attempts.get(1), SpanAttributes.OUTCOME)).isEqualTo("ack");
    assertThat(attempts.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

    // The handler ran with each attempt's span current.
    assertThat(seenByHandler)
        .extracting(SpanContext::getSpanId)
        .containsExactly(attempts.get(0).getSpanId(), attempts.get(1).getSpanId());
  }

  @Test
  void theTraceSurvivesTheDeadLetterQueueAndARedrive() throws Exception {
    var pair = SQS.createQueueWithDlq("otel-dlq", 5, 30);
    String queue = queueName(pair.queueUrl());
    AtomicInteger calls = new AtomicInteger();
    WebhookHandler handler =
        (webhook, attempt) -> {
          if (calls.incrementAndGet() == 1) {
            throw new PermanentFailureException("not yet");
          }
        };
    try (SqsEnqueuer enqueuer = enqueuer(pair.queueUrl());
        SqsConsumerRunner runner = runner(pair, handler, 1)) {
      assertThat(post(receiver(enqueuer), "d-dlq")).isInstanceOf(ReceiveResult.Accepted.class);
      runner.start();
      Await.until(Duration.ofSeconds(20), "dead-lettered", () -> SQS.depth(pair.dlqUrl()) == 1);

      // The copy on the dead-letter queue still carries the producer's context inside its envelope.
      Message copy =
          SQS.syncClient()
              .receiveMessage(b -> b.queueUrl(pair.dlqUrl()).visibilityTimeout(0).messageAttributeNames("All"))
              .messages()
              .get(0);
      assertThat(copy.body()).contains("\"traceContext\"").contains("traceparent");
      assertThat(copy.messageAttributes().keySet()).noneMatch(name -> name.toLowerCase().contains("trace"));

      DlqRedriver redriver = DlqRedriver.builder().sqsClient(SQS.syncClient()).dlqUrl(pair.dlqUrl()).build();
      Await.until(
          Duration.ofSeconds(10),
          "redriven",
          () -> redriver.redriveMatching(DeadLetterFilter.all(), pair.queueUrl()).moved() == 1);
      Await.until(
          Duration.ofSeconds(20),
          "redriven attempt traced",
          () -> spans("process " + queue).size() == 2,
          () -> "spans=" + exporter.getFinishedSpanItems());
    }

    SpanData send = spans("send " + queue).get(0);
    List<SpanData> attempts = spans("process " + queue);
    assertThat(attr(attempts.get(0), SpanAttributes.OUTCOME)).isEqualTo("dead_letter");
    assertThat(attr(attempts.get(0), SpanAttributes.FAILURE_REASON)).isEqualTo("permanent_failure");
    assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    SpanData redriven = attempts.get(1);
    assertThat(attr(redriven, SpanAttributes.OUTCOME)).isEqualTo("ack");
    for (SpanData attempt : attempts) {
      assertThat(attempt.getTraceId()).isEqualTo(SENDER_TRACE);
      assertThat(attempt.getParentSpanId()).isEqualTo(send.getSpanId());
      assertThat(attempt.getLinks())
          .extracting(l -> l.getSpanContext().getSpanId())
          .containsExactly(send.getSpanId());
    }
    // The redrive sent a new message: a new message id, the same trace.
    assertThat(attr(redriven, SpanAttributes.MESSAGING_MESSAGE_ID))
        .isNotEqualTo(attr(attempts.get(0), SpanAttributes.MESSAGING_MESSAGE_ID));
  }

  @Test
  void aMessageWithoutContextStartsANewTrace() throws Exception {
    var pair = SQS.createQueueWithDlq("otel-plain", 5, 30);
    String queue = queueName(pair.queueUrl());
    // Sent by something else: an envelope without a trace context, no tracing on the sending side.
    Webhook webhook =
        Webhook.builder()
            .deliveryId("d-plain")
            .source("github")
            .receivedAt(Instant.now())
            .body("{}".getBytes(StandardCharsets.UTF_8))
            .build();
    EncodedEnvelope envelope = EnvelopeCodec.defaults().encode(webhook);
    Map<String, MessageAttributeValue> attributes =
        envelope.attributes().entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    e -> MessageAttributeValue.builder().dataType("String").stringValue(e.getValue()).build()));
    SQS.syncClient()
        .sendMessage(b -> b.queueUrl(pair.queueUrl()).messageBody(envelope.body()).messageAttributes(attributes));
    ConcurrentLinkedQueue<SpanContext> seenByHandler = new ConcurrentLinkedQueue<>();
    try (SqsConsumerRunner runner = runner(pair, (w, a) -> seenByHandler.add(Span.current().getSpanContext()), 3)) {
      runner.start();
      Await.until(Duration.ofSeconds(20), "processed", () -> spans("process " + queue).size() == 1);
    }
    SpanData attempt = spans("process " + queue).get(0);
    assertThat(attempt.getParentSpanContext().isValid()).isFalse();
    assertThat(attempt.getLinks()).isEmpty();
    assertThat(attempt.getTraceId()).isNotEqualTo(SENDER_TRACE);
    assertThat(attr(attempt, SpanAttributes.ATTEMPT)).isEqualTo(1L);
    assertThat(seenByHandler).extracting(SpanContext::getSpanId).containsExactly(attempt.getSpanId());
  }
}
