package dev.hookline.core;

import dev.hookline.core.retry.Decision;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a tracing library plugs in: one span around each receive, each enqueue and each processing attempt, and the
 * trace context that travels inside the envelope ({@link Webhook#traceContext()}) from the one to the next.
 *
 * <p>Hookline's core knows no tracing library; {@code webhook-opentelemetry} implements this interface with
 * OpenTelemetry. The default everywhere is {@link #NONE}: no spans, no trace context, nothing added to the envelope.
 * Set an implementation on {@link WebhookReceiver.Builder#tracing}, on the enqueuer and on the {@code
 * WebhookProcessor} the consumers use.
 *
 * <p>Every method has a default that does nothing, so an implementation overrides what it traces. Methods are
 * called on the pipeline's own threads and must be fast and thread-safe. An implementation that throws never breaks
 * the pipeline: the pipeline wraps it with {@link #safe}, which logs once at WARN and goes on without the span.
 *
 * <p>Thread-safety: implementations must be thread-safe; each span is used by one receive, enqueue or attempt.
 */
public interface Tracing {

  /** Traces nothing. */
  Tracing NONE = new Tracing() {};

  /**
   * Starts the span of one receive, before any check. It ends once with the result.
   *
   * @param source the source name (already {@value WebhookReceiver#UNKNOWN_SOURCE} for an unconfigured one)
   * @param request the request, whose headers may carry the sender's trace context
   * @return the span; {@link ReceiveSpan#NONE} to trace nothing
   */
  default ReceiveSpan receive(String source, InboundRequest request) {
    return ReceiveSpan.NONE;
  }

  /**
   * Starts the span of one enqueue, when a sink takes a webhook. Its parent is the webhook's {@link
   * Webhook#traceContext()}, if any; its own context replaces that in the envelope.
   *
   * @param webhook the webhook being stored
   * @param destination the queue's name
   * @return the span; {@link SendSpan#NONE} to trace nothing
   */
  default SendSpan send(Webhook webhook, String destination) {
    return SendSpan.NONE;
  }

  /**
   * Starts the span of one processing attempt, before the handler runs; the handler runs with it current.
   *
   * @param webhook the decoded webhook, with the trace context its envelope carried
   * @param attempt the attempt
   * @param message where the attempt's message came from
   * @return the span; {@link ProcessSpan#NONE} to trace nothing
   */
  default ProcessSpan process(Webhook webhook, Attempt attempt, QueueMessage message) {
    return ProcessSpan.NONE;
  }

  /**
   * Returns a tracing that forwards to {@code delegate} and catches, logs once at WARN, and swallows anything it or
   * its spans throw. The pipeline wraps every tracing it is given this way.
   *
   * @param delegate the tracing to protect
   * @return the safe tracing
   */
  static Tracing safe(Tracing delegate) {
    Objects.requireNonNull(delegate, "delegate");
    if (delegate == NONE || delegate instanceof SafeTracing) {
      return delegate;
    }
    return new SafeTracing(delegate);
  }

  /**
   * The queue message of a processing attempt, as far as tracing needs it.
   *
   * @param destination the queue's name
   * @param messageId the queue's message id
   * @param awsTraceHeader the {@code AWSTraceHeader} system attribute, when the queue provides one (X-Ray, or an API
   *     Gateway direct integration with tracing on)
   */
  record QueueMessage(String destination, String messageId, Optional<String> awsTraceHeader) {
    /**
     * Checks the components.
     *
     * @param destination the queue's name
     * @param messageId the message id
     * @param awsTraceHeader the {@code AWSTraceHeader}, if any
     */
    public QueueMessage {
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(messageId, "messageId");
      Objects.requireNonNull(awsTraceHeader, "awsTraceHeader");
    }
  }

  /** Makes a span current on this thread until {@link #close()}. */
  interface Scope extends AutoCloseable {
    /** A scope that does nothing. */
    Scope NONE = () -> {};

    /** Restores what was current before; call it on the thread that opened the scope. */
    @Override
    void close();
  }

  /** The span of one receive. */
  interface ReceiveSpan {
    /** A span that records nothing. */
    ReceiveSpan NONE = new ReceiveSpan() {};

    /**
     * {@return the trace context to carry on the webhook (W3C {@code traceparent}, {@code tracestate}); empty for
     * none}
     */
    default Map<String, String> context() {
      return Map.of();
    }

    /**
     * Ends the span with the receive's result.
     *
     * @param result what the transport answers
     */
    default void end(ReceiveResult result) {}
  }

  /** The span of one enqueue. */
  interface SendSpan {
    /** A span that records nothing. */
    SendSpan NONE = new SendSpan() {};

    /** {@return the trace context to write into the envelope instead of the webhook's; empty to keep the webhook's} */
    default Map<String, String> context() {
      return Map.of();
    }

    /**
     * Ends the span: the queue stored the message.
     *
     * @param messageId the queue's message id
     */
    default void stored(String messageId) {}

    /**
     * Ends the span: the webhook was not stored.
     *
     * @param error why
     */
    default void failed(Throwable error) {}
  }

  /** The span of one processing attempt. */
  interface ProcessSpan {
    /** A span that records nothing. */
    ProcessSpan NONE = new ProcessSpan() {};

    /** {@return a scope making this span current on the calling thread, for the handler's own spans and logs} */
    default Scope makeCurrent() {
      return Scope.NONE;
    }

    /**
     * Ends the span with what became of the attempt.
     *
     * @param decision acknowledge, retry or dead-letter
     */
    default void end(Decision decision) {}
  }
}
