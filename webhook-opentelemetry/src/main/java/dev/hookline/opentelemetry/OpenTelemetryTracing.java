package dev.hookline.opentelemetry;

import static dev.hookline.opentelemetry.SpanAttributes.ATTEMPT;
import static dev.hookline.opentelemetry.SpanAttributes.AWS_SQS;
import static dev.hookline.opentelemetry.SpanAttributes.DELIVERY_ID;
import static dev.hookline.opentelemetry.SpanAttributes.DUPLICATE;
import static dev.hookline.opentelemetry.SpanAttributes.ERROR_TYPE;
import static dev.hookline.opentelemetry.SpanAttributes.FAILURE_REASON;
import static dev.hookline.opentelemetry.SpanAttributes.HTTP_REQUEST_METHOD;
import static dev.hookline.opentelemetry.SpanAttributes.HTTP_RESPONSE_STATUS_CODE;
import static dev.hookline.opentelemetry.SpanAttributes.MESSAGING_DESTINATION_NAME;
import static dev.hookline.opentelemetry.SpanAttributes.MESSAGING_MESSAGE_BODY_SIZE;
import static dev.hookline.opentelemetry.SpanAttributes.MESSAGING_MESSAGE_ID;
import static dev.hookline.opentelemetry.SpanAttributes.MESSAGING_OPERATION_NAME;
import static dev.hookline.opentelemetry.SpanAttributes.MESSAGING_OPERATION_TYPE;
import static dev.hookline.opentelemetry.SpanAttributes.MESSAGING_SYSTEM;
import static dev.hookline.opentelemetry.SpanAttributes.OUTCOME;
import static dev.hookline.opentelemetry.SpanAttributes.REJECT_REASON;
import static dev.hookline.opentelemetry.SpanAttributes.RETRY_DELAY_MS;
import static dev.hookline.opentelemetry.SpanAttributes.SOURCE;

