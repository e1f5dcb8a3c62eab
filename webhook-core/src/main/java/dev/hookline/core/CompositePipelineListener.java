package dev.hookline.core;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls several listeners in order; a listener that throws is logged at WARN and never stops the pipeline. */
final class CompositePipelineListener implements PipelineListener {

  private static final Logger log = LoggerFactory.getLogger(PipelineListener.class);

  private final List<PipelineListener> listeners;

  CompositePipelineListener(List<PipelineListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  private void each(String event, Consumer<PipelineListener> call) {
    for (PipelineListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError) {
          throw e;
        }
        log.warn("PipelineListener threw; ignoring. listener={} event={}", listener.getClass().getName(), event, e);
      }
    }
  }

  @Override
  public void onReceived(String source, int bodyLength) {
    each("onReceived", l -> l.onReceived(source, bodyLength));
  }

  @Override
  public void onRejected(String source, RejectReason reason) {
    each("onRejected", l -> l.onRejected(source, reason));
  }

  @Override
  public void onHandshake(String source, String handshake) {
    each("onHandshake", l -> l.onHandshake(source, handshake));
  }

  @Override
  public void onAccepted(Webhook webhook, Duration sinkLatency) {
    each("onAccepted", l -> l.onAccepted(webhook, sinkLatency));
  }

  @Override
  public void onSinkRetry(String source, int attempt, Throwable error) {
    each("onSinkRetry", l -> l.onSinkRetry(source, attempt, error));
  }

  @Override
  public void onHandled(Webhook webhook, int attempt, Duration handlerTime) {
    each("onHandled", l -> l.onHandled(webhook, attempt, handlerTime));
  }

  @Override
  public void onDuplicate(Webhook webhook) {
    each("onDuplicate", l -> l.onDuplicate(webhook));
  }

  @Override
  public void onRetryScheduled(Webhook webhook, int attempt, Duration delay) {
    each("onRetryScheduled", l -> l.onRetryScheduled(webhook, attempt, delay));
  }

  @Override
  public void onDeadLettered(String source, String deliveryId, String errorType) {
    each("onDeadLettered", l -> l.onDeadLettered(source, deliveryId, errorType));
  }

  @Override
  public void onDeadLettered(String source, String deliveryId, String reason, String errorType) {
    each("onDeadLettered", l -> l.onDeadLettered(source, deliveryId, reason, errorType));
  }

  @Override
  public void onLeaseLost(String messageId) {
    each("onLeaseLost", l -> l.onLeaseLost(messageId));
  }

  @Override
  public void onEnqueued(String source, Duration enqueueTime, boolean stored) {
    each("onEnqueued", l -> l.onEnqueued(source, enqueueTime, stored));
  }

  @Override
  public void onMessageStarted(String source, int attempt, Duration queueLag) {
    each("onMessageStarted", l -> l.onMessageStarted(source, attempt, queueLag));
  }

  @Override
  public void onMessageFinished(String source) {
    each("onMessageFinished", l -> l.onMessageFinished(source));
  }

  @Override
  public void onHandlerFailed(Webhook webhook, int attempt, Duration handlerTime, Throwable error) {
    each("onHandlerFailed", l -> l.onHandlerFailed(webhook, attempt, handlerTime, error));
  }

  @Override
  public String toString() {
    return "PipelineListener.composite" + listeners;
  }
}
