package dev.hookline.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;

/**
 * What both health indicators report: up when the sink accepts webhooks and the consumer, if there is one, runs.
 * Details: {@code sink.accepting}, {@code sink.pending}, {@code consumer.running}.
 */
final class HooklineHealth {

  private final ObjectProvider<EnqueuerLifecycle> enqueuer;
  private final ObjectProvider<ConsumerLifecycle> consumer;

  HooklineHealth(ObjectProvider<EnqueuerLifecycle> enqueuer, ObjectProvider<ConsumerLifecycle> consumer) {
    this.enqueuer = enqueuer;
    this.consumer = consumer;
  }

  /** Reads the state once, so that up and the details agree. */
  Snapshot snapshot() {
    Map<String, Object> details = new LinkedHashMap<>();
    boolean up = true;
    EnqueuerLifecycle sink = enqueuer.getIfAvailable();
    if (sink != null) {
      boolean accepting = sink.isRunning();
      up = accepting;
      details.put("sink.accepting", accepting);
      details.put("sink.pending", sink.enqueuer().pending());
    }
    ConsumerLifecycle runner = consumer.getIfAvailable();
    if (runner != null) {
      boolean running = runner.isRunning();
      up &= running;
      details.put("consumer.running", running);
    } else {
      details.put("consumer.running", "none");
    }
    return new Snapshot(up, details);
  }

  record Snapshot(boolean up, Map<String, Object> details) {}
}
