package dev.hookline.sqs;

import dev.hookline.core.HooklineException;
import dev.hookline.core.PayloadTooLargeException;
import dev.hookline.core.PipelineListener;
import dev.hookline.core.SinkOverCapacityException;
import dev.hookline.core.Tracing;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookSink;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.internal.DeliveryIds;
import dev.hookline.core.internal.Failures;
import dev.hookline.core.internal.FreshRandom;
import dev.hookline.core.internal.Threads;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.Jitter;
import dev.hookline.sqs.internal.SqsErrors;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * The {@link WebhookSink} that stores webhooks on an SQS queue: the envelope is the message body, with the delivery
 * id, source and envelope version as message attributes.
 *
 * <pre>{@code
 * SqsEnqueuer enqueuer = SqsEnqueuer.builder()
 *     .client(sqsAsyncClient)                       // yours: we never close it
 *     .queueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks")
 *     .build();
 * WebhookReceiver receiver = WebhookReceiver.builder()...sink(enqueuer)...build();
 * // on shutdown, after the receiver stopped taking requests:
 * enqueuer.close();
 * }</pre>
 *
 * <p><b>Batching adapts to load.</b> A store goes out at once when a call slot is free, so at low load a store costs
 * one {@code SendMessageBatch} round trip and no fixed wait. Stores that arrive while calls are in flight gather in
 * the buffer, and each call that completes sends what gathered meanwhile as one batch of up to 10 entries and 1 MiB
 * (the SQS limits): under load, batches form by themselves. Partial batches use at most two call slots at once; the
 * rest of the {@link Builder#maxConcurrentCalls} (default 16) carry full batches, so a burst fills whole batches
 * instead of one call per caller. A
 * {@link Builder#linger} (default zero) makes a partial batch wait up to that long for more entries even when a slot
 * is free: fewer calls at the price of that latency on every store. The earlier fixed 5 ms linger capped N blocking
 * callers at N ÷ (5 ms + a round trip) stores per second; {@code benchmarks/README.md} has the measurements. Each
 * caller's stage completes with its own entry's result, and entries that a batch reports as failed are retried alone
 * (by entry id). We batch ourselves rather than through the SDK's {@code SqsAsyncBatchManager} for control, not
 * speed. The batch manager gives no per-entry deadline and no per-call timeout (a hung call holds its entries past
 * any budget), does not retry failed entries, does not bound the calls in flight, and always waits its send
 * frequency for a partial batch.
 *
 * <p><b>Retries and the budget.</b> The {@code budget} given to {@link #store} bounds everything: the stage completes
 * within it, normally once SQS accepted the message, or exceptionally, so the receiver answers 503 before the sender
 * gives up. Throttling, 5xx answers, timeouts and connection errors are retried with exponential backoff and jitter
 * ({@link Builder#initialBackoff}, {@link Builder#maxBackoff}) while the budget lasts; each retry is reported to
 * {@link PipelineListener#onSinkRetry}. Other errors (access denied, a missing queue, an invalid parameter) fail at
 * once and are logged once at ERROR, since an operator must fix them.
 *
 * <p><b>The SDK's own retries.</b> We leave the client's retry strategy as you configured it (we don't own the client)
 * and bound each call instead: every {@code SendMessageBatch} carries an {@code apiCallTimeout} of at most {@link
 * Builder#attemptTimeout} (default 2 s) and never more than what is left of the longest budget in the batch. So the
 * SDK may retry quickly inside one call (its standard strategy: 3 attempts, with a throttling token bucket), a hung
 * connection cannot eat the whole budget, and our outer loop retries across calls with backoff until the budget ends.
 * A client with the SDK's retries turned off works just as well; ours then do all the work. A call that timed out
 * may still have stored its messages, so a retry can store a webhook twice: delivery is at least once (consumers
 * deduplicate by delivery id, and FIFO queues drop the copy).
 *
 * <p><b>Size.</b> An envelope over {@link Builder#maxMessageBytes} (default and maximum 1,048,576 bytes, the SQS
 * limit, counted as SQS counts: body plus attribute names, types and values) is refused before any call with {@link
 * PayloadTooLargeException}, so the receiver answers 413. (A later version may offload large bodies to S3 here instead:
 * see the comment in {@code prepare}.)
 *
 * <p><b>FIFO queues</b> (the URL ends in {@code .fifo}): the message group id comes from {@link
 * Builder#messageGroupId} (default: the source, so each source is ordered on its own) and the deduplication id is the
 * delivery id, so SQS drops a redelivered webhook within its 5-minute deduplication window. Ids that are longer than
 * 128 characters or use characters SQS refuses are replaced by their SHA-256 in hex. On standard queues a message
 * group id is sent only when {@link Builder#messageGroupId} is set (SQS fair queues).
 *
 * <p><b>Capacity.</b> At most {@link Builder#maxPending} (default 1,000) stores are pending at once; beyond that
 * {@link #store} fails at once with {@link SinkOverCapacityException}, so the receiver answers 429.
 *
 * <p><b>Threads and lifecycle.</b> Backoff delays, a linger and budgets run on a {@link ScheduledExecutorService}: yours
 * ({@link Builder#scheduler}; you shut it down) or ours, one daemon thread named {@code hookline-enqueuer-N} that
 * starts with the first scheduled task and stops in {@link #close()}. Nothing starts at {@link Builder#build()}.
 * Stages complete on the SDK's response threads or on the scheduler; keep dependent actions short. {@link #close()}
 * stops accepting, sends what is buffered, waits up to {@link Builder#closeTimeout} for pending stores and fails the
 * rest.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class SqsEnqueuer implements WebhookSink, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SqsEnqueuer.class);

  /**
   * How many calls may carry a partial batch at once when there is no linger; further calls, up to {@code
   * maxConcurrentCalls}, carry only full batches. Two: a lone store never waits, and while one partial batch is in
   * flight the next can already leave with what gathered, so N blocking callers pay about one round trip each and
   * share calls (about 3 stores per call with 8 blocking callers on embedded ElasticMQ). One slot made bigger batches
   * (5–7 per call) and gave 8 blocking callers 1.2–1.3× the throughput at 0.65× the client CPU, but overlapping
   * stores in an open loop, as at a front door, waited longer (CRT p99 8.1 against 5.2 ms at 500 stores/s); see
   * {@code benchmarks/README.md}.
   */
  private static final int PARTIAL_BATCH_CALLS = 2;

  private final SqsAsyncClient client;
  private final String queueUrl;
  private final boolean fifo;
  private final EnvelopeCodec codec;
  private final Function<Webhook, String> messageGroupId;
  private final int maxMessageBytes;
  private final Duration linger;
  private final int maxPending;
  private final int maxConcurrentCalls;
  private final Duration attemptTimeout;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration closeTimeout;
  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  private final Clock clock;
  private final Duration readinessGrace;
  /** When SQS calls started failing without a success since, in the clock's millis; -1 while they succeed. */
  private final AtomicLong failingSince = new AtomicLong(-1);
  private final Backoff backoff;
  private final PipelineListener listener;
  private final Tracing tracing;
  private final String queueName;

  private final AtomicInteger pending = new AtomicInteger();
  private final Set<Entry> live = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ReentrantLock bufferLock = new ReentrantLock();
  private final ArrayDeque<Entry> buffer = new ArrayDeque<>();
  private ScheduledFuture<?> lingerTask;
  /** {@code SendMessageBatch} calls in flight; guarded by {@link #bufferLock}. */
  private int callsInFlight;

  private SqsEnqueuer(Builder b, URI url) {
    this.client = b.client;
    this.queueUrl = b.queueUrl;
    this.fifo = url.getPath().endsWith(".fifo");
    this.codec = b.codec;
    this.messageGroupId = b.messageGroupId != null ? b.messageGroupId : (fifo ? Webhook::source : null);
    this.maxMessageBytes = b.maxMessageBytes;
    this.linger = b.linger;
    this.maxPending = b.maxPending;
    this.maxConcurrentCalls = b.maxConcurrentCalls;
    this.attemptTimeout = b.attemptTimeout;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.closeTimeout = b.closeTimeout;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownScheduler = false;
    } else {
      // Threads start lazily with the first task, so building starts nothing.
      ScheduledThreadPoolExecutor own =
          new ScheduledThreadPoolExecutor(
              1, Threads.named("hookline-enqueuer-" + Threads.queueName(b.queueUrl), true));
      own.setRemoveOnCancelPolicy(true);
      this.scheduler = own;
      this.ownScheduler = true;
    }
    this.clock = b.clock;
    this.readinessGrace = b.readinessGrace;
    this.backoff = Backoff.exponential(b.initialBackoff, 2.0, b.maxBackoff, Jitter.EQUAL, b.random);
    this.listener = PipelineListener.safe(b.listener);
    this.tracing = Tracing.safe(b.tracing);
    this.queueName = Threads.queueName(b.queueUrl);
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the queue URL messages are sent to} */
  public String queueUrl() {
    return queueUrl;
  }

  /** {@return whether the queue is a FIFO queue (its URL ends in {@code .fifo})} */
  public boolean fifo() {
    return fifo;
  }

  /**
   * Returns whether the enqueuer is taking webhooks now: not closed, fewer than {@code maxPending} stores pending,
   * and its SQS calls have not been failing, without a success in between, for longer than the {@linkplain
   * Builder#readinessGrace readiness grace}. Cheap; meant for a readiness probe such as the HTTP server's
   * {@code /readyz} ({@code addReadinessCheck(enqueuer::accepting)}), so a load balancer stops sending webhooks that
   * would be answered 429 or 503 anyway.
   *
   * @return true while stores are likely to succeed
   */
  public boolean accepting() {
    if (closed.get() || pending.get() >= maxPending) {
      return false;
    }
    long since = failingSince.get();
    return since < 0 || clock.millis() - since <= readinessGrace.toMillis();
  }

  /** {@return how many stores are pending: accepted by {@link #store} and not yet completed} */
  public int pending() {
    return pending.get();
  }

  /**
   * Stores one webhook on the queue.
   *
   * @param webhook the webhook
   * @param budget how long this may take, retries included; the stage completes within about this time
   * @return a stage that completes once SQS accepted the message, or exceptionally with {@link
   *     PayloadTooLargeException} (envelope too large, nothing sent), {@link SinkOverCapacityException} (more than
   *     {@code maxPending} pending) or a {@link HooklineException} (failed within the budget, or closed)
   */
  @Override
  public CompletionStage<Void> store(Webhook webhook, Duration budget) {
    Objects.requireNonNull(webhook, "webhook");
    Objects.requireNonNull(budget, "budget");
    if (closed.get()) {
      return CompletableFuture.failedFuture(new HooklineException("SqsEnqueuer is closed", true));
    }
    if (budget.isNegative() || budget.isZero()) {
      return CompletableFuture.failedFuture(
          new HooklineException("enqueue budget must be positive, was " + budget, false));
    }
    // The producer span's context replaces the receive's in the envelope: the consumer's spans link to this one.
    Tracing.SendSpan span = tracing.send(webhook, queueName);
    Map<String, String> traceContext = span.context();
    Webhook traced = traceContext.isEmpty() ? webhook : webhook.toBuilder().traceContext(traceContext).build();
    SendMessageBatchRequestEntry.Builder message;
    int size;
    try {
      EncodedEnvelope envelope = codec.encode(traced);
      size = envelope.encodedSize();
      message = prepare(traced, envelope, size);
    } catch (HooklineException e) {
      span.failed(e);
      return CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      span.failed(e);
      return CompletableFuture.failedFuture(
          new HooklineException("webhook could not be encoded: " + e.getClass().getName(), e, false));
    }
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      SinkOverCapacityException full =
          new SinkOverCapacityException(maxPending + " enqueues pending (maxPending=" + maxPending + ")");
      span.failed(full);
      return CompletableFuture.failedFuture(full);
    }
    Instant started = clock.instant();
    Entry entry = new Entry(traced, message, size, started.plus(budget), budget);
    live.add(entry);
    entry.future.whenComplete(
        (ok, error) -> {
          pending.decrementAndGet();
          Duration took = Duration.between(started, clock.instant());
          listener.onEnqueued(webhook.source(), took.isNegative() ? Duration.ZERO : took, error == null);
          live.remove(entry);
          ScheduledFuture<?> timer = entry.timer;
          if (timer != null) {
            timer.cancel(false);
          }
          if (error == null) {
            span.stored(entry.messageId);
          } else {
            span.failed(error);
          }
        });
    try {
      entry.timer = scheduler.schedule(() -> expire(entry), budget.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      entry.future.completeExceptionally(new HooklineException("SqsEnqueuer is closed", e, true));
      return entry.future.minimalCompletionStage();
    }
    add(entry);
    if (closed.get()) {
      // close() may have swept the pending entries before this one was added.
      flush(true);
    }
    return entry.future.minimalCompletionStage();
  }

  /**
   * Checks the size and builds the message. This is the seam for large payloads: an S3 offload would store the body
   * in a bucket here and send a small pointer envelope instead of refusing the webhook.
   */
  private SendMessageBatchRequestEntry.Builder prepare(Webhook webhook, EncodedEnvelope envelope, int size) {
    if (size > maxMessageBytes) {
      throw new PayloadTooLargeException("envelope", size, maxMessageBytes);
    }
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    envelope
        .attributes()
        .forEach(
            (name, value) ->
                attributes.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
    SendMessageBatchRequestEntry.Builder entry =
        SendMessageBatchRequestEntry.builder().messageBody(envelope.body()).messageAttributes(attributes);
    if (messageGroupId != null) {
      entry.messageGroupId(DeliveryIds.queueSafe(Objects.requireNonNull(messageGroupId.apply(webhook), "messageGroupId")));
    }
    if (fifo) {
      entry.messageDeduplicationId(DeliveryIds.queueSafe(webhook.deliveryId()));
    }
    return entry;
  }

  /**
   * Buffers an entry (new or retried) and sends: with no linger (the default) whatever free call slots can take, so a
   * lone store goes at once and stores that arrive while calls are in flight wait and leave as a batch; with a
   * linger, only full batches, leaving a partial one to the linger timer.
   */
  private void add(Entry entry) {
    boolean sendNow;
    bufferLock.lock();
    try {
      buffer.addLast(entry);
      sendNow = linger.isZero() || closed.get() || buffer.size() >= SqsLimits.MAX_BATCH_ENTRIES;
      if (!sendNow && lingerTask == null) {
        try {
          lingerTask = scheduler.schedule(this::lingerExpired, linger.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          sendNow = true;
        }
      }
    } finally {
      bufferLock.unlock();
    }
    if (sendNow) {
      flush(linger.isZero() || closed.get());
    }
  }

  private void lingerExpired() {
    bufferLock.lock();
    try {
      lingerTask = null;
    } finally {
      bufferLock.unlock();
    }
    flush(true);
  }

  /**
   * Takes batches from the buffer and sends them: every batch when {@code all}, otherwise only full ones (10 entries
   * or 1 MiB), leaving a partial batch for the linger timer. At most {@code maxConcurrentCalls} calls are in flight;
   * what is left waits in the buffer (filling batches) until a call completes and flushes again.
   */
  private void flush(boolean all) {
    List<List<Entry>> batches = new ArrayList<>();
    bufferLock.lock();
    try {
      while (!buffer.isEmpty() && callsInFlight < maxConcurrentCalls) {
        List<Entry> batch = new ArrayList<>(SqsLimits.MAX_BATCH_ENTRIES);
        long bytes = 0;
        boolean full = false;
        for (Entry e; (e = buffer.peekFirst()) != null; ) {
          if (e.future.isDone()) {
            buffer.pollFirst();
            continue;
          }
          if (batch.size() == SqsLimits.MAX_BATCH_ENTRIES || bytes + e.size > SqsLimits.MAX_BATCH_BYTES) {
            full = true;
            break;
          }
          buffer.pollFirst();
          batch.add(e);
          bytes += e.size;
        }
        full |= batch.size() == SqsLimits.MAX_BATCH_ENTRIES;
        if (batch.isEmpty()) {
          break;
        }
        // Without a linger, a partial batch takes one of the first PARTIAL_BATCH_CALLS slots; the other slots wait
        // for full batches. So a lone store leaves at once, while concurrent callers gather into batches behind the
        // calls in flight instead of each paying a call of its own.
        boolean partialAllowed =
            all && (closed.get() || !linger.isZero() || callsInFlight < PARTIAL_BATCH_CALLS);
        if (!full && !partialAllowed) {
          // Put the partial batch back, in order, for the linger timer.
          for (int i = batch.size() - 1; i >= 0; i--) {
            buffer.addFirst(batch.get(i));
          }
          break;
        }
        batches.add(batch);
        callsInFlight++;
      }
      if (!buffer.isEmpty() && lingerTask == null && !all) {
        try {
          lingerTask = scheduler.schedule(this::lingerExpired, linger.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          // Closing: close() fails what is left.
        }
      }
    } finally {
      bufferLock.unlock();
    }
    for (List<Entry> batch : batches) {
      send(batch);
    }
  }

  private void send(List<Entry> batch) {
    Instant now = clock.instant();
    Duration longest = Duration.ZERO;
    Map<String, Entry> byId = new HashMap<>();
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Entry e = batch.get(i);
      String id = Integer.toString(i);
      byId.put(id, e);
      entries.add(e.message.id(id).build());
      Duration left = Duration.between(now, e.deadline);
      if (left.compareTo(longest) > 0) {
        longest = left;
      }
      e.attempts++;
    }
    if (longest.isZero()) {
      batch.forEach(this::expire);
      callDone();
      return;
    }
    Duration callTimeout = longest.compareTo(attemptTimeout) < 0 ? longest : attemptTimeout;
    SendMessageBatchRequest request =
        SendMessageBatchRequest.builder()
            .queueUrl(queueUrl)
            .entries(entries)
            .overrideConfiguration(o -> o.apiCallTimeout(callTimeout))
            .build();
    CompletableFuture<SendMessageBatchResponse> call;
    try {
      call = client.sendMessageBatch(request);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete(
        (response, error) -> {
          try {
            if (error != null) {
              failingSince.compareAndSet(-1, clock.millis());
              callFailed(batch, Failures.unwrap(error));
            } else {
              failingSince.set(-1);
              batchAnswered(byId, response);
            }
          } finally {
            callDone();
          }
        });
  }

  /** Frees a call slot and sends what waited for one. */
  private void callDone() {
    boolean more;
    bufferLock.lock();
    try {
      callsInFlight--;
      more = !buffer.isEmpty();
    } finally {
      bufferLock.unlock();
    }
    if (more) {
      flush(true);
    }
  }

  private void callFailed(List<Entry> all, Throwable error) {
    List<Entry> batch = new ArrayList<>(all.size());
    for (Entry e : all) {
      if (!e.future.isDone()) {
        batch.add(e);
      }
    }
    if (batch.isEmpty()) {
      // Every caller already has an answer (budget or close); nothing to report.
      log.debug("SendMessageBatch failed after its entries completed. queueUrl={} error={}", queueUrl, describe(error));
      return;
    }
    if (SqsErrors.retryable(error)) {
      batch.forEach(e -> retry(e, error));
      return;
    }
    log.error(
        "SendMessageBatch failed and cannot succeed by retrying; failing {} webhooks. queueUrl={} error={}",
        batch.size(),
        queueUrl,
        describe(error),
        error);
    HooklineException failure =
        new HooklineException("SQS refused the webhook: " + describe(error), error, false);
    batch.forEach(e -> e.future.completeExceptionally(failure));
  }

  private void batchAnswered(Map<String, Entry> byId, SendMessageBatchResponse response) {
    for (SendMessageBatchResultEntry ok : response.successful()) {
      Entry e = byId.remove(ok.id());
      if (e != null) {
        log.debug(
            "Enqueued. deliveryId={} source={} messageId={} attempt={}",
            e.webhook.deliveryId(),
            e.webhook.source(),
            ok.messageId(),
            e.attempts);
        e.messageId = ok.messageId();
        e.future.complete(null);
      }
    }
    for (BatchResultErrorEntry failed : response.failed()) {
      Entry e = byId.remove(failed.id());
      if (e == null) {
        continue;
      }
      HooklineException error =
          new HooklineException(
              "SQS refused the batch entry: code=" + failed.code() + " senderFault=" + failed.senderFault(),
              SqsErrors.retryableEntry(Boolean.TRUE.equals(failed.senderFault()), failed.code()));
      if (error.retryable()) {
        retry(e, error);
      } else {
        log.error(
            "SQS refused a webhook and will refuse it again. deliveryId={} source={} queueUrl={} code={} message={}",
            e.webhook.deliveryId(),
            e.webhook.source(),
            queueUrl,
            failed.code(),
            failed.message());
        e.future.completeExceptionally(error);
      }
    }
    for (Entry e : byId.values()) {
      retry(e, new HooklineException("SQS answered without a result for the entry", true));
    }
  }

  private void retry(Entry e, Throwable error) {
    e.lastError = error;
    if (e.future.isDone()) {
      return;
    }
    Duration delay = backoff.delay(e.attempts);
    if (!clock.instant().plus(delay).isBefore(e.deadline)) {
      e.future.completeExceptionally(
          new HooklineException(
              "enqueue failed within its budget of " + e.budget + " after " + e.attempts + " attempts: "
                  + describe(error),
              error,
              true));
      return;
    }
    listener.onSinkRetry(e.webhook.source(), e.attempts, error);
    log.debug(
        "Retrying enqueue. deliveryId={} attempt={} delay={} error={}",
        e.webhook.deliveryId(),
        e.attempts,
        delay,
        describe(error));
    try {
      scheduler.schedule(() -> add(e), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException rejected) {
      e.future.completeExceptionally(new HooklineException("SqsEnqueuer is closed", error, true));
    }
  }

  private void expire(Entry e) {
    if (e.future.isDone()) {
      return;
    }
    Throwable last = e.lastError;
    e.future.completeExceptionally(
        new HooklineException(
            "enqueue budget of "
                + e.budget
                + " exhausted after "
                + e.attempts
                + " attempts"
                + (last == null ? "" : ": " + describe(last)),
            last,
            true));
  }

  private static String describe(Throwable error) {
    if (error instanceof AwsServiceException) {
      AwsServiceException ase = (AwsServiceException) error;
      String code = ase.awsErrorDetails() == null ? "?" : ase.awsErrorDetails().errorCode();
      return ase.getClass().getSimpleName() + "(status=" + ase.statusCode() + ", code=" + code + ")";
    }
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }

  /**
   * Stops accepting webhooks, sends what is buffered, waits up to the close timeout for pending stores, then fails
   * those still pending and stops our scheduler (never one you passed in, and never the SQS client). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    int before = pending.get();
    flush(true);
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    live.forEach(e -> waiting.add(e.future));
    try {
      CompletableFuture.allOf(waiting.toArray(new CompletableFuture<?>[0]))
          .get(closeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Failed stores already failed their callers; unfinished ones are failed below.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int failed = 0;
    for (Entry e : List.copyOf(live)) {
      if (e.future.completeExceptionally(
          new HooklineException("SqsEnqueuer closed before the webhook was stored", true))) {
        failed++;
      }
    }
    bufferLock.lock();
    try {
      buffer.clear();
      if (lingerTask != null) {
        lingerTask.cancel(false);
        lingerTask = null;
      }
    } finally {
      bufferLock.unlock();
    }
    if (ownScheduler) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    log.info("SqsEnqueuer closed. queueUrl={} pendingAtClose={} failedAtClose={}", queueUrl, before, failed);
  }

  @Override
  public String toString() {
    return "SqsEnqueuer{queueUrl=" + queueUrl + ", fifo=" + fifo + ", pending=" + pending.get() + '}';
  }

  /** One pending store. Mutable fields are touched by one thread at a time, handed over through the buffer lock. */
  private static final class Entry {
    final Webhook webhook;
    final SendMessageBatchRequestEntry.Builder message;
    final int size;
    final Instant deadline;
    final Duration budget;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    volatile ScheduledFuture<?> timer;
    volatile int attempts;
    volatile Throwable lastError;
    /** Set from the batch result before the future completes. */
    volatile String messageId = "";

    Entry(
        Webhook webhook, SendMessageBatchRequestEntry.Builder message, int size, Instant deadline, Duration budget) {
      this.webhook = webhook;
      this.message = message;
      this.size = size;
      this.deadline = deadline;
      this.budget = budget;
    }
  }

  /**
   * Builds an {@link SqsEnqueuer}. Setters only record; {@link #build()} checks everything. Not thread-safe.
   */
  public static final class Builder {
    private SqsAsyncClient client;
    private String queueUrl;
    private EnvelopeCodec codec = EnvelopeCodec.defaults();
    private Function<Webhook, String> messageGroupId;
    private int maxMessageBytes = SqsLimits.MAX_MESSAGE_BYTES;
    private Duration linger = Duration.ZERO;
    private int maxPending = 1000;
    private int maxConcurrentCalls = 16;
    private Duration attemptTimeout = Duration.ofSeconds(2);
    private Duration initialBackoff = Duration.ofMillis(50);
    private Duration maxBackoff = Duration.ofSeconds(1);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private Duration readinessGrace = Duration.ofSeconds(5);
    private ScheduledExecutorService scheduler;
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = new FreshRandom();
    private PipelineListener listener = PipelineListener.NONE;
    private Tracing tracing = Tracing.NONE;

    private Builder() {}

    /**
     * Sets the SQS client. Required. You own it: the enqueuer never closes it. Its retry strategy is left as it is;
     * see the class documentation for how it composes with the budget.
     *
     * @param client the async SQS client
     * @return this builder
     */
    public Builder client(SqsAsyncClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the queue URL. Required. A URL whose path ends in {@code .fifo} is a FIFO queue.
     *
     * @param queueUrl the queue URL, as returned by {@code CreateQueue}/{@code GetQueueUrl}
     * @return this builder
     */
    public Builder queueUrl(String queueUrl) {
      this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
      return this;
    }

    /**
     * Sets the envelope codec. Default {@link EnvelopeCodec#defaults()}; change it only to match a consumer that
     * uses different codec settings.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(EnvelopeCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Sets how a webhook's message group id is chosen. Default for FIFO queues: the source, so each source keeps its
     * own order and one slow source does not hold up the others; for standard queues: none. Set it on a standard
     * queue to use SQS fair queues, or on a FIFO queue to order by something finer (for example a repository).
     *
     * @param messageGroupId webhook → group id; ids SQS would refuse are hashed
     * @return this builder
     */
    public Builder messageGroupId(Function<Webhook, String> messageGroupId) {
      this.messageGroupId = Objects.requireNonNull(messageGroupId, "messageGroupId");
      return this;
    }

    /**
     * Sets the largest envelope sent, in bytes. Default and maximum 1,048,576 (the SQS limit); lower it when the
     * queue's {@code MaximumMessageSize} is lower.
     *
     * @param maxMessageBytes the limit, 1..1,048,576
     * @return this builder
     */
    public Builder maxMessageBytes(int maxMessageBytes) {
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /**
     * Sets the longest a partial batch waits for more entries while a call slot is free. Default zero: a store is
     * sent at once when a slot is free, and batches form from what arrives while calls are in flight, which
     * keeps latency at one round trip at low load and still batches under load. A positive value is an upper bound
     * on the extra wait of each store, traded for fewer calls (and lower SQS cost) at moderate load. A full batch is
     * always sent at once.
     *
     * @param linger the wait, 0..1 s
     * @return this builder
     */
    public Builder linger(Duration linger) {
      this.linger = Objects.requireNonNull(linger, "linger");
      return this;
    }

    /**
     * Sets how many stores may be pending before new ones are refused with {@link SinkOverCapacityException}.
     * Default 1,000. Raise it for bursty senders with large budgets; each pending store holds its envelope.
     *
     * @param maxPending the limit, at least 1
     * @return this builder
     */
    public Builder maxPending(int maxPending) {
      this.maxPending = maxPending;
      return this;
    }

    /**
     * Sets how many {@code SendMessageBatch} calls may be in flight at once. Default 16. Keep it below the client's
     * connection pool size (the SDK's Netty client allows 50 by default): a call waiting for a connection spends its
     * timeout waiting. At most two calls carry partial batches; the others carry only full ones, and meanwhile new
     * stores fill batches in the buffer.
     *
     * @param maxConcurrentCalls the limit, at least 1
     * @return this builder
     */
    public Builder maxConcurrentCalls(int maxConcurrentCalls) {
      this.maxConcurrentCalls = maxConcurrentCalls;
      return this;
    }

    /**
     * Sets the longest one {@code SendMessageBatch} call may take (its {@code apiCallTimeout}, which includes the
     * SDK's own retries). Default 2 s. A shorter value fails hung connections sooner, leaving budget for our retries.
     *
     * @param attemptTimeout the per-call timeout, positive
     * @return this builder
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      this.attemptTimeout = Objects.requireNonNull(attemptTimeout, "attemptTimeout");
      return this;
    }

    /**
     * Sets the backoff after the first failed call; it doubles per attempt up to {@link #maxBackoff}, with jitter.
     * Default 50 ms.
     *
     * @param initialBackoff the first delay's scale, at least 1 ms
     * @return this builder
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
      return this;
    }

    /**
     * Sets the longest backoff between two attempts. Default 1 s.
     *
     * @param maxBackoff the cap, at least {@link #initialBackoff}
     * @return this builder
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
      return this;
    }

    /**
     * Sets how long SQS calls may keep failing (no success in between) before {@link SqsEnqueuer#accepting()} turns
     * false. Default 5 s, the default source budget: a webhook arriving later would likely get 503.
     *
     * @param readinessGrace zero or more
     * @return this builder
     */
    public Builder readinessGrace(Duration readinessGrace) {
      this.readinessGrace = Objects.requireNonNull(readinessGrace, "readinessGrace");
      return this;
    }

    /**
     * Sets how long {@link SqsEnqueuer#close()} waits for pending stores before failing them. Default 5 s.
     *
     * @param closeTimeout the wait, not negative
     * @return this builder
     */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
      return this;
    }

    /**
     * Sets the scheduler for linger, backoff and budget timers. Default: our own single daemon thread {@code
     * hookline-enqueuer-N}, stopped by {@link SqsEnqueuer#close()}. You shut down a scheduler you pass in, after
     * closing the enqueuer. Tasks are short and never block.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the clock deadlines are measured with. Default the system UTC clock; tests pass their own.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the source of backoff jitter. Default: a generator seeded from {@code SecureRandom} at its
     * first draw (so Lambda SnapStart environments restored from one snapshot draw differently); tests pass a seeded one. Used under
     * a lock, so it need not be thread-safe.
     *
     * @param random the random generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets the listener told about each retry ({@link PipelineListener#onSinkRetry}). Default {@link
     * PipelineListener#NONE}. A listener that throws is logged once at WARN and ignored.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PipelineListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the tracing: a producer span per stored webhook (child of the receive's context the webhook carries), whose
     * context is written into the envelope for the consumers to link to. Default {@link Tracing#NONE}: the envelope
     * then keeps whatever context the webhook carries. A tracing that throws is logged once at WARN and ignored.
     *
     * @param tracing the tracing, for example {@code webhook-opentelemetry}'s
     * @return this builder
     */
    public Builder tracing(Tracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    /**
     * Returns the enqueuer. Starts no thread.
     *
     * @return the enqueuer
     * @throws IllegalArgumentException naming the first missing or invalid setting
     */
    public SqsEnqueuer build() {
      if (client == null) {
        throw new IllegalArgumentException("client must be set");
      }
      if (queueUrl == null) {
        throw new IllegalArgumentException("queueUrl must be set");
      }
      URI url;
      try {
        url = URI.create(queueUrl);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("queueUrl must be a URL, was " + queueUrl, e);
      }
      if (url.getScheme() == null
          || !(url.getScheme().equals("https") || url.getScheme().equals("http"))
          || url.getHost() == null
          || url.getPath() == null
          || url.getPath().length() < 2) {
        throw new IllegalArgumentException("queueUrl must be an http(s) queue URL with a path, was " + queueUrl);
      }
      if (maxMessageBytes < 1 || maxMessageBytes > SqsLimits.MAX_MESSAGE_BYTES) {
        throw new IllegalArgumentException(
            "maxMessageBytes must be in 1.." + SqsLimits.MAX_MESSAGE_BYTES + ", was " + maxMessageBytes);
      }
      if (linger.isNegative() || linger.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException("linger must be in 0..1s, was " + linger);
      }
      if (maxPending < 1) {
        throw new IllegalArgumentException("maxPending must be >= 1, was " + maxPending);
      }
      if (maxConcurrentCalls < 1) {
        throw new IllegalArgumentException("maxConcurrentCalls must be >= 1, was " + maxConcurrentCalls);
      }
      if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
        throw new IllegalArgumentException("attemptTimeout must be positive, was " + attemptTimeout);
      }
      if (initialBackoff.compareTo(Duration.ofMillis(1)) < 0) {
        throw new IllegalArgumentException("initialBackoff must be at least 1 ms, was " + initialBackoff);
      }
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff must be >= initialBackoff (" + initialBackoff + "), was " + maxBackoff);
      }
      if (closeTimeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must not be negative, was " + closeTimeout);
      }
      if (readinessGrace.isNegative()) {
        throw new IllegalArgumentException("readinessGrace must not be negative, was " + readinessGrace);
      }
      return new SqsEnqueuer(this, url);
    }
  }
}
