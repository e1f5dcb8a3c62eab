package dev.hookline.sqs.internal;

import dev.hookline.core.Attempt;
import dev.hookline.core.Tracing;
import dev.hookline.core.PipelineListener;
import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.envelope.EnvelopeException;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.internal.LogContext;
import dev.hookline.core.retry.Decision;
import dev.hookline.core.retry.WebhookProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The one settling path of every consumer, the long-running runner and the Lambda function alike: decode the
 * envelope → poison or process (the {@link WebhookProcessor} and its {@code ProcessingPolicy} decide) → apply the
 * {@link Decision}: delete, a visibility change for the retry delay, or a copy to the dead-letter queue and then a
 * delete. A dead-letter copy that SQS did not store leaves the original where it is, never deleted: it comes back
 * after its visibility timeout and is tried again.
 *
 * <p>What differs between consumers is only how a delete or a visibility change reaches SQS, which the caller's
 * {@link Port} does: the runner batches the calls, the Lambda function lets Lambda delete what its batch response
 * does not name.
 *
 * <p>Log context: while a message is decoded and processed (the handler call included), the SLF4J MDC holds
 * {@link #MDC_DELIVERY_ID}, {@link #MDC_SOURCE}, {@link #MDC_ATTEMPT} and {@link #MDC_MESSAGE_ID}; the thread's MDC is
 * restored afterwards, also when something throws.
 *
 * <p>FIFO queues: {@link GroupHoldBack} keeps per-group order within one receive.
 *
 * <p>Thread-safety: immutable and thread-safe; {@link GroupHoldBack} is not.
 */
public final class MessageSettler {

  private static final Logger log = LoggerFactory.getLogger(MessageSettler.class);

  private final WebhookProcessor processor;
  private final EnvelopeCodec codec;
  private final Clock clock;
  private final DeadLetters deadLetters;
  private final PipelineListener listener;

  /** MDC key: the delivery id, around the handler call. */
  public static final String MDC_DELIVERY_ID = LogContext.DELIVERY_ID;

  /** MDC key: the source name. */
  public static final String MDC_SOURCE = LogContext.SOURCE;

  /** MDC key: the attempt number, from 1. */
  public static final String MDC_ATTEMPT = LogContext.ATTEMPT;

  /** MDC key: the SQS message id (OpenTelemetry's {@code messaging.message.id}). */
  public static final String MDC_MESSAGE_ID = LogContext.MESSAGE_ID;

  private static final String UNKNOWN_SOURCE = "unknown";

  /**
   * Creates the settler.
   *
   * @param processor the processor that runs the handler and decides
   * @param codec the codec that decodes messages
   * @param clock the clock for a message without a first-receive time
   * @param deadLetters where dead letters go
   */
  public MessageSettler(WebhookProcessor processor, EnvelopeCodec codec, Clock clock, DeadLetters deadLetters) {
    this.processor = Objects.requireNonNull(processor, "processor");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.listener = processor.listener();
  }

  /** How a decision reaches SQS; one per consumer. */
  public interface Port {

    /**
     * Called once the decision is made, before it is applied. Returning false drops the decision: the message was
     * given back to the queue while it was handled (for example by a shutdown).
     *
     * @param message the message
     * @return whether to apply the decision
     */
    default boolean accept(Message message) {
      return true;
    }

    /**
     * Returns the name of the queue the message came from, for the processing span.
     *
     * @return the queue name; {@code unknown} unless overridden
     */
    default String queueName() {
      return "unknown";
    }

    /**
     * Deletes the message from the source queue.
     *
     * @param message the message
     * @return completes when the delete was handed on (its success need not be known)
     */
    CompletableFuture<?> delete(Message message);

    /**
     * Sets the message's visibility timeout.
     *
     * @param message the message
     * @param seconds 0 to {@link SqsLimits#MAX_VISIBILITY_SECONDS}
     */
    void changeVisibility(Message message, int seconds);
  }

  /** What became of a message. */
  public enum Kind {
    /** Deleted, or copied to the dead-letter queue and deleted: it will not come back. */
    DONE,
    /** Its visibility was set to the retry delay: it comes back then. */
    RETRY,
    /** Left as it is (a dead-letter copy failed, or the processor broke its promise): it comes back after its lease. */
    KEPT,
    /** The port did not accept the decision. */
    DROPPED
  }

  /**
   * The settlement of one message.
   *
   * @param kind what became of it
   * @param visibilitySeconds for {@link Kind#RETRY}, the visibility timeout it was given; else empty
   */
  public record Outcome(Kind kind, Optional<Integer> visibilitySeconds) {
    static final Outcome DONE = new Outcome(Kind.DONE, Optional.empty());
    static final Outcome KEPT = new Outcome(Kind.KEPT, Optional.empty());
    static final Outcome DROPPED = new Outcome(Kind.DROPPED, Optional.empty());

    /** {@return whether the message will not come back} */
    public boolean done() {
      return kind == Kind.DONE;
    }
  }

  /**
   * Decodes, processes and settles one message. Runs the handler on the calling thread.
   *
   * @param message the received message
   * @param port how the decision reaches SQS
   * @return the outcome; completes once a dead-letter copy was stored (or failed) and the delete handed on, at once
   *     for every other decision; never completes exceptionally
   */
  public CompletableFuture<Outcome> settle(Message message, Port port) {
    Instant now = clock.instant();
    Attempt attempt = SqsMessages.attempt(message, now);
    Optional<Webhook> webhook = Optional.empty();
    Decision decision;
    String source = UNKNOWN_SOURCE;
    LogContext logContext = LogContext.open();
    try {
      logContext.put(MDC_MESSAGE_ID, String.valueOf(message.messageId()));
      logContext.put(MDC_ATTEMPT, Integer.toString(attempt.number()));
      try {
        if (message.body() == null) {
          throw new EnvelopeException("message has no body", null);
        }
        webhook = Optional.of(codec.decode(message.body(), SqsMessages.stringAttributes(message)));
      } catch (RuntimeException e) {
        // Not an envelope nor the direct-integration form: poison, dead-lettered at once.
        log.debug("Undecodable message. messageId={} attempt={}", message.messageId(), attempt.number(), e);
        listener.onMessageStarted(source, attempt.number(), queueLag(message, now));
        try {
          decision = processor.poison(e, attempt);
        } finally {
          listener.onMessageFinished(source);
        }
        return apply(message, decision, webhook, attempt, port);
      }
      source = webhook.get().source();
      logContext.put(MDC_DELIVERY_ID, webhook.get().deliveryId());
      logContext.put(MDC_SOURCE, source);
      listener.onMessageStarted(source, attempt.number(), queueLag(message, now));
      try {
        decision = traced(message, webhook.get(), attempt, port);
      } finally {
        listener.onMessageFinished(source);
      }
    } catch (RuntimeException e) {
      // The processor promises never to throw; if it does, leave the message to come back after its lease.
      log.error(
          "Processing threw; the message will be received again after its visibility timeout. messageId={}",
          message.messageId(),
          e);
      return CompletableFuture.completedFuture(Outcome.KEPT);
    } finally {
      logContext.close();
    }
    return apply(message, decision, webhook, attempt, port);
  }

  /**
   * Runs the processor inside the attempt's span, current on this thread while the handler runs. The span's parent
   * comes from the envelope's trace context, so it survives retries, the dead-letter copy and a redrive; the {@code
   * AWSTraceHeader} system attribute (X-Ray) is handed on as the fallback.
   */
  private Decision traced(Message message, Webhook webhook, Attempt attempt, Port port) {
    Tracing tracing = processor.tracing();
    if (tracing == Tracing.NONE) {
      return processor.process(webhook, attempt);
    }
    Tracing.ProcessSpan span =
        tracing.process(
            webhook,
            attempt,
            new Tracing.QueueMessage(
                port.queueName(),
                message.messageId() == null ? "" : message.messageId(),
                Optional.ofNullable(message.attributes().get(MessageSystemAttributeName.AWS_TRACE_HEADER))));
    Decision decision;
    Tracing.Scope scope = span.makeCurrent();
    try {
      decision = processor.process(webhook, attempt);
    } finally {
      scope.close();
    }
    span.end(decision);
    return decision;
  }

  /** Now minus SQS's {@code SentTimestamp}; zero when it is missing, malformed or in the future. */
  static Duration queueLag(Message message, Instant now) {
    String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
    if (sent == null) {
      return Duration.ZERO;
    }
    try {
      Duration lag = Duration.between(Instant.ofEpochMilli(Long.parseLong(sent.trim())), now);
      return lag.isNegative() ? Duration.ZERO : lag;
    } catch (NumberFormatException e) {
      return Duration.ZERO;
    }
  }

  private CompletableFuture<Outcome> apply(
      Message m, Decision decision, Optional<Webhook> webhook, Attempt attempt, Port port) {
    if (!port.accept(m)) {
      log.debug(
          "Message was released while it was handled; dropping its decision. messageId={} decision={}",
          m.messageId(),
          decision);
      return CompletableFuture.completedFuture(Outcome.DROPPED);
    }
    String deliveryId = webhook.map(Webhook::deliveryId).orElse("-");
    String source = webhook.map(Webhook::source).orElse("-");
    if (decision instanceof Decision.Ack ack) {
      log.debug(
          "Handled; deleting. messageId={} deliveryId={} source={} attempt={} duplicate={}",
          m.messageId(),
          deliveryId,
          source,
          attempt.number(),
          ack.duplicate());
      port.delete(m);
      return CompletableFuture.completedFuture(Outcome.DONE);
    }
    if (decision instanceof Decision.Retry retry) {
      int seconds = SqsLimits.visibilitySeconds(retry.after());
      log.debug(
          "Attempt failed; retrying later. messageId={} deliveryId={} source={} attempt={} visibilityTimeout={}s"
              + " reason={}",
          m.messageId(),
          deliveryId,
          source,
          attempt.number(),
          seconds,
          retry.failure().reason());
      port.changeVisibility(m, seconds);
      return CompletableFuture.completedFuture(new Outcome(Kind.RETRY, Optional.of(seconds)));
    }
    Decision.DeadLetter dead = (Decision.DeadLetter) decision;
    // The processor has logged the dead letter at WARN; this adds the SQS message id at DEBUG.
    log.debug(
        "Sending to the dead-letter queue. messageId={} deliveryId={} source={} attempt={} reason={} errorType={}",
        m.messageId(),
        deliveryId,
        source,
        attempt.number(),
        dead.report().reason(),
        dead.report().errorType());
    return deadLetters
        .send(m, dead.report(), webhook)
        .thenCompose(
            stored -> {
              if (!stored) {
                return CompletableFuture.completedFuture(Outcome.KEPT);
              }
              return port.delete(m).handle((ignored, error) -> Outcome.DONE);
            });
  }

  /**
   * The FIFO rule, for the messages of one receive (or one Lambda batch) taken in order: once a message of a group
   * is not done, the rest of that group is held back, not handled, and made visible again at once (visibility 0).
   * SQS hands out nothing more of a group while one of its messages is in flight, so the group comes back in order
   * behind the failed message, after its retry delay. Other groups go on. Messages without a group are never held
   * back.
   *
   * <p>Thread-safety: not thread-safe; one per receive.
   */
  public static final class GroupHoldBack {
    private final Set<String> failedGroups = new HashSet<>();

    /**
     * Returns whether the message must be held back because its group failed earlier in this receive; the caller
     * then makes it visible again (visibility 0) and reports it as not done.
     *
     * @param message the next message
     * @return true to hold it back
     */
    public boolean heldBack(Message message) {
      Optional<String> group = SqsMessages.messageGroupId(message);
      if (group.isEmpty() || !failedGroups.contains(group.get())) {
        return false;
      }
      log.debug(
          "Holding back a message after a failure in its FIFO group. messageId={} group={}",
          message.messageId(),
          group.get());
      return true;
    }

    /**
     * Records how a message ended; a message not done (or not started) holds back the rest of its group.
     *
     * @param message the message
     * @param outcome its outcome, or empty when it was not started
     */
    public void record(Message message, Optional<Outcome> outcome) {
      if (outcome.isEmpty() || !outcome.get().done()) {
        SqsMessages.messageGroupId(message).ifPresent(failedGroups::add);
      }
    }
  }
}
