package dev.hookline.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Observes the pipeline for metrics: counts and timings of receiving, enqueueing and processing.
 *
 * <p>Every method has an empty default, so an implementation overrides only what it records. Methods are called on
 * the pipeline's own threads and must be fast and thread-safe. A listener that throws never breaks the pipeline:
 * the exception is logged once at WARN and processing goes on. Combine several with {@link #composite}.
 *
 * <p>The default everywhere is {@link #NONE}.
 */
public interface PipelineListener {

  /** A listener that records nothing. */
  PipelineListener NONE = new PipelineListener() {};

  /**
   * A request arrived for a source (before any check).
   *
   * @param source the source name from the path
   * @param bodyLength the body length in bytes
   */
  default void onReceived(String source, int bodyLength) {}

  /**
   * A request was refused.
   *
   * @param source the source name from the path
   * @param reason why
   */
  default void onRejected(String source, RejectReason reason) {}

  /**
   * A sender's URL handshake was answered at once (see {@link Handshake}); nothing was stored. A refused handshake is
   * reported to {@link #onRejected} instead.
   *
   * @param source the source name
   * @param handshake which handshake, for example {@code slack.url_verification}
   */
  default void onHandshake(String source, String handshake) {}

  /**
   * A webhook was durably stored and the sender got a 2xx.
   *
   * @param webhook the accepted webhook
   * @param sinkLatency how long the sink took to confirm
   */
  default void onAccepted(Webhook webhook, Duration sinkLatency) {}

  /**
   * The sink retried a failed store (for example a throttled {@code SendMessage}).
   *
   * @param source the source name
   * @param attempt the attempt that failed, from 1
   * @param error the failure
   */
  default void onSinkRetry(String source, int attempt, Throwable error) {}

  /**
   * A handler finished a webhook successfully and the message was acknowledged.
   *
   * @param webhook the webhook
   * @param attempt the attempt number, from 1
   * @param handlerTime how long the handler ran
   */
  default void onHandled(Webhook webhook, int attempt, Duration handlerTime) {}

  /**
   * A delivery was skipped because the idempotency store had already completed its id.
   *
   * @param webhook the duplicate webhook
   */
  default void onDuplicate(Webhook webhook) {}

  /**
   * A failed attempt will be retried after a delay.
   *
   * @param webhook the webhook
   * @param attempt the attempt that failed, from 1
   * @param delay the delay before the next attempt
   */
  default void onRetryScheduled(Webhook webhook, int attempt, Duration delay) {}

  /**
   * A message was sent to the dead-letter queue.
   *
   * @param source the source name, or {@code "unknown"} for an envelope that could not be decoded
   * @param deliveryId the delivery id, or the SQS message id when the envelope could not be decoded
   * @param errorType the failure's type, for example the exception's class name
   */
  default void onDeadLettered(String source, String deliveryId, String errorType) {}

  /**
   * A message was sent to the dead-letter queue, with the reason code. The pipeline calls this one; by default it
   * forwards to {@link #onDeadLettered(String, String, String)}, so a listener overrides either.
   *
   * @param source the source name, or {@code "unknown"} for an envelope that could not be decoded
   * @param deliveryId the delivery id, or {@code "unknown"} when the envelope could not be decoded
   * @param reason the reason code, for example {@code attempts_exhausted} (the {@code FailureReport.REASON_} values)
   * @param errorType the failure's type, for example the exception's class name
   */
  default void onDeadLettered(String source, String deliveryId, String reason, String errorType) {
    onDeadLettered(source, deliveryId, errorType);
  }

  /**
   * A message's visibility could not be extended in time, so another consumer may receive it while it runs.
   *
   * @param messageId the SQS message id
   */
  default void onLeaseLost(String messageId) {}

  /**
   * A store finished in the sink (an {@code SqsEnqueuer} send), successfully or not, including its retries.
   *
   * @param source the source name
   * @param enqueueTime from {@code store} to the queue's answer (or the final failure)
   * @param stored whether the webhook was stored
   */
  default void onEnqueued(String source, Duration enqueueTime, boolean stored) {}

  /**
   * A consumer took a message from the queue and starts to process it; {@link #onMessageFinished} follows on the same
   * thread, whatever happens.
   *
   * @param source the source name, or {@code "unknown"} for a message that could not be decoded
   * @param attempt the attempt number, from 1
   * @param queueLag how long the message waited: now minus the queue's sent time ({@link Duration#ZERO} when unknown)
   */
  default void onMessageStarted(String source, int attempt, Duration queueLag) {}

  /**
   * A consumer finished processing a message (whatever the decision); pairs with {@link #onMessageStarted}.
   *
   * @param source the source name, or {@code "unknown"}
   */
  default void onMessageFinished(String source) {}

  /**
   * A handler threw; {@link #onRetryScheduled} or {@link #onDeadLettered} follows.
   *
   * @param webhook the webhook
   * @param attempt the attempt number, from 1
   * @param handlerTime how long the handler ran
   * @param error what it threw
   */
  default void onHandlerFailed(Webhook webhook, int attempt, Duration handlerTime, Throwable error) {}

  /**
   * Returns a listener that calls each of the given listeners in order; one that throws does not stop the others.
   *
   * @param listeners the listeners
   * @return the combined listener
   */
  static PipelineListener composite(PipelineListener... listeners) {
    List<PipelineListener> all = List.of(listeners);
    return new CompositePipelineListener(all);
  }

  /**
   * Returns a listener that forwards to {@code delegate} and catches, logs once at WARN, and swallows anything it
   * throws. The pipeline wraps every listener it is given this way.
   *
   * @param delegate the listener to protect
   * @return the safe listener
   */
  static PipelineListener safe(PipelineListener delegate) {
    Objects.requireNonNull(delegate, "delegate");
    if (delegate == NONE || delegate instanceof CompositePipelineListener) {
      return delegate;
    }
    return new CompositePipelineListener(List.of(delegate));
  }
}
