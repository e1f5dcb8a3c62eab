package dev.hookline.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.Attempt;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.RejectReason;
import dev.hookline.core.Tracing;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.retry.Decision;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenTelemetryTracingTest {

  private static final String XRAY = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(provider)
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
  private final Tracing tracing = OpenTelemetryTracing.of(sdk);

  @AfterEach
  void close() {
    provider.close();
  }

  private static Webhook webhook() {
    return Webhook.builder()
        .deliveryId("d-1")
        .source("github")
        .receivedAt(Instant.parse("2026-12-01T00:00:00Z"))
        .body("{}".getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private static InboundRequest request() {
    return InboundRequest.builder()
        .method("POST")
        .path("/webhooks/github")
        .headers(WebhookHeaders.builder().add("Content-Type", "application/json").build())
        .body(new byte[0])
        .build();
  }

  private SpanData only() {
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  @Test
  void awsTraceHeaderIsTheParentAndLinkWhenTheEnvelopeCarriesNoContext() {
    Tracing.ProcessSpan span =
        tracing.process(webhook(), new Attempt(2, Instant.now()), new Tracing.QueueMessage("q", "m-1", Optional.of(XRAY)));
    span.end(new Decision.Ack(false));
    SpanData data = only();
    assertThat(data.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(data.getTraceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(data.getParentSpanId()).isEqualTo("53995c3f42cd8ad8");
    assertThat(data.getLinks()).extracting(l -> l.getSpanContext().getSpanId()).containsExactly("53995c3f42cd8ad8");
    assertThat(data.getAttributes().get(SpanAttributes.ATTEMPT)).isEqualTo(2L);
    assertThat(data.getAttributes().get(SpanAttributes.MESSAGING_DESTINATION_NAME)).isEqualTo("q");
  }

  @Test
  void theEnvelopeContextWinsOverAwsTraceHeaderWhichStaysALink() {
    Tracing.SendSpan send = tracing.send(webhook(), "q");
    Webhook carried = webhook().toBuilder().traceContext(send.context()).build();
    send.stored("m-1");
    tracing
        .process(carried, new Attempt(1, Instant.now()), new Tracing.QueueMessage("q", "m-1", Optional.of(XRAY)))
        .end(new Decision.Ack(false));
    SpanData producer = exporter.getFinishedSpanItems().get(0);
    SpanData consumer = exporter.getFinishedSpanItems().get(1);
    assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
    assertThat(consumer.getLinks())
        .extracting(LinkData::getSpanContext)
        .extracting(SpanContext::getSpanId)
        .containsExactly(producer.getSpanId(), "53995c3f42cd8ad8");
  }

  @Test
  void malformedAwsTraceHeadersAreIgnored() {
    assertThat(AwsTraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793")).isEmpty();
    assertThat(AwsTraceHeader.parse("Root=nope;Parent=53995c3f42cd8ad8")).isEmpty();
    assertThat(AwsTraceHeader.parse("garbage")).isEmpty();
    assertThat(AwsTraceHeader.parse(XRAY).get().isSampled()).isTrue();
  }

  @Test
  void receiveIsAnInternalChildOfTheTransportsCurrentSpan() {
    Span transport = sdk.getTracer("transport").spanBuilder("POST /webhooks/{source}").startSpan();
    Tracing.ReceiveSpan span;
    Scope scope = transport.makeCurrent();
    try {
      span = tracing.receive("github", request());
    } finally {
      scope.close();
    }
    span.end(new ReceiveResult.Accepted("d-1", 202));
    transport.end();
    SpanData receive = exporter.getFinishedSpanItems().get(0);
    assertThat(receive.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(receive.getParentSpanId()).isEqualTo(transport.getSpanContext().getSpanId());
  }

  @Test
  void aClientErrorIsNoSpanErrorButAServerErrorIs() {
    tracing.receive("github", request()).end(ReceiveResult.Rejected.of(RejectReason.UNAUTHORIZED, "no"));
    tracing.receive("github", request()).end(ReceiveResult.Rejected.of(RejectReason.SINK_UNAVAILABLE, "later"));
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans.get(0).getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(spans.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(spans.get(0).getAttributes().get(SpanAttributes.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(401L);
    assertThat(spans.get(0).getAttributes().get(SpanAttributes.REJECT_REASON))
        .isEqualTo(RejectReason.UNAUTHORIZED.code());
    assertThat(spans.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(spans.get(1).getAttributes().get(SpanAttributes.ERROR_TYPE)).isEqualTo("503");
  }

  @Test
  void aFailedEnqueueIsAnError() {
    tracing.send(webhook(), "q").failed(new IllegalStateException("down"));
    SpanData send = only();
    assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(send.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(send.getAttributes().get(SpanAttributes.ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
    assertThat(send.getAttributes().get(SpanAttributes.MESSAGING_MESSAGE_ID)).isNull();
  }

  @Test
  void theEnvelopeAlwaysCarriesW3cTraceContext() {
    Tracing.SendSpan send = tracing.send(webhook(), "q");
    assertThat(send.context()).containsOnlyKeys("traceparent");
    assertThat(send.context().get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    send.stored("m");
  }

  @Test
  void ofRefusesNull() {
    assertThatThrownBy(() -> OpenTelemetryTracing.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("openTelemetry");
  }
}
