package dev.hookline.core;

import dev.hookline.core.retry.Decision;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Tracing#safe}: a tracing, and spans, that never throw. A failure is logged once at WARN and the pipeline
 * goes on without that span. Thread-safe when the delegate is.
 */
final class SafeTracing implements Tracing {

  private static final Logger log = LoggerFactory.getLogger(SafeTracing.class);

  private final Tracing delegate;

  SafeTracing(Tracing delegate) {
    this.delegate = delegate;
  }

  @Override
  public ReceiveSpan receive(String source, InboundRequest request) {
    ReceiveSpan span = call("receive", () -> delegate.receive(source, request), ReceiveSpan.NONE);
    if (span == ReceiveSpan.NONE) {
      return span;
    }
    return new ReceiveSpan() {
      @Override
      public Map<String, String> context() {
        return copy(call("context", span::context, Map.of()));
      }

      @Override
      public void end(ReceiveResult result) {
        run("end", () -> span.end(result));
      }
    };
  }

  @Override
  public SendSpan send(Webhook webhook, String destination) {
    SendSpan span = call("send", () -> delegate.send(webhook, destination), SendSpan.NONE);
    if (span == SendSpan.NONE) {
      return span;
    }
    return new SendSpan() {
      @Override
      public Map<String, String> context() {
        return copy(call("context", span::context, Map.of()));
      }

      @Override
      public void stored(String messageId) {
        run("stored", () -> span.stored(messageId));
      }

      @Override
      public void failed(Throwable error) {
        run("failed", () -> span.failed(error));
      }
    };
  }

  @Override
  public ProcessSpan process(Webhook webhook, Attempt attempt, QueueMessage message) {
    ProcessSpan span = call("process", () -> delegate.process(webhook, attempt, message), ProcessSpan.NONE);
    if (span == ProcessSpan.NONE) {
      return span;
    }
    return new ProcessSpan() {
      @Override
      public Scope makeCurrent() {
        Scope scope = call("makeCurrent", span::makeCurrent, Scope.NONE);
        return () -> run("close", scope::close);
      }

      @Override
      public void end(Decision decision) {
        run("end", () -> span.end(decision));
      }
    };
  }

  private static Map<String, String> copy(Map<String, String> context) {
    try {
      return Map.copyOf(context);
    } catch (RuntimeException e) {
      log.warn("Tracing returned an invalid trace context; carrying none. error={}", e.getClass().getName());
      return Map.of();
    }
  }

  private <T> T call(String what, Supplier<T> call, T fallback) {
    try {
      T value = call.get();
      return value == null ? fallback : value;
    } catch (RuntimeException e) {
      log.warn("Tracing threw; going on without it. tracing={} call={}", delegate.getClass().getName(), what, e);
      return fallback;
    }
  }

  private void run(String what, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("Tracing threw; going on without it. tracing={} call={}", delegate.getClass().getName(), what, e);
    }
  }

  @Override
  public String toString() {
    return "SafeTracing{" + delegate + '}';
  }
}
