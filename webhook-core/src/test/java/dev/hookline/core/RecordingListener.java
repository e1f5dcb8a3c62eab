package dev.hookline.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records receive-side listener calls as short strings, for example {@code rejected:github:UNAUTHORIZED}. */
final class RecordingListener implements PipelineListener {
  final List<String> events = new CopyOnWriteArrayList<>();
  final List<Webhook> accepted = new CopyOnWriteArrayList<>();
  final List<Duration> latencies = new CopyOnWriteArrayList<>();

  @Override
  public void onReceived(String source, int bodyLength) {
    events.add("received:" + source + ":" + bodyLength);
  }

  @Override
  public void onRejected(String source, RejectReason reason) {
    events.add("rejected:" + source + ":" + reason);
  }

  @Override
  public void onAccepted(Webhook webhook, Duration sinkLatency) {
    events.add("accepted:" + webhook.source() + ":" + webhook.deliveryId());
    accepted.add(webhook);
    latencies.add(sinkLatency);
  }
}
