package dev.hookline.micrometer;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.RejectReason;
import dev.hookline.core.Webhook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A {@link PipelineListener} that records the pipeline in a Micrometer {@link MeterRegistry}, under {@code hookline.}.
 * The module README lists every meter with its type, tags and what a sudden change means.
 *
 * <p>Tags are bounded: {@code source}, {@code outcome} and {@code reason} only, never a delivery id, message id or
 * path. A source named by a request that was refused as an unknown source is tagged {@code unknown}, and once
 * {@link Builder#maxSources} distinct sources have been seen, further ones are tagged {@code other}, so that a sender
 * probing random paths cannot grow the registry.
 *
 * <pre>{@code
 * MicrometerPipelineListener metrics = MicrometerPipelineListener.builder(registry).build();
 * SqsEnqueuer enqueuer = SqsEnqueuer.builder()...listener(metrics).build();
 * metrics.bindPendingStores(enqueuer::pending);
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; one instance may serve every component of an application.
 */
public final class MicrometerPipelineListener implements PipelineListener {

  /** Tag value for a source that is not known or not kept. */
  static final String UNKNOWN = "unknown";

  /** Tag value for sources beyond {@link Builder#maxSources}. */
  static final String OTHER = "other";

  /** Tag value where a tag has no value (for example {@code reason} of an accepted webhook). */
  static final String NONE = "none";

  private final MeterRegistry registry;
  private final int maxSources;
  private final Set<String> sources = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();

  private MicrometerPipelineListener(Builder b) {
    this.registry = b.registry;
    this.maxSources = b.maxSources;
    Gauge.builder("hookline.messages.in.flight", inFlight, AtomicInteger::get)
        .description("Messages a consumer in this process is processing now")
        .register(registry);
  }

  /**
   * Returns a new builder.
   *
   * @param registry where the meters go; you own it and close it
   * @return the builder
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  /**
   * Registers the {@code hookline.enqueue.pending} gauge, read from {@code pending} (for example {@code
   * enqueuer::pending}). Call it once, after the sink is built with this listener.
   *
   * @param pending how many stores are pending now
   * @return this listener
   */
  public MicrometerPipelineListener bindPendingStores(IntSupplier pending) {
    Objects.requireNonNull(pending, "pending");
    Gauge.builder("hookline.enqueue.pending", pending, IntSupplier::getAsInt)
        .description("Stores accepted by the sink and not yet confirmed by the queue")
        .strongReference(true)
        .register(registry);
    return this;
  }

  @Override
  public void onRejected(String source, RejectReason reason) {
    String tag = reason == RejectReason.UNKNOWN_SOURCE ? UNKNOWN : source(source);
    received(tag, "rejected", reason.code());
  }

  @Override
  public void onHandshake(String source, String handshake) {
    received(source(source), "handshake", NONE);
  }

  @Override
  public void onAccepted(Webhook webhook, Duration sinkLatency) {
    String source = source(webhook.source());
    received(source, "accepted", NONE);
    Timer.builder("hookline.ack")
        .description("From the request to the durable store, before the 2xx")
        .tags("source", source)
        .register(registry)
        .record(sinkLatency);
  }

  @Override
  public void onSinkRetry(String source, int attempt, Throwable error) {
    counter("hookline.enqueue.retries", "Sends to the queue retried by the sink", Tags.of("source", source(source)));
  }

  @Override
  public void onEnqueued(String source, Duration enqueueTime, boolean stored) {
    Timer.builder("hookline.enqueue")
        .description("Time the sink took to store a webhook in the queue, retries included")
        .tags("source", source(source), "outcome", stored ? "stored" : "failed")
        .register(registry)
        .record(enqueueTime);
  }

  @Override
  public void onMessageStarted(String source, int attempt, Duration queueLag) {
    inFlight.incrementAndGet();
    Timer.builder("hookline.queue.lag")
        .description("Time a message waited in the queue: now minus its SentTimestamp")
        .tags("source", source(source))
        .register(registry)
        .record(queueLag);
  }

  @Override
  public void onMessageFinished(String source) {
    inFlight.decrementAndGet();
  }

  @Override
  public void onHandled(Webhook webhook, int attempt, Duration handlerTime) {
    handler(webhook.source(), "success", handlerTime);
  }

  @Override
  public void onHandlerFailed(Webhook webhook, int attempt, Duration handlerTime, Throwable error) {
    handler(webhook.source(), "failure", handlerTime);
  }

  @Override
  public void onDuplicate(Webhook webhook) {
    counter(
        "hookline.duplicates",
        "Deliveries skipped because the idempotency store had completed them",
        Tags.of("source", source(webhook.source())));
  }

  @Override
  public void onRetryScheduled(Webhook webhook, int attempt, Duration delay) {
    counter("hookline.retries", "Failed attempts scheduled for a retry", Tags.of("source", source(webhook.source())));
  }

  @Override
  public void onDeadLettered(String source, String deliveryId, String reason, String errorType) {
    counter(
        "hookline.dead.letters",
        "Messages sent to the dead-letter queue",
        Tags.of("source", source(source), "reason", reason));
  }

  @Override
  public void onLeaseLost(String messageId) {
    counter("hookline.leases.lost", "Visibility extensions that came too late", Tags.empty());
  }

  private void received(String source, String outcome, String reason) {
    counter(
        "hookline.received",
        "Requests answered by the receiver",
        Tags.of("source", source, "outcome", outcome, "reason", reason));
  }

  private void handler(String source, String outcome, Duration time) {
    Timer.builder("hookline.handler")
        .description("Time your handler ran")
        .tags("source", source(source), "outcome", outcome)
        .register(registry)
        .record(time);
  }

  private void counter(String name, String description, Tags tags) {
    Counter.builder(name).description(description).tags(tags).register(registry).increment();
  }

  /** Bounds the source tag: known sources as they are, then {@code other}. */
  private String source(String source) {
    if (source == null || source.isEmpty() || UNKNOWN.equals(source)) {
      return UNKNOWN;
    }
    if (sources.contains(source)) {
      return source;
    }
    if (sources.size() >= maxSources) {
      return OTHER;
    }
    sources.add(source);
    return source;
  }

  @Override
  public String toString() {
    return "MicrometerPipelineListener{registry=" + registry.getClass().getSimpleName() + '}';
  }

  /**
   * Builds a {@link MicrometerPipelineListener}.
   *
   * <p>Thread-safety: not thread-safe.
   */
  public static final class Builder {
    private final MeterRegistry registry;
    private int maxSources = 100;

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Sets how many distinct sources get their own {@code source} tag; later ones are tagged {@code other}. Default
     * 100. Raise it only if you really receive from more sources.
     *
     * @param maxSources at least 1
     * @return this builder
     */
    public Builder maxSources(int maxSources) {
      this.maxSources = maxSources;
      return this;
    }

    /**
     * Builds the listener and registers its gauge.
     *
     * @return the listener
     * @throws IllegalArgumentException when {@code maxSources} is below 1
     */
    public MicrometerPipelineListener build() {
      if (maxSources < 1) {
        throw new IllegalArgumentException("maxSources must be >= 1, was " + maxSources);
      }
      return new MicrometerPipelineListener(this);
    }
  }
}