import dev.hookline.core.Attempt;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.Tracing;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.retry.Decision;
import dev.hookline.core.retry.FailureReport;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Hookline's {@link Tracing} on OpenTelemetry: three spans per webhook, following OpenTelemetry's messaging
 * semantic conventions, in one trace from the HTTP request to every processing attempt.
 *
 * <ul>
 *   <li><b>receive</b> ({@code receive <source>}): a {@link SpanKind#SERVER} span whose parent is the sender's W3C
 *       {@code traceparent} (read with the {@link OpenTelemetry} instance's propagators), or, when the transport is
 *       instrumented and already has a span current, an {@link SpanKind#INTERNAL} child of that span;
 *   <li><b>send</b> ({@code send <queue>}): a {@link SpanKind#PRODUCER} span, child of the receive, with {@code
 *       messaging.system=aws_sqs}, the queue's name and, once stored, the SQS message id. Its context (W3C {@code
 *       traceparent} and {@code tracestate}) is written into the envelope, never into a message attribute;
 *   <li><b>process</b> ({@code process <queue>}): a {@link SpanKind#CONSUMER} span per attempt, child of and linked
 *       to the send span, with the attempt number; the handler runs with it current. A retry, the dead-letter copy
 *       and a redrive keep the envelope, so every attempt joins the same trace. Without a context in the envelope,
 *       SQS's {@code AWSTraceHeader} (X-Ray) is the parent and link; without either, the attempt starts a new trace.
 * </ul>
 *
 * <p>Set the same instance on the receiver, the enqueuer and the processor:
 *
 * <pre>{@code
 * Tracing tracing = OpenTelemetryTracing.of(openTelemetry);
 * WebhookReceiver.builder()...tracing(tracing).build();
 * SqsEnqueuer.builder()...tracing(tracing).build();
 * WebhookProcessor.builder()...tracing(tracing).build();
 * }</pre>
 *
 * <p>Thread-safety: immutable and thread-safe. It owns nothing: you configure, flush and close the {@link
 * OpenTelemetry} SDK you pass in.
 */
public final class OpenTelemetryTracing implements Tracing {

  /** The instrumentation scope name of Hookline's spans. */
  public static final String INSTRUMENTATION_NAME = "dev.hookline";

  private static final TextMapPropagator ENVELOPE = W3CTraceContextPropagator.getInstance();

  private final Tracer tracer;
  private final TextMapPropagator requestPropagator;

  private OpenTelemetryTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
    this.requestPropagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  /**
   * Returns the tracing for an OpenTelemetry instance: its tracer makes the spans and its propagators read the
   * sender's trace context from the request headers. The envelope always carries W3C Trace Context, whatever the
   * propagators, so producers and consumers agree.
   *
   * @param openTelemetry the SDK (or {@code GlobalOpenTelemetry.get()} under the agent); yours to close
   * @return the tracing
   */
  public static OpenTelemetryTracing of(OpenTelemetry openTelemetry) {
    return new OpenTelemetryTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  @Override
  public ReceiveSpan receive(String source, InboundRequest request) {
    Context current = Context.current();
    SpanBuilder builder = tracer.spanBuilder("receive " + source);
    if (Span.fromContext(current).getSpanContext().isValid()) {
      // The transport is instrumented and has its server span: ours is a step inside it.
      builder.setParent(current).setSpanKind(SpanKind.INTERNAL);
    } else {
      builder
          .setParent(requestPropagator.extract(current, request.headers(), HeadersGetter.INSTANCE))
          .setSpanKind(SpanKind.SERVER);
    }
    Span span =
        builder.setAttribute(HTTP_REQUEST_METHOD, request.method()).setAttribute(SOURCE, source).startSpan();
    return new ReceiveSpan() {
      @Override
      public Map<String, String> context() {
        return inject(span);
      }

      @Override
      public void end(ReceiveResult result) {
        if (result instanceof ReceiveResult.Accepted accepted) {
          span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) accepted.status());
          span.setAttribute(DELIVERY_ID, accepted.deliveryId());
          span.setAttribute(OUTCOME, "accepted");
        } else if (result instanceof ReceiveResult.Rejected rejected) {
          span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) rejected.status());
          span.setAttribute(OUTCOME, "rejected");
          span.setAttribute(REJECT_REASON, rejected.reason().code());
          // HTTP server conventions: a 4xx is the client's error, not the server's; a 5xx is ours.
          if (rejected.status() >= 500) {
            span.setAttribute(ERROR_TYPE, Integer.toString(rejected.status()));
            span.setStatus(StatusCode.ERROR, rejected.reason().code());
          }
        } else if (result instanceof ReceiveResult.Answered answered) {
          span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) answered.status());
          span.setAttribute(OUTCOME, "answered");
        }
        span.end();
      }
    };
  }

  @Override
  public SendSpan send(Webhook webhook, String destination) {
    // The receive's context, carried on the webhook; else whatever is current (a sink called outside a receiver).
    Context parent = extract(Context.current(), webhook.traceContext());
    Span span =
        tracer
            .spanBuilder("send " + destination)
            .setParent(parent)
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(MESSAGING_SYSTEM, AWS_SQS)
            .setAttribute(MESSAGING_DESTINATION_NAME, destination)
            .setAttribute(MESSAGING_OPERATION_NAME, "send")
            .setAttribute(MESSAGING_OPERATION_TYPE, "send")
            .setAttribute(MESSAGING_MESSAGE_BODY_SIZE, (long) webhook.bodyLength())
            .setAttribute(SOURCE, webhook.source())
            .setAttribute(DELIVERY_ID, webhook.deliveryId())
            .startSpan();
    return new SendSpan() {
      @Override
      public Map<String, String> context() {
        return inject(span);
      }

      @Override
      public void stored(String messageId) {
        if (!messageId.isEmpty()) {
          span.setAttribute(MESSAGING_MESSAGE_ID, messageId);
        }
        span.end();
      }

      @Override
      public void failed(Throwable error) {
        span.setAttribute(ERROR_TYPE, error.getClass().getName());
        span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
        span.end();
      }
    };
  }

  @Override
  public ProcessSpan process(Webhook webhook, Attempt attempt, QueueMessage message) {
    // Only the envelope's context counts as the producer's; what is current on a consumer thread is unrelated.
    SpanContext producer = Span.fromContext(extract(Context.root(), webhook.traceContext())).getSpanContext();
    Optional<SpanContext> xray = message.awsTraceHeader().flatMap(AwsTraceHeader::parse);
    SpanBuilder builder =
        tracer
            .spanBuilder("process " + message.destination())
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(MESSAGING_SYSTEM, AWS_SQS)
            .setAttribute(MESSAGING_DESTINATION_NAME, message.destination())
            .setAttribute(MESSAGING_OPERATION_NAME, "process")
            .setAttribute(MESSAGING_OPERATION_TYPE, "process")
            .setAttribute(MESSAGING_MESSAGE_BODY_SIZE, (long) webhook.bodyLength())
            .setAttribute(SOURCE, webhook.source())
            .setAttribute(DELIVERY_ID, webhook.deliveryId())
            .setAttribute(ATTEMPT, (long) attempt.number());
    if (!message.messageId().isEmpty()) {
      builder.setAttribute(MESSAGING_MESSAGE_ID, message.messageId());
    }
    if (producer.isValid()) {
      builder.setParent(Context.root().with(Span.wrap(producer))).addLink(producer);
      xray.filter(x -> !x.getTraceId().equals(producer.getTraceId())).ifPresent(builder::addLink);
    } else if (xray.isPresent()) {
      builder.setParent(Context.root().with(Span.wrap(xray.get()))).addLink(xray.get());
    } else {
      // Sent by something that carries no context: a new trace.
      builder.setNoParent();
    }
    Span span = builder.startSpan();
    return new ProcessSpan() {
      @Override
      public Tracing.Scope makeCurrent() {
        io.opentelemetry.context.Scope scope = span.makeCurrent();
        return scope::close;
      }

      @Override
      public void end(Decision decision) {
        if (decision instanceof Decision.Ack ack) {
          span.setAttribute(OUTCOME, "ack");
          if (ack.duplicate()) {
            span.setAttribute(DUPLICATE, true);
          }
        } else if (decision instanceof Decision.Retry retry) {
          span.setAttribute(OUTCOME, "retry");
          span.setAttribute(RETRY_DELAY_MS, retry.after().toMillis());
          failed(span, retry.failure());
        } else if (decision instanceof Decision.DeadLetter dead) {
          span.setAttribute(OUTCOME, "dead_letter");
          failed(span, dead.report());
        }
        span.end();
      }
    };
  }

  private static void failed(Span span, FailureReport report) {
    span.setAttribute(FAILURE_REASON, report.reason());
    span.setAttribute(ERROR_TYPE, report.errorType());
    span.setStatus(StatusCode.ERROR, report.reason());
  }

  private static Map<String, String> inject(Span span) {
    Map<String, String> carrier = new LinkedHashMap<>();
    ENVELOPE.inject(Context.root().with(span), carrier, (map, key, value) -> map.put(key, value));
    return carrier;
  }

  private static Context extract(Context base, Map<String, String> traceContext) {
    if (traceContext.isEmpty()) {
      return base;
    }
    return ENVELOPE.extract(base, traceContext, MapGetter.INSTANCE);
  }

  @Override
  public String toString() {
    return "OpenTelemetryTracing{tracer=" + INSTRUMENTATION_NAME + '}';
  }

  /** Reads propagation fields from the request headers, case-insensitively. */
  private enum HeadersGetter implements TextMapGetter<WebhookHeaders> {
    INSTANCE;

    @Override
    public Iterable<String> keys(WebhookHeaders carrier) {
      return List.copyOf(carrier.names());
    }

    @Override
    public String get(WebhookHeaders carrier, String key) {
      return carrier == null ? null : carrier.first(key).orElse(null);
    }
  }

  /** Reads propagation fields from the envelope's trace context. */
  private enum MapGetter implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  }
}
