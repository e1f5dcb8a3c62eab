package dev.hookline.core.retry;

import dev.hookline.core.Attempt;
import dev.hookline.core.Outcome;
import dev.hookline.core.PipelineListener;
import dev.hookline.core.RetryLaterException;
import dev.hookline.core.Tracing;
import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.idempotency.Claim;
import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.core.internal.DeliveryIds;
import dev.hookline.core.signature.SignatureVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt the same way in every consumer, and turns whatever happens into a {@link Decision}.
 *
 * <p>The stages, in order:
 *
 * <ol>
 *   <li><b>Deferred verification</b>: only for a webhook marked {@link Verification#DEFERRED} (written by an API
 *       Gateway direct integration). The verifier registered for its source checks headers and body; a failure
 *       dead-letters it as {@code signature_invalid}, and a source with no verifier as {@code unknown_source},
 *       without calling the handler. On success the handler sees the webhook as {@link Verification#VERIFIED}, and
 *       when its delivery id was the content hash and the verifier knows the provider's id, with that id.
 *   <li><b>Idempotency claim</b> (when a store is configured): {@code Done} → {@code Ack(duplicate=true)}
 *       without calling the handler; {@code InProgress} (another consumer holds it) → {@code Retry} after the
 *       claim's remaining time (at least 1 s, at most SQS's 12 hours) with reason {@value
 *       FailureReport#REASON_IN_PROGRESS}, without consulting the policy: such waits never use up attempts and never
 *       dead-letter, and the copy ends as a skipped duplicate once the holder completes (or is handled, if the
 *       holder gave the claim up).
 *   <li><b>Handler</b>, timed with the clock. Anything it throws fails the attempt, errors included, except a
 *       {@link VirtualMachineError}, which is rethrown.
 *   <li><b>Decision</b> by the {@link ProcessingPolicy}.
 *   <li><b>Claim settlement</b>, with the claim the store returned (so a holder whose claim lapsed and was taken
 *       by another consumer changes nothing): {@code complete} on Ack; {@code release} on Retry and also on
 *       DeadLetter, so a message an operator redrives from the DLQ after a fix is handled again instead of being
 *       skipped as a duplicate. A claim that throws fails the attempt like a handler failure (retried later while
 *       attempts last); the handler never runs without a claim.
 *   <li><b>Listener</b>: {@code onHandled}, {@code onDuplicate}, {@code onRetryScheduled} or {@code onDeadLettered}.
 * </ol>
 *
 * <p>Logs DEBUG per message and WARN per dead letter ({@code deliveryId}, {@code source}, {@code attempt},
 * {@code reason}); never bodies or signatures.
 *
 * <pre>{@code
 * WebhookProcessor processor = WebhookProcessor.builder()
 *     .handler((webhook, attempt) -> orders.apply(webhook.body()))
 *     .idempotencyStore(InMemoryIdempotencyStore.builder().build())
 *     .verifier("standard", standardWebhooksVerifier)
 *     .build();
 * Decision decision = processor.process(webhook, new Attempt(receiveCount, firstReceivedAt));
 * }</pre>
 *
 * <p>Thread-safety: immutable and thread-safe; {@link #process} may be called concurrently (the handler, store,
 * verifiers and listener must be thread-safe too). Nothing here owns resources: you close what you pass in.
 */
public final class WebhookProcessor {

  private static final Logger log = LoggerFactory.getLogger(WebhookProcessor.class);

  /** Default lifetime of an idempotency claim whose holder never settles it. */
  public static final Duration DEFAULT_CLAIM_TTL = Duration.ofMinutes(15);

  /** The shortest wait of a copy whose delivery another consumer holds: the claim may be about to end. */
  private static final Duration MIN_IN_PROGRESS_WAIT = Duration.ofSeconds(1);

  private final WebhookHandler handler;
  private final ProcessingPolicy policy;
  private final IdempotencyStore idempotencyStore;
  private final Duration claimTtl;

  private final PipelineListener listener;
  private final Tracing tracing;
  private final Clock clock;
  private final Map<String, SignatureVerifier> verifiers;

  private WebhookProcessor(Builder b) {
    this.handler = b.handler;
    this.policy = ProcessingPolicy.of(b.retryPolicy);
    this.idempotencyStore = b.idempotencyStore;
    this.claimTtl = b.claimTtl;
    this.listener = PipelineListener.safe(b.listener);
    this.tracing = Tracing.safe(b.tracing);
    this.clock = b.clock;
    this.verifiers = Map.copyOf(b.verifiers);
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the tracing the consumers use around each attempt: they start its {@link Tracing#process} span, run
   * {@link #process} with that span current, and end it with the decision. Already wrapped with {@link
   * Tracing#safe}.
   *
   * @return the tracing; {@link Tracing#NONE} unless configured
   */
  public Tracing tracing() {
    return tracing;
  }

  /**
   * Processes one decoded webhook. Never throws: every failure becomes a {@link Decision} (except a
   * {@link VirtualMachineError}, which is rethrown).
   *
   * @param webhook the webhook
   * @param attempt the attempt
   * @return what to do with the message
   */
  public Decision process(Webhook webhook, Attempt attempt) {
    Objects.requireNonNull(webhook, "webhook");
    Objects.requireNonNull(attempt, "attempt");
    log.debug(
        "Processing webhook. deliveryId={} source={} attempt={} verification={}",
        webhook.deliveryId(),
        webhook.source(),
        attempt.number(),
        webhook.verification());
    try {
      return run(webhook, attempt);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      // A failing store, backoff or classifier: the message must still end somewhere, so retry it by the policy.
      log.warn(
          "Processing failed outside the handler. deliveryId={} source={} attempt={}",
          webhook.deliveryId(),
          webhook.source(),
          attempt.number(),
          e);
      return settle(webhook, attempt, fallback(attempt, e), Duration.ZERO, null);
    }
  }

  /**
   * {@return the listener this processor reports to, already wrapped with {@link PipelineListener#safe}}; the
   * consumers built on it report their own events (queue lag, messages in flight) to the same listener.
   */
  public PipelineListener listener() {
    return listener;
  }

  private Decision run(Webhook webhook, Attempt attempt) {
    // 1. Deferred verification.
    if (webhook.verification() == Verification.DEFERRED) {
      SignatureVerifier verifier = verifiers.get(webhook.source());
      if (verifier == null) {
        return settle(
            webhook,
            attempt,
            ProcessingPolicy.deadLetter(
                FailureReport.REASON_UNKNOWN_SOURCE,
                new IllegalStateException("no verifier configured for source '" + webhook.source() + "'"),
                attempt,
                clock.instant()),
            Duration.ZERO,
            null);
      }
      byte[] body = webhook.body();
      try {
        // As of receipt: the replay window counts from when API Gateway took the request, not from now.
        verifier.verifyAsOf(webhook.headers(), body, webhook.receivedAt());
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        log.debug(
            "Deferred signature check failed. deliveryId={} source={} check={}",
            webhook.deliveryId(),
            webhook.source(),
            e.getMessage());
        return settle(
            webhook,
            attempt,
            ProcessingPolicy.deadLetter(FailureReport.REASON_SIGNATURE_INVALID, e, attempt, clock.instant()),
            Duration.ZERO,
            null);
      }
      webhook = verified(webhook, verifier, body);
    }

    // 2. Idempotency claim.
    Claim.Acquired claimed = null;
    if (idempotencyStore != null) {
      Claim claim = idempotencyStore.claim(webhook.deliveryId(), claimTtl);
      if (claim.isDone()) {
        log.debug(
            "Duplicate delivery skipped. deliveryId={} source={} attempt={}",
            webhook.deliveryId(),
            webhook.source(),
            attempt.number());
        listener.onDuplicate(webhook);
        return new Decision.Ack(true);
      }
      if (claim instanceof Claim.InProgress busy) {
        return waitForHolder(webhook, attempt, busy);
      }
      claimed = (Claim.Acquired) claim;
    }

    // 3. Handler.
    Instant start = clock.instant();
    Outcome outcome;
    try {
      handler.handle(webhook, attempt);
      outcome = Outcome.success();
    } catch (VirtualMachineError e) {
      release(webhook, claimed);
      throw e;
    } catch (Throwable e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      outcome = Outcome.failure(e);
    }
    Instant end = clock.instant();
    Duration handlerTime = end.isBefore(start) ? Duration.ZERO : Duration.between(start, end);
    if (!outcome.isSuccess()) {
      listener.onHandlerFailed(webhook, attempt.number(), handlerTime, ((Outcome.Failure) outcome).error());
      log.debug(
          "Handler failed. deliveryId={} source={} attempt={}",
          webhook.deliveryId(),
          webhook.source(),
          attempt.number(),
          ((Outcome.Failure) outcome).error());
    }

    // 4. Decision.
    Decision decision;
    try {
      decision = policy.decide(attempt, outcome, end);
    } catch (RuntimeException e) {
      release(webhook, claimed);
      throw e;
    }
    return settle(webhook, attempt, decision, handlerTime, claimed);
  }

  /**
   * A copy of a delivery another consumer is handling waits for the holder's claim, however many times it was
   * received: retrying it sooner could only find the claim held again, and dead-lettering it would raise an alarm
   * for a webhook that is being handled.
   */
  private Decision waitForHolder(Webhook webhook, Attempt attempt, Claim.InProgress busy) {
    Duration wait = busy.remaining();
    if (wait.compareTo(MIN_IN_PROGRESS_WAIT) < 0) {
      wait = MIN_IN_PROGRESS_WAIT;
    }
    if (wait.compareTo(SqsLimits.MAX_VISIBILITY) > 0) {
      wait = SqsLimits.MAX_VISIBILITY;
    }
    Instant now = clock.instant();
    FailureReport report =
        new FailureReport(
            FailureReport.REASON_IN_PROGRESS,
            "",
            "delivery is being handled by another consumer",
            attempt.number(),
            attempt.firstReceivedAt(),
            now);
    log.debug(
        "Delivery is in progress elsewhere; waiting for its claim. deliveryId={} source={} attempt={} wait={}",
        webhook.deliveryId(),
        webhook.source(),
        attempt.number(),
        wait);
    listener.onRetryScheduled(webhook, attempt.number(), wait);
    return new Decision.Retry(wait, report);
  }

  /** 5 and 6: settles the claim, logs and tells the listener. */
  private Decision settle(
      Webhook webhook, Attempt attempt, Decision decision, Duration handlerTime, Claim.Acquired claimed) {
    if (decision instanceof Decision.Ack) {
      if (claimed != null) {
        complete(webhook, claimed);
      }
      log.debug(
          "Handled. deliveryId={} source={} attempt={} handlerTime={}",
          webhook.deliveryId(),
          webhook.source(),
          attempt.number(),
          handlerTime);
      listener.onHandled(webhook, attempt.number(), handlerTime);
    } else if (decision instanceof Decision.Retry) {
      release(webhook, claimed);
      Decision.Retry retry = (Decision.Retry) decision;
      log.debug(
          "Retry scheduled. deliveryId={} source={} attempt={} delay={} errorType={}",
          webhook.deliveryId(),
          webhook.source(),
          attempt.number(),
          retry.after(),
          retry.failure().errorType());
      listener.onRetryScheduled(webhook, attempt.number(), retry.after());
    } else {
      release(webhook, claimed);
      FailureReport report = ((Decision.DeadLetter) decision).report();
      log.warn(
          "Dead-lettering webhook. deliveryId={} source={} attempt={} reason={} errorType={}",
          webhook.deliveryId(),
          webhook.source(),
          attempt.number(),
          report.reason(),
          report.errorType());
      listener.onDeadLettered(webhook.source(), webhook.deliveryId(), report.reason(), report.errorType());
    }
    return decision;
  }

  /** Records the success. The message is acknowledged whatever happens here: the handler did succeed. */
  private void complete(Webhook webhook, Claim.Acquired claimed) {
    try {
      if (!idempotencyStore.complete(claimed)) {
        // The claim lapsed (the handler ran longer than claimTtl) and another consumer took the id.
        log.warn(
            "Idempotency claim was lost before completion; another consumer may handle this delivery too."
                + " deliveryId={} source={} claimTtl={}",
            webhook.deliveryId(),
            webhook.source(),
            claimTtl);
      }
    } catch (RuntimeException e) {
      // A redelivery arriving after the claim's ttl may run the handler again.
      log.warn("Idempotency complete failed. deliveryId={} source={}", webhook.deliveryId(), webhook.source(), e);
    }
  }

  private void release(Webhook webhook, Claim.Acquired claimed) {
    if (claimed != null) {
      try {
        if (!idempotencyStore.release(claimed)) {
          log.debug(
              "Idempotency claim was no longer ours to release. deliveryId={} source={}",
              webhook.deliveryId(),
              webhook.source());
        }
      } catch (RuntimeException e) {
        // The claim expires after its ttl; the retry then claims again.
        log.warn("Idempotency release failed. deliveryId={} source={}", webhook.deliveryId(), webhook.source(), e);
      }
    }
  }

  /** The decision when something other than the handler failed: the policy's, or a plain retry if it fails too. */
  private Decision fallback(Attempt attempt, Throwable error) {
    Instant now = clock.instant();
    try {
      return policy.decide(attempt, Outcome.failure(error), now);
    } catch (RuntimeException e) {
      return new Decision.Retry(
          Duration.ZERO,
          FailureReport.of(FailureReport.REASON_HANDLER_FAILED, error, attempt.number(), attempt.firstReceivedAt(), now));
    }
  }

  private static Webhook verified(Webhook webhook, SignatureVerifier verifier, byte[] body) {
    Webhook.Builder b = webhook.toBuilder().verification(Verification.VERIFIED);
    if (webhook.deliveryId().equals(DeliveryIds.fromContent(webhook.source(), body))) {
      Optional<String> providerId = verifier.deliveryId(webhook.headers(), body);
      providerId.filter(id -> !id.isBlank()).ifPresent(b::deliveryId);
    }
    return b.build();
  }

  /**
   * Decides for a message that could not be decoded: always a {@link Decision.DeadLetter} with reason
   * {@code poison_message}; the handler is never called.
   *
   * @param error the decode failure
   * @param attempt the attempt
   * @return the dead-letter decision
   */
  public Decision poison(Throwable error, Attempt attempt) {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(attempt, "attempt");
    Decision.DeadLetter decision =
        ProcessingPolicy.deadLetter(FailureReport.REASON_POISON_MESSAGE, error, attempt, clock.instant());
    log.warn(
        "Dead-lettering undecodable message. attempt={} reason={} errorType={} error={}",
        attempt.number(),
        FailureReport.REASON_POISON_MESSAGE,
        decision.report().errorType(),
        decision.report().errorMessage());
    listener.onDeadLettered(
        "unknown", "unknown", FailureReport.REASON_POISON_MESSAGE, decision.report().errorType());
    return decision;
  }

  @Override
  public String toString() {
    return "WebhookProcessor{policy="
        + policy
        + ", idempotencyStore="
        + idempotencyStore
        + ", verifiedSources="
        + verifiers.keySet()
        + '}';
  }

  /** Builds a {@link WebhookProcessor}. Not thread-safe; setters only record and {@link #build()} validates. */
  public static final class Builder {
    private WebhookHandler handler;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private IdempotencyStore idempotencyStore;
    private Duration claimTtl = DEFAULT_CLAIM_TTL;
    private PipelineListener listener = PipelineListener.NONE;
    private Tracing tracing = Tracing.NONE;
    private Clock clock = Clock.systemUTC();
    private final Map<String, SignatureVerifier> verifiers = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets your handler. Required.
     *
     * @param handler the handler
     * @return this builder
     */
    public Builder handler(WebhookHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Sets the retry policy. Default {@link RetryPolicy#defaults()}.
     *
     * @param retryPolicy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * Sets the store that skips deliveries already handled. Default: none (every delivery runs the handler).
     *
     * @param idempotencyStore the store; you own it
     * @return this builder
     */
    public Builder idempotencyStore(IdempotencyStore idempotencyStore) {
      this.idempotencyStore = Objects.requireNonNull(idempotencyStore, "idempotencyStore");
      return this;
    }

    /**
     * Sets how long an idempotency claim lasts if its holder dies without settling it. Default 15 minutes; set it
     * above your longest handler run.
     *
     * @param claimTtl positive
     * @return this builder
     */
    public Builder claimTtl(Duration claimTtl) {
      this.claimTtl = Objects.requireNonNull(claimTtl, "claimTtl");
      return this;
    }

    /**
     * Sets the listener; it is wrapped with {@link PipelineListener#safe}. Default {@link PipelineListener#NONE}.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PipelineListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the tracing of processing attempts: the consumers ({@code SqsConsumerRunner}, the Lambda function) start
     * a span per attempt and run the handler with it current. Default {@link Tracing#NONE}; set it to {@code
     * webhook-opentelemetry}'s to trace. It is wrapped with {@link Tracing#safe}.
     *
     * @param tracing the tracing
     * @return this builder
     */
    public Builder tracing(Tracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    /**
     * Sets the clock for decisions, failure times and handler timing. Default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Registers the verifier for a source's {@link Verification#DEFERRED} webhooks (API Gateway direct
     * integration), replacing any earlier one for that source. Other webhooks are never verified again here.
     *
     * @param sourceName the source name
     * @param verifier the source's verifier
     * @return this builder
     */
    public Builder verifier(String sourceName, SignatureVerifier verifier) {
      Objects.requireNonNull(sourceName, "sourceName");
      Objects.requireNonNull(verifier, "verifier");
      verifiers.put(sourceName, verifier);
      return this;
    }

    /**
     * Returns the processor.
     *
     * @return the processor
     * @throws IllegalArgumentException naming the missing or invalid field
     */
    public WebhookProcessor build() {
      if (handler == null) {
        throw new IllegalArgumentException("handler must be set");
      }
      if (claimTtl.isNegative() || claimTtl.isZero()) {
        throw new IllegalArgumentException("claimTtl must be positive, was " + claimTtl);
      }
      for (String source : verifiers.keySet()) {
        if (source.isBlank()) {
          throw new IllegalArgumentException("verifier source name must not be blank");
        }
      }
      return new WebhookProcessor(this);
    }
  }
}
