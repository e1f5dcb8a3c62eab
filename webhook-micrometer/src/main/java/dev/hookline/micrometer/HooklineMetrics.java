package dev.hookline.micrometer;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.RejectReason;
import dev.hookline.core.Webhook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * Hookline's meters on a Micrometer {@link MeterRegistry}: a {@link PipelineListener} to give the receiver, the
 * enqueuer and the processor, plus gauges for what only the enqueuer and the runner know.
 *
 * <pre>{@code
 * HooklineMetrics metrics = HooklineMetrics.create(registry);
 * WebhookReceiver.builder()...listener(metrics);
 * SqsEnqueuer enqueuer = SqsEnqueuer.builder()...listener(metrics).build();
 * WebhookProcessor.builder()...listener(metrics);
 * metrics.pendingStores(enqueuer::pending).messagesInFlight(runner::inFlight);
 * }</pre>
 *
 * <p>Every meter is named {@code hookline.*} and tagged only with bounded values: the source name (as configured,
 * or {@code unknown}), an outcome and a reason from a fixed set. Never a delivery id, message id or path. The module
 * README lists them.
 *
 * <p>Thread-safety: thread-safe; meters are looked up by Micrometer's registry, which caches them.
 */
public final class HooklineMetrics implements PipelineListener {

  private static final String SOURCE = "source";
  private static final String OUTCOME = "outcome";
  private static final String REASON = "reason";

  private final MeterRegistry registry;

  private HooklineMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Creates the meters' listener on a registry.
   *
   * @param registry the registry; yours
   * @return the listener
   */
  public static HooklineMetrics create(MeterRegistry registry) {
    return new HooklineMetrics(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Registers the gauge {@code hookline.enqueue.pending}: stores accepted and not yet completed (for example
   * {@code enqueuer::pending}).
   *
   * @param pending the current count
   * @return this
   */
  public HooklineMetrics pendingStores(IntSupplier pending) {
    Objects.requireNonNull(pending, "pending");
    Gauge.builder("hookline.enqueue.pending", pending, IntSupplier::getAsInt)
        .strongReference(true) // a method reference has no other holder; a weak one would read NaN once collected
        .description("Webhooks accepted by the enqueuer and not yet stored or failed")
        .register(registry);
    return this;
  }

  /**
   * Registers the gauge {@code hookline.messages.in.flight}: messages a consumer holds (for example
   * {@code runner::inFlight}).
   *
   * @param inFlight the current count
   * @return this
   */
  public HooklineMetrics messagesInFlight(IntSupplier inFlight) {
    Objects.requireNonNull(inFlight, "inFlight");
    Gauge.builder("hookline.messages.in.flight", inFlight, IntSupplier::getAsInt)
        .strongReference(true)
        .description("Messages received by the consumer and not yet settled")
        .register(registry);
    return this;
  }

  @Override
  public void onRejected(String source, RejectReason reason) {
    received(source, "rejected", reason.code());
  }

  @Override
  public void onHandshake(String source, String handshake) {
    received(source, "handshake", "none");
  }

  @Override
  public void onAccepted(Webhook webhook, Duration sinkLatency) {
    received(webhook.source(), "accepted", "none");
    timer("hookline.ack", "Time from a webhook's verification to its durable store (the acknowledgement)", webhook.source())
        .record(sinkLatency);
  }

  @Override
  public void onSinkRetry(String source, int attempt, Throwable error) {
    Counter.builder("hookline.enqueue.retries")
        .description("Store calls the enqueuer retried")
        .tag(SOURCE, source)
        .register(registry)
        .increment();
  }

  @Override
  public void onAttemptStarted(Webhook webhook, int attempt, Duration sinceReceipt) {
    timer("hookline.queue.lag", "Time from a webhook's receipt to the start of each attempt", webhook.source())
        .record(sinceReceipt);
  }

  @Override
  public void onHandled(Webhook webhook, int attempt, Duration handlerTime) {
    handler(webhook.source(), "success").record(handlerTime);
  }

  @Override
  public void onHandlerFailed(Webhook webhook, int attempt, Duration handlerTime, Throwable error) {
    handler(webhook.source(), "failure").record(handlerTime);
  }

  @Override
  public void onDuplicate(Webhook webhook) {
    Counter.builder("hookline.duplicates")
        .description("Deliveries skipped because the idempotency store had completed them")
        .tag(SOURCE, webhook.source())
        .register(registry)
        .increment();
  }

  @Override
  public void onRetryScheduled(Webhook webhook, int attempt, Duration delay) {
    Counter.builder("hookline.retries")
        .description("Attempts that will be tried again after a delay")
        .tag(SOURCE, webhook.source())
        .register(registry)
        .increment();
  }

  @Override
  public void onDeadLettered(String source, String deliveryId, String reason, String errorType) {
    Counter.builder("hookline.dead.letters")
        .description("Messages sent to the dead-letter queue")
        .tag(SOURCE, source)
        .tag(REASON, reason)
        .register(registry)
        .increment();
  }

  @Override
  public void onLeaseLost(String messageId) {
    Counter.builder("hookline.leases.lost")
        .description("Messages whose visibility could not be extended while they were handled")
        .register(registry)
        .increment();
  }

  private void received(String source, String outcome, String reason) {
    Counter.builder("hookline.received")
        .description("Requests the receiver answered, by outcome and reject reason")
        .tag(SOURCE, source)
        .tag(OUTCOME, outcome)
        .tag(REASON, reason)
        .register(registry)
        .increment();
  }

  private Timer handler(String source, String outcome) {
    return Timer.builder("hookline.handler")
        .description("Handler run time, by outcome")
        .tag(SOURCE, source)
        .tag(OUTCOME, outcome)
        .register(registry);
  }

  private Timer timer(String name, String description, String source) {
    return Timer.builder(name).description(description).tag(SOURCE, source).register(registry);
  }

  @Override
  public String toString() {
    return "HooklineMetrics{registry=" + registry.getClass().getSimpleName() + '}';
  }
}
