package dev.hookline.core;

import dev.hookline.core.internal.DeliveryIds;
import dev.hookline.core.internal.Failures;
import dev.hookline.core.internal.LogContext;
import dev.hookline.core.signature.SignatureVerificationException;
import dev.hookline.core.signature.SignatureVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@link InboundRequest} into a {@link ReceiveResult}: limits, signature, delivery id, then the sink.
 *
 * <p>The pipeline, in this order, stops at the first failing step:
 *
 * <ol>
 *   <li>method is {@code POST}, or one the source's {@link Handshake} arrives with (Meta's {@code GET}), else 405;
 *   <li>the source is configured, else 404;
 *   <li>the body is at most the source's {@link WebhookSource#maxBodyBytes()}, else 413;
 *   <li>an unsigned handshake ({@link Handshake#signed()} false: Meta's {@code GET ?hub.challenge=..}, X's CRC,
 *       Dropbox's and Microsoft Graph's challenges) is answered here, never enqueued; a wrong verify token is 403
 *       with the generic message {@value #HANDSHAKE_REFUSED}. A request that is not a handshake and not {@code POST}
 *       is 405;
 *   <li>{@code Content-Type} is present and allowed for the source, else 415 (a missing one is 415 too: the
 *       receiver cannot tell what the body is); a value that is not a media type at all is 400;
 *   <li>the source's verifier accepts the signature, else 401 with the generic message {@value #SIGNATURE_FAILED};
 *       a DEBUG line names the failed check ({@code check=signature}, {@code timestamp_too_old}, ...). A verifier
 *       that cannot check now (SNS's certificate could not be fetched) is a 503;
 *   <li>a signed handshake ({@link Handshake#signed()} true: Slack's {@code url_verification}, Zoom's {@code
 *       endpoint.url_validation}, Twitch's challenge, Discord's {@code PING}, SNS's {@code SubscriptionConfirmation})
 *       is answered here, never enqueued;
 *   <li>the delivery id is the verifier's, else the source's {@link DeliveryIdRule}, else a SHA-256 of source and
 *       body; an id over 128 characters or with characters SQS refuses in a deduplication id is replaced by its
 *       SHA-256;
 *   <li>the {@link Webhook} is built with the time from the clock and the headers minus credentials;
 *   <li>the {@link WebhookSink} stores it within the budget: 2xx, or 429 / 413 / 503 from its failure, with
 *       {@code Retry-After} on 429 and 503.
 * </ol>
 *
 * <p>Every answered handshake is reported to {@link PipelineListener#onHandshake}, every refusal to {@link
 * PipelineListener#onRejected}.
 *
 * <p>The returned stage always completes normally, with a result; it never fails. A sink that throws, returns
 * {@code null} or fails is a 503. A sink that never completes is a 503 once the budget plus a margin of
 * {@value #SINK_TIMEOUT_MARGIN_MILLIS} ms has passed: that timeout uses {@link CompletableFuture#orTimeout}, whose
 * timer is the JDK's own shared daemon thread, so the receiver owns no threads and needs no {@code close()}. When the
 * timeout fires, the result mapping and the listener's {@code onRejected} run on that JDK thread; they are short.
 *
 * <p>Log context: while a request is received (the checks and the sink's {@code store} call) and again while the
 * sink's answer is mapped, the SLF4J MDC holds {@code hookline.source} (the configured name, or {@code unknown}) and,
 * once assigned, {@code hookline.delivery_id}; the thread's previous values are restored afterwards.
 *
 * <p>Thread-safety: immutable and safe to share between any number of transport threads.
 *
 * <pre>{@code
 * WebhookReceiver receiver = WebhookReceiver.builder()
 *     .addSource(WebhookSource.builder().name("github").verifier(githubVerifier).build())
 *     .sink(enqueuer)
 *     .build();
 * ReceiveResult result = receiver.receiveBlocking("github", request);
 * }</pre>
 */
public final class WebhookReceiver {

  private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);

  /** The client-facing message of every 401; which check failed is only logged at DEBUG. */
  public static final String SIGNATURE_FAILED = "signature verification failed";

  /** The client-facing message of a refused handshake (403); which check failed is only logged at DEBUG. */
  public static final String HANDSHAKE_REFUSED = "handshake refused";

  /** How long after the budget the receiver stops waiting for a sink that has not completed. */
  public static final long SINK_TIMEOUT_MARGIN_MILLIS = 250;

  /** Headers that are never kept on a {@link Webhook}, whatever is configured: {@link WebhookHeaders#NEVER_KEPT}. */
  public static final Set<String> ALWAYS_DROPPED_HEADERS = WebhookHeaders.NEVER_KEPT;

  /** Extra headers dropped by default: API Gateway API keys. */
  public static final Set<String> DEFAULT_DROPPED_HEADERS = Set.of("X-Api-Key");

  /** Default {@code Retry-After} for 429: 5 seconds. */
  public static final Duration DEFAULT_OVER_CAPACITY_RETRY_AFTER = Duration.ofSeconds(5);

  /** Default {@code Retry-After} for 503: 10 seconds. */
  public static final Duration DEFAULT_UNAVAILABLE_RETRY_AFTER = Duration.ofSeconds(10);

  /**
   * The source name given to listeners and logs for a request whose source is not configured, so that client-chosen
   * path segments never become metric tags or log text. Avoid naming a configured source {@code unknown}.
   */
  public static final String UNKNOWN_SOURCE = "unknown";

  private final Map<String, WebhookSource> sources;
  private final WebhookSink sink;
  private final PipelineListener listener;
  private final Tracing tracing;
  private final Clock clock;
  private final int acceptedStatus;
  private final Duration overCapacityRetryAfter;
  private final Duration unavailableRetryAfter;
  private final Set<String> droppedHeaders;

  private WebhookReceiver(Builder b, Map<String, WebhookSource> sources, Set<String> droppedHeaders) {
    this.sources = sources;
    this.sink = b.sink;
    this.listener = PipelineListener.safe(b.listener);
    this.tracing = Tracing.safe(b.tracing);
    this.clock = b.clock;
    this.acceptedStatus = b.acceptedStatus;
    this.overCapacityRetryAfter = b.overCapacityRetryAfter;
    this.unavailableRetryAfter = b.unavailableRetryAfter;
    this.droppedHeaders = droppedHeaders;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Receives one request for a source within the source's enqueue budget.
   *
   * @param sourceName the source name, usually the last path segment
   * @param request the request
   * @return a stage that always completes normally with the result
   */
  public CompletionStage<ReceiveResult> receive(String sourceName, InboundRequest request) {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(request, "request");
    return traced(sourceName, request, null);
  }

  /**
   * Receives one request with a caller's budget, for example a Lambda function's remaining time less a safety margin.
   * The sink gets the smaller of this and the source's enqueue budget; a budget that is not positive is a 503.
   *
   * @param sourceName the source name, usually the last path segment
   * @param request the request
   * @param budget how long the caller can wait for the sink
   * @return a stage that always completes normally with the result
   */
  public CompletionStage<ReceiveResult> receive(String sourceName, InboundRequest request, Duration budget) {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(budget, "budget");
    return traced(sourceName, request, budget);
  }

  /**
   * Like {@link #receive(String, InboundRequest)}, but waits for the result; for transports with a thread per
   * request. Returns within the budget plus {@value #SINK_TIMEOUT_MARGIN_MILLIS} ms.
   *
   * @param sourceName the source name
   * @param request the request
   * @return the result
   */
  public ReceiveResult receiveBlocking(String sourceName, InboundRequest request) {
    return join(receive(sourceName, request), sourceName);
  }

  /**
   * Like {@link #receive(String, InboundRequest, Duration)}, but waits for the result.
   *
   * @param sourceName the source name
   * @param request the request
   * @param budget how long the caller can wait for the sink
   * @return the result
   */
  public ReceiveResult receiveBlocking(String sourceName, InboundRequest request, Duration budget) {
    return join(receive(sourceName, request, budget), sourceName);
  }

  /**
   * Answers 413 for a request whose declared {@code Content-Length} is over the source's limit, without its body; for
   * transports that check the length before reading. Listeners see it as received and rejected.
   *
   * @param sourceName the source name
   * @param declaredLength the declared body length in bytes
   * @return the 413 rejection
   */
  public ReceiveResult rejectOversized(String sourceName, long declaredLength) {
    String source = knownOrUnknown(Objects.requireNonNull(sourceName, "sourceName"));
    listener.onReceived(source, (int) Math.min(Integer.MAX_VALUE, Math.max(0, declaredLength)));
    return reject(source, null, RejectReason.PAYLOAD_TOO_LARGE, "body is over the limit");
  }

  /**
   * Returns the source configured under a name.
   *
   * @param name the source name
   * @return the source, or empty when none has that name
   */
  public Optional<WebhookSource> source(String name) {
    return Optional.ofNullable(sources.get(Objects.requireNonNull(name, "name")));
  }

  /** {@return the configured sources in the order they were added} */
  public List<WebhookSource> sources() {
    return List.copyOf(sources.values());
  }

  /** {@return the status answered for an accepted webhook: 202 unless configured} */
  public int acceptedStatus() {
    return acceptedStatus;
  }

  /** {@return the header names never kept on a webhook, in any case} */
  public Set<String> droppedHeaders() {
    return droppedHeaders;
  }

  /** The receive span around the pipeline; its context travels on the webhook. */
  private CompletionStage<ReceiveResult> traced(String requestedSource, InboundRequest request, Duration budget) {
    // The log context of the synchronous part: the checks, the sink's store call, an early answer.
    try (LogContext logContext = LogContext.open().put(LogContext.SOURCE, knownOrUnknown(requestedSource))) {
      Tracing.ReceiveSpan span = tracing.receive(knownOrUnknown(requestedSource), request);
      if (span == Tracing.ReceiveSpan.NONE) {
        return pipeline(requestedSource, request, budget, Map.of(), logContext);
      }
      return pipeline(requestedSource, request, budget, span.context(), logContext)
          .thenApply(
              result -> {
                span.end(result);
                return result;
              });
    }
  }

  // The pipeline: one method, top to bottom. Every early return is a rejection with its status, or a handshake's answer.
  private CompletionStage<ReceiveResult> pipeline(
      String requestedSource,
      InboundRequest request,
      Duration callerBudget,
      Map<String, String> traceContext,
      LogContext logContext) {
    // The name comes from the URL: an unconfigured one is reported as "unknown" so that listeners (metric tags) and
    // logs never carry arbitrary client-chosen strings.
    String sourceName = knownOrUnknown(requestedSource);
    listener.onReceived(sourceName, request.bodyLength());

    WebhookSource source = sources.get(requestedSource);
    if (!methodAllowed(source, request.method())) {
      return done(reject(sourceName, null, RejectReason.METHOD_NOT_ALLOWED, "method must be POST"));
    }

    if (source == null) {
      return done(reject(sourceName, null, RejectReason.UNKNOWN_SOURCE, "unknown source"));
    }

    if (request.bodyLength() > source.maxBodyBytes()) {
      return done(reject(sourceName, null, RejectReason.PAYLOAD_TOO_LARGE, "body is over the limit"));
    }

    Optional<ReceiveResult> unsignedHandshake = handshake(source, request, false);
    if (unsignedHandshake.isPresent()) {
      return done(unsignedHandshake.get());
    }
    if (!"POST".equals(request.method())) {
      return done(reject(sourceName, null, RejectReason.METHOD_NOT_ALLOWED, "method must be POST"));
    }

    Optional<String> contentType = request.contentType().map(String::trim);
    if (contentType.isEmpty()) {
      return done(reject(sourceName, null, RejectReason.UNSUPPORTED_MEDIA_TYPE, "Content-Type is required"));
    }
    Optional<String> essence = MediaTypes.essence(contentType.get());
    if (essence.isEmpty()) {
      return done(reject(sourceName, null, RejectReason.MALFORMED, "Content-Type is not a media type"));
    }
    if (!source.allowsContentType(essence.get())) {
      return done(reject(sourceName, null, RejectReason.UNSUPPORTED_MEDIA_TYPE, "content type not allowed"));
    }

    byte[] body = request.bodyUnsafe();
    WebhookHeaders headers = request.headers();
    Optional<ReceiveResult.Rejected> unverified = verify(source, headers, body);
    if (unverified.isPresent()) {
      return done(unverified.get());
    }

    Optional<ReceiveResult> signedHandshake = handshake(source, request, true);
    if (signedHandshake.isPresent()) {
      return done(signedHandshake.get());
    }

    String deliveryId = deliveryId(source, headers, body);
    logContext.put(LogContext.DELIVERY_ID, deliveryId);

    Webhook webhook =
        Webhook.builder()
            .deliveryId(deliveryId)
            .source(sourceName)
            .receivedAt(clock.instant())
            .headers(keptHeaders(headers))
            .body(body)
            .contentType(contentType.get())
            .verification(source.verifier().verifies() ? Verification.VERIFIED : Verification.SKIPPED)
            .traceContext(traceContext)
            .build();

    Duration budget = effectiveBudget(source, callerBudget);
    if (budget.isZero() || budget.isNegative()) {
      return done(reject(sourceName, deliveryId, RejectReason.SINK_UNAVAILABLE, "no time left to store"));
    }

    return store(webhook, budget);
  }

  private String knownOrUnknown(String requestedSource) {
    return sources.containsKey(requestedSource) ? requestedSource : UNKNOWN_SOURCE;
  }

  /**
   * The method rule: {@code POST}, or a method the source's handshake arrives with. An unknown source allows only
   * {@code POST}, so any other method is 405 before anything is looked up or read.
   */
  private static boolean methodAllowed(WebhookSource source, String method) {
    if ("POST".equals(method)) {
      return true;
    }
    return source != null && source.handshake().map(h -> h.methods().contains(method)).orElse(false);
  }

  /** Returns empty when the verifier accepts the request, else the 401 (or 503) to answer. */
  private Optional<ReceiveResult.Rejected> verify(WebhookSource source, WebhookHeaders headers, byte[] body) {
    SignatureVerifier verifier = source.verifier();
    try {
      verifier.verify(headers, body);
      return Optional.empty();
    } catch (SignatureVerificationException e) {
      log.debug(
          "Signature check failed. source={} scheme={} check={} detail={}",
          source.name(),
          verifier.scheme(),
          e.check().code(),
          e.getMessage());
    } catch (HooklineException e) {
      if (e.retryable()) {
        // The check could not be made now (for example SNS's certificate could not be fetched): the sender retries.
        log.warn(
            "Signature could not be checked now; answering 503. source={} scheme={} error={}",
            source.name(),
            verifier.scheme(),
            e.getMessage());
        return Optional.of(
            reject(source.name(), null, RejectReason.SINK_UNAVAILABLE, "temporarily unavailable, retry later"));
      }
      log.warn(
          "Verifier failed; rejecting. source={} scheme={} error={}",
          source.name(),
          verifier.scheme(),
          e.getClass().getName());
    } catch (RuntimeException e) {
      // A verifier that fails unexpectedly (for example on a header it cannot parse) must not let the request in.
      log.warn(
          "Verifier threw unexpectedly; rejecting. source={} scheme={} error={}",
          source.name(),
          verifier.scheme(),
          e.getClass().getName());
    }
    return Optional.of(reject(source.name(), null, RejectReason.UNAUTHORIZED, SIGNATURE_FAILED));
  }

  /**
   * Asks the source's handshake, if it has one for this point of the pipeline (before or after the signature), and
   * reports its answer to the listener. Empty: the request is no handshake and the pipeline goes on.
   */
  private Optional<ReceiveResult> handshake(WebhookSource source, InboundRequest request, boolean afterVerification) {
    Optional<Handshake> configured = source.handshake();
    if (configured.isEmpty() || configured.get().signed() != afterVerification) {
      return Optional.empty();
    }
    Optional<ReceiveResult> answer;
    try {
      answer = configured.get().answer(request);
    } catch (SignatureVerificationException e) {
      log.debug("Handshake refused. source={} check={} detail={}", source.name(), e.check().code(), e.getMessage());
      return Optional.of(reject(source.name(), null, RejectReason.FORBIDDEN, HANDSHAKE_REFUSED));
    } catch (RuntimeException e) {
      log.warn("Handshake threw unexpectedly; refusing. source={} error={}", source.name(), e.getClass().getName());
      return Optional.of(reject(source.name(), null, RejectReason.FORBIDDEN, HANDSHAKE_REFUSED));
    }
    if (answer == null || answer.isEmpty()) {
      return Optional.empty();
    }
    ReceiveResult result = answer.get();
    if (result instanceof ReceiveResult.Answered) {
      ReceiveResult.Answered answered = (ReceiveResult.Answered) result;
      log.debug(
          "Handshake answered. source={} handshake={} status={}",
          source.name(),
          answered.handshake(),
          answered.status());
      listener.onHandshake(source.name(), answered.handshake());
      return answer;
    }
    if (result instanceof ReceiveResult.Rejected) {
      ReceiveResult.Rejected rejected = (ReceiveResult.Rejected) result;
      return Optional.of(reject(source.name(), null, rejected.reason(), rejected.message()));
    }
    // A handshake never stores anything, so it cannot accept; refuse rather than claim a webhook was stored.
    log.warn("Handshake answered as if a webhook were stored; refusing. source={}", source.name());
    return Optional.of(reject(source.name(), null, RejectReason.FORBIDDEN, HANDSHAKE_REFUSED));
  }

  private String deliveryId(WebhookSource source, WebhookHeaders headers, byte[] body) {
    Optional<String> id = Optional.empty();
    try {
      id = source.verifier().deliveryId(headers, body);
      if (id.isEmpty() && source.deliveryIdRule().isPresent()) {
        id = source.deliveryIdRule().get().deliveryId(headers, body);
      }
    } catch (RuntimeException e) {
      log.warn("Delivery id rule threw; using the content hash. source={}", source.name(), e);
      id = Optional.empty();
    }
    return id.filter(s -> !s.isEmpty())
        .map(DeliveryIds::queueSafe)
        .orElseGet(() -> DeliveryIds.fromContent(source.name(), body));
  }

  private WebhookHeaders keptHeaders(WebhookHeaders headers) {
    WebhookHeaders.Builder kept = headers.toBuilder();
    for (String name : headers.names()) {
      if (droppedHeaders.contains(name.toLowerCase(Locale.ROOT))) {
        kept.remove(name);
      }
    }
    return kept.build();
  }

  private static Duration effectiveBudget(WebhookSource source, Duration callerBudget) {
    Duration budget = source.enqueueBudget();
    return callerBudget != null && callerBudget.compareTo(budget) < 0 ? callerBudget : budget;
  }

  private CompletionStage<ReceiveResult> store(Webhook webhook, Duration budget) {
    long started = System.nanoTime();
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    try {
      CompletionStage<Void> stage = sink.store(webhook, budget);
      if (stage == null) {
        confirmed.completeExceptionally(new IllegalStateException("sink returned null"));
      } else {
        // Copy into our own future: the timeout below must not complete (or cancel) the sink's stage.
        stage.whenComplete(
            (ignored, error) -> {
              if (error == null) {
                confirmed.complete(null);
              } else {
                confirmed.completeExceptionally(error);
              }
            });
      }
    } catch (RuntimeException e) {
      confirmed.completeExceptionally(e);
    }
    return confirmed
        .orTimeout(budget.toMillis() + SINK_TIMEOUT_MARGIN_MILLIS, TimeUnit.MILLISECONDS)
        .handle((ignored, error) -> outcome(webhook, error, Duration.ofNanos(System.nanoTime() - started)));
  }

  /** The sink's answer, on whichever thread completed it: the log context is set again there. */
  private ReceiveResult outcome(Webhook webhook, Throwable error, Duration latency) {
    try (LogContext logContext = LogContext.open()) {
      logContext.put(LogContext.SOURCE, webhook.source()).put(LogContext.DELIVERY_ID, webhook.deliveryId());
      return outcomeInContext(webhook, error, latency);
    }
  }

  private ReceiveResult outcomeInContext(Webhook webhook, Throwable error, Duration latency) {
    String source = webhook.source();
    String deliveryId = webhook.deliveryId();
    if (error == null) {
      log.debug("Accepted. source={} deliveryId={} sinkLatencyMs={}", source, deliveryId, latency.toMillis());
      listener.onAccepted(webhook, latency);
      return new ReceiveResult.Accepted(deliveryId, acceptedStatus);
    }
    Throwable cause = Failures.unwrap(error);
    if (cause instanceof SinkOverCapacityException) {
      return reject(source, deliveryId, RejectReason.OVER_CAPACITY, "over capacity, retry later");
    }
    if (cause instanceof PayloadTooLargeException) {
      return reject(source, deliveryId, RejectReason.PAYLOAD_TOO_LARGE, "payload is over the queue's limit");
    }
    if (cause instanceof TimeoutException) {
      log.warn(
          "Sink did not confirm within the budget; answering 503. source={} deliveryId={} waitedMs={}",
          source,
          deliveryId,
          latency.toMillis());
    } else {
      log.warn("Sink failed; answering 503. source={} deliveryId={}", source, deliveryId, cause);
    }
    return reject(source, deliveryId, RejectReason.SINK_UNAVAILABLE, "temporarily unavailable, retry later");
  }

  private ReceiveResult.Rejected reject(String source, String deliveryId, RejectReason reason, String message) {
    if (log.isDebugEnabled()) {
      log.debug(
          "Rejected. source={} deliveryId={} status={} reason={}",
          source,
          deliveryId == null ? "-" : deliveryId,
          reason.status(),
          reason.code());
    }
    listener.onRejected(source, reason);
    Optional<Duration> retryAfter;
    if (reason == RejectReason.OVER_CAPACITY) {
      retryAfter = Optional.of(overCapacityRetryAfter);
    } else if (reason == RejectReason.SINK_UNAVAILABLE) {
      retryAfter = Optional.of(unavailableRetryAfter);
    } else {
      retryAfter = Optional.empty();
    }
    return new ReceiveResult.Rejected(reason, message, retryAfter);
  }

  private static CompletionStage<ReceiveResult> done(ReceiveResult result) {
    return CompletableFuture.completedFuture(result);
  }

  private ReceiveResult join(CompletionStage<ReceiveResult> stage, String sourceName) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      // Unreachable by design (the stage never fails), but a transport must always get an answer.
      log.warn("Receive failed unexpectedly; answering 503. source={}", sourceName, e);
      return new ReceiveResult.Rejected(
          RejectReason.SINK_UNAVAILABLE, "temporarily unavailable, retry later", Optional.of(unavailableRetryAfter));
    }
  }

  @Override
  public String toString() {
    return "WebhookReceiver{sources=" + sources.keySet() + ", acceptedStatus=" + acceptedStatus + '}';
  }

  /** Builds a {@link WebhookReceiver}; not thread-safe. Setters only record; {@link #build()} validates. */
  public static final class Builder {
    private List<WebhookSource> sources = new ArrayList<>();
    private WebhookSink sink;
    private PipelineListener listener = PipelineListener.NONE;
    private Tracing tracing = Tracing.NONE;
    private Clock clock = Clock.systemUTC();
    private int acceptedStatus = 202;
    private Duration overCapacityRetryAfter = DEFAULT_OVER_CAPACITY_RETRY_AFTER;
    private Duration unavailableRetryAfter = DEFAULT_UNAVAILABLE_RETRY_AFTER;
    private List<String> droppedHeaders = new ArrayList<>(DEFAULT_DROPPED_HEADERS);

    private Builder() {}

    /**
     * Replaces the sources. At least one is required; names must be unique.
     *
     * @param sources the sources
     * @return this builder
     */
    public Builder sources(Collection<WebhookSource> sources) {
      Objects.requireNonNull(sources, "sources");
      List<WebhookSource> copy = new ArrayList<>(sources.size());
      for (WebhookSource source : sources) {
        copy.add(Objects.requireNonNull(source, "sources element"));
      }
      this.sources = copy;
      return this;
    }

    /**
     * Appends a source.
     *
     * @param source the source
     * @return this builder
     */
    public Builder addSource(WebhookSource source) {
      this.sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /**
     * Sets where accepted webhooks are stored, for example {@code SqsEnqueuer}. Required. You close what you pass
     * in; the receiver never closes it.
     *
     * @param sink the sink
     * @return this builder
     */
    public Builder sink(WebhookSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Sets the listener for metrics. Default {@link PipelineListener#NONE}. It is wrapped so that one that throws is
     * logged and ignored.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PipelineListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the tracing: a span around each receive, whose context the accepted webhook carries to the queue and the
     * handler. Default {@link Tracing#NONE}; set it to {@code webhook-opentelemetry}'s to trace. It is wrapped so
     * that one that throws is logged and ignored.
     *
     * @param tracing the tracing
     * @return this builder
     */
    public Builder tracing(Tracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    /**
     * Sets the clock for {@link Webhook#receivedAt()}. Default {@link Clock#systemUTC()}; change it in tests.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the status for an accepted webhook. Default 202 (Accepted: processing happens later); some senders
     * expect exactly 200.
     *
     * @param acceptedStatus a 2xx status
     * @return this builder
     */
    public Builder acceptedStatus(int acceptedStatus) {
      this.acceptedStatus = acceptedStatus;
      return this;
    }

    /**
     * Sets the {@code Retry-After} sent with 429. Default 5 seconds; transports round up to whole seconds.
     *
     * @param overCapacityRetryAfter a positive duration
     * @return this builder
     */
    public Builder overCapacityRetryAfter(Duration overCapacityRetryAfter) {
      this.overCapacityRetryAfter = Objects.requireNonNull(overCapacityRetryAfter, "overCapacityRetryAfter");
      return this;
    }

    /**
     * Sets the {@code Retry-After} sent with 503. Default 10 seconds; transports round up to whole seconds.
     *
     * @param unavailableRetryAfter a positive duration
     * @return this builder
     */
    public Builder unavailableRetryAfter(Duration unavailableRetryAfter) {
      this.unavailableRetryAfter = Objects.requireNonNull(unavailableRetryAfter, "unavailableRetryAfter");
      return this;
    }

    /**
     * Replaces the extra headers dropped before a webhook is built. Default {@code X-Api-Key}. {@code Authorization},
     * {@code Proxy-Authorization} and {@code Cookie} are always dropped on top of these.
     *
     * @param droppedHeaders header names, in any case
     * @return this builder
     */
    public Builder droppedHeaders(Collection<String> droppedHeaders) {
      Objects.requireNonNull(droppedHeaders, "droppedHeaders");
      List<String> copy = new ArrayList<>(droppedHeaders.size());
      for (String name : droppedHeaders) {
        copy.add(Objects.requireNonNull(name, "droppedHeaders element"));
      }
      this.droppedHeaders = copy;
      return this;
    }

    /**
     * Appends a header dropped before a webhook is built.
     *
     * @param name the header name, in any case
     * @return this builder
     */
    public Builder addDroppedHeader(String name) {
      this.droppedHeaders.add(Objects.requireNonNull(name, "name"));
      return this;
    }

    /**
     * Returns the receiver, and logs a WARN for every source that skips signature verification.
     *
     * @return the receiver
     * @throws IllegalArgumentException whose message starts with the first invalid field
     */
    public WebhookReceiver build() {
      if (sources.isEmpty()) {
        throw new IllegalArgumentException("sources must not be empty");
      }
      Map<String, WebhookSource> byName = new LinkedHashMap<>();
      for (WebhookSource source : sources) {
        if (byName.putIfAbsent(source.name(), source) != null) {
          throw new IllegalArgumentException("sources must have unique names, duplicate '" + source.name() + "'");
        }
      }
      if (sink == null) {
        throw new IllegalArgumentException("sink must be set");
      }
      if (acceptedStatus < 200 || acceptedStatus > 299) {
        throw new IllegalArgumentException("acceptedStatus must be 2xx, was " + acceptedStatus);
      }
      if (overCapacityRetryAfter.isNegative() || overCapacityRetryAfter.isZero()) {
        throw new IllegalArgumentException("overCapacityRetryAfter must be positive, was " + overCapacityRetryAfter);
      }
      if (unavailableRetryAfter.isNegative() || unavailableRetryAfter.isZero()) {
        throw new IllegalArgumentException("unavailableRetryAfter must be positive, was " + unavailableRetryAfter);
      }
      Set<String> dropped = new LinkedHashSet<>();
      for (String name : ALWAYS_DROPPED_HEADERS) {
        dropped.add(name.toLowerCase(Locale.ROOT));
      }
      for (String name : droppedHeaders) {
        if (name.isBlank()) {
          throw new IllegalArgumentException("droppedHeaders must not contain a blank name");
        }
        dropped.add(name.trim().toLowerCase(Locale.ROOT));
      }
      for (WebhookSource source : byName.values()) {
        if (!source.verifier().verifies()) {
          log.warn("Signature verification is OFF for this source: anyone can post to it. source={}", source.name());
        }
      }
      return new WebhookReceiver(
          this, Collections.unmodifiableMap(byName), Collections.unmodifiableSet(dropped));
    }
  }
}
