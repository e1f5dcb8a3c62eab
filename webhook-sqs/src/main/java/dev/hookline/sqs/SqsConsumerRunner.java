package dev.hookline.sqs;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.internal.FreshRandom;
import dev.hookline.core.internal.Threads;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.Jitter;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.sqs.internal.DeadLetters;
import dev.hookline.sqs.internal.MessageEffects;
import dev.hookline.sqs.internal.MessageSettler;
import dev.hookline.sqs.internal.SqsErrors;
import dev.hookline.sqs.internal.SqsMessages;
import dev.hookline.sqs.internal.VisibilityChange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Consumes webhooks from an SQS queue: receives, decodes the envelope, runs the {@link WebhookProcessor} (and with it
 * your handler), and applies its decision — delete, retry later by changing the visibility timeout, or send to the
 * dead-letter queue with the failure and delete.
 *
 * <pre>{@code
 * try (SqsConsumerRunner runner = SqsConsumerRunner.builder()
 *     .client(sqs)
 *     .config(SqsConsumerConfig.builder().queueUrl(queueUrl).deadLetterQueueUrl(dlqUrl).build())
 *     .processor(WebhookProcessor.builder().handler(handler).build())
 *     .build()) {
 *   runner.start();
 *   awaitShutdownSignal();
 * }
 * }</pre>
 *
 * <p><b>Backpressure.</b> The runner holds at most {@link SqsConsumerConfig#maxInFlight()} messages: a poller takes
 * free permits first and asks SQS for only that many (at most 10 per call); a message's permit is returned once its
 * decision has been handed to SQS's batch calls.
 *
 * <p><b>Pollers size themselves.</b> {@link SqsConsumerConfig#pollers()} receives (default 1) always run. While a
 * receive comes back full and permits are still free, another poller starts, up to one per 10 messages of {@code
 * maxInFlight} and at most 10; while receives bring fewer messages, one spare poller beyond the configured ones runs, so
 * that a message arriving while a poller hands its batch over finds a long poll waiting. An extra poller stops when
 * its receive comes back empty or fails. So a backlog is read with several receives in flight, a trickle with two, an
 * idle queue costs one long poll, and slow handlers still hold the pollers back through the permits, since each
 * poller takes permits before it receives.
 *
 * <p><b>Leases.</b> Messages are received with the configured visibility timeout. A heartbeat extends the lease of
 * messages still being handled before it runs out, up to {@link SqsConsumerConfig#maxProcessingTime()} from
 * receipt; a failed extension is logged at WARN and reported to {@link PipelineListener#onLeaseLost}.
 *
 * <p><b>FIFO queues.</b> Messages of one group are handled in order, groups in parallel. When a message is not
 * acknowledged, the rest of its group from the same receive is made visible again at once, not handled out of
 * order; SQS then holds the group until the failed message is done.
 *
 * <p><b>Receive errors</b> (5xx, throttling, connection errors) make the poller back off exponentially with jitter
 * and try again; a poller never stops on an error.
 *
 * <p><b>Shutdown.</b> {@link #close()} stops polling — receives in progress get a second to return, and what they
 * bring is made visible again at once; the runner then stops waiting for the rest (long polls on an empty queue, or
 * responses still on their way) without cancelling them, and whatever one of them brings later is made visible
 * again as soon as it arrives, so a slow response never leaves messages invisible for a visibility timeout — then
 * lets messages being handled finish until {@link SqsConsumerConfig#shutdownTimeout()}, makes unfinished ones
 * visible again at once, and sends pending deletes. No message is left invisible by a close. It returns within the
 * shutdown timeout plus a few seconds for those final calls. A long poll it stopped waiting for may stay open on
 * your client for up to {@link SqsConsumerConfig#waitTime()}; closing the client ends it.
 *
 * <p><b>Ownership.</b> The SQS client and an executor you pass in are yours: the runner never closes them. Without
 * an executor the runner creates a pool of {@code maxInFlight} threads named {@code hookline-consumer-N} and closes
 * it. On Java 21+ you may pass {@code Executors.newVirtualThreadPerTaskExecutor()}.
 *
 * <p>Thread-safety: thread-safe; {@link #start()} and {@link #close()} may be called from any thread.
 */
public final class SqsConsumerRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SqsConsumerRunner.class);

  /**
   * The most receives the adaptive rule keeps open at once. Measured on embedded ElasticMQ (benchmarks/README.md),
   * throughput stops rising at about 8 receives in flight; more only add idle long polls on an emptying queue.
   */
  static final int MAX_ADAPTIVE_POLLERS = 10;

  private static final Duration DEFAULT_RECEIVE_BACKOFF_MIN = Duration.ofMillis(100);
  private static final Duration DEFAULT_RECEIVE_BACKOFF_MAX = Duration.ofSeconds(10);

  /** How long {@link #close()} waits for the final SQS calls after the shutdown timeout. */
  private static final Duration FINAL_CALLS_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How long {@link #close()} waits for receives in progress to return. After it, close() goes on without them; a
   * receive that returns later has what it brought released by a call of its own.
   */
  private static final Duration RECEIVE_GRACE = Duration.ofSeconds(1);

  private enum State {
    NEW,
    RUNNING,
    CLOSING,
    CLOSED
  }

  private final SqsAsyncClient client;
  private final SqsConsumerConfig config;
  private final Executor userExecutor;
  private final Clock clock;
  private final Backoff receiveErrorBackoff;
  private final MessageEffects effects;
  private final MessageSettler settler;
  private final String threadPrefix;
  private final Semaphore permits;
  private final int receiveBatch;
  private final Map<String, InFlightMessage> inFlight = new ConcurrentHashMap<>();
  /** What the pollers of receives in progress wait on: copies of the SDK calls, so stopping a wait leaves the call. */
  private final Set<CompletableFuture<?>> receives = ConcurrentHashMap.newKeySet();
  private final Set<CompletableFuture<?>> deadLetterSends = ConcurrentHashMap.newKeySet();
  private final Set<Thread> receiving = ConcurrentHashMap.newKeySet();
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final ReentrantLock lifecycle = new ReentrantLock();

  // Created by start(); guarded by lifecycle for writes, read after start.
  private volatile ExecutorService ownedExecutor;
  private volatile Executor executor;
  private volatile ScheduledExecutorService scheduler;
  private volatile EffectBatcher batcher;
  private volatile ScheduledFuture<?> heartbeat;
  private final Set<Thread> pollers = ConcurrentHashMap.newKeySet();
  /** Pollers running, the configured ones included; at most {@link #maxPollers}. */
  private final AtomicInteger activePollers = new AtomicInteger();
  private final int maxPollers;
  private volatile ThreadFactory pollerThreads;

  private SqsConsumerRunner(Builder b) {
    this.client = b.client;
    this.config = b.config;
    this.userExecutor = b.executor;
    this.clock = b.clock;
    this.receiveErrorBackoff =
        b.receiveErrorBackoff != null
            ? b.receiveErrorBackoff
            : Backoff.exponential(DEFAULT_RECEIVE_BACKOFF_MIN, 2.0, DEFAULT_RECEIVE_BACKOFF_MAX, Jitter.EQUAL, b.random);
    this.effects = new MessageEffects(client, config.queueUrl());
    this.settler =
        new MessageSettler(
            b.processor, b.codec, b.clock, new DeadLetters(client, config.deadLetterQueueUrl(), b.codec));
    this.threadPrefix = "hookline-consumer-" + Threads.queueName(config.queueUrl());
    this.permits = new Semaphore(config.maxInFlight());
    this.receiveBatch = Math.min(SqsLimits.MAX_BATCH_ENTRIES, config.maxInFlight());
    this.maxPollers = maxPollers(config.pollers(), config.maxInFlight(), receiveBatch);
  }

  /**
   * The most pollers the adaptive rule may run: enough full receives to fill {@code maxInFlight} (one per 10
   * messages), at most {@link #MAX_ADAPTIVE_POLLERS}, and never fewer than the configured pollers.
   */
  static int maxPollers(int pollers, int maxInFlight, int receiveBatch) {
    int toFill = (maxInFlight + receiveBatch - 1) / receiveBatch;
    return Math.max(pollers, Math.min(toFill, MAX_ADAPTIVE_POLLERS));
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the configuration} */
  public SqsConsumerConfig config() {
    return config;
  }

  /** {@return whether the runner has been started and not yet closed} */
  public boolean isRunning() {
    return state.get() == State.RUNNING;
  }

  /**
   * Starts the pollers and the heartbeat. No thread exists before this call.
   *
   * @throws IllegalStateException when already started or closed
   */
  public void start() {
    lifecycle.lock();
    try {
      if (!state.compareAndSet(State.NEW, State.RUNNING)) {
        throw new IllegalStateException("SqsConsumerRunner can be started once; state is " + state.get());
      }
      scheduler = newScheduler();
      batcher = new EffectBatcher(effects, scheduler, config.batchLinger());
      if (userExecutor != null) {
        executor = userExecutor;
      } else {
        ThreadPoolExecutor pool =
            new ThreadPoolExecutor(
                config.maxInFlight(),
                config.maxInFlight(),
                60,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                Threads.named(threadPrefix, true));
        pool.allowCoreThreadTimeOut(true);
        ownedExecutor = pool;
        executor = pool;
      }
      long period = config.heartbeatInterval().toNanos();
      LeaseKeeper leases =
          new LeaseKeeper(inFlight, effects, config, PipelineListener.safe(config.listener()), clock);
      heartbeat = scheduler.scheduleWithFixedDelay(leases, period, period, TimeUnit.NANOSECONDS);
      pollerThreads = Threads.named(threadPrefix + "-poller", false);
      for (int i = 0; i < config.pollers(); i++) {
        activePollers.incrementAndGet();
        startPoller(true);
      }
      log.info(
          "SqsConsumerRunner started. queue={} fifo={} maxInFlight={} pollers={} maxPollers={} visibilityTimeout={}",
          config.queueUrl(),
          config.fifo(),
          config.maxInFlight(),
          config.pollers(),
          maxPollers,
          config.visibilityTimeout());
    } finally {
      lifecycle.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Polling

  private void startPoller(boolean configured) {
    Thread t = pollerThreads.newThread(() -> pollLoop(configured));
    pollers.add(t);
    t.start();
  }

  /**
   * The adaptive rule: after a receive came back full, while permits are still free and fewer than {@link
   * #maxPollers} run, start one more poller, so receives overlap while the queue has a backlog; after a receive came
   * back with fewer messages, keep one spare beyond the configured pollers ({@code limit}). Extra pollers stop when a
   * receive comes back empty or fails ({@link #pollLoop}), leaving the configured ones. {@code maxInFlight} stays the
   * bound on messages held: every poller takes permits before it receives.
   */
  private void maybeAddPoller(int limit) {
    if (permits.availablePermits() == 0) {
      return;
    }
    int n;
    do {
      n = activePollers.get();
      if (n >= limit) {
        return;
      }
    } while (!activePollers.compareAndSet(n, n + 1));
    lifecycle.lock();
    try {
      if (state.get() != State.RUNNING) {
        activePollers.decrementAndGet();
        return;
      }
      startPoller(false);
    } finally {
      lifecycle.unlock();
    }
    log.debug("Messages arriving; another poller started. queue={} pollers={}", config.queueUrl(), n + 1);
  }

  private void pollLoop(boolean configured) {
    try {
      pollUntilStopped(configured);
    } finally {
      activePollers.decrementAndGet();
      if (!configured) {
        pollers.remove(Thread.currentThread());
      }
    }
  }

  /** Runs until the runner stops; an extra (not configured) poller also stops on an empty or failed receive. */
  private void pollUntilStopped(boolean configured) {
    int failures = 0;
    while (state.get() == State.RUNNING) {
      int wanted;
      try {
        wanted = acquirePermits();
      } catch (InterruptedException e) {
        return;
      }
      if (state.get() != State.RUNNING) {
        permits.release(wanted);
        return;
      }
      List<Message> messages;
      try {
        messages = receive(wanted);
        if (failures > 0) {
          log.debug("Receive recovered. queue={} afterFailures={}", config.queueUrl(), failures);
        }
        failures = 0;
      } catch (InterruptedException | CancellationException e) {
        permits.release(wanted);
        return;
      } catch (ExecutionException | RuntimeException e) {
        permits.release(wanted);
        if (state.get() != State.RUNNING) {
          return;
        }
        if (!configured) {
          // One of the configured pollers backs off and reports the error; extra receives stop.
          return;
        }
        failures++;
        Duration wait = receiveErrorBackoff.delay(failures);
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (failures > 1 && failures % 10 != 0) {
          // Once per ten during a long outage is enough to see it.
          log.debug("Receive failed again. queue={} consecutiveFailures={} wait={}", config.queueUrl(), failures, wait);
        } else if (SqsErrors.retryable(cause)) {
          log.warn(
              "Receive failed; backing off. queue={} consecutiveFailures={} wait={}",
              config.queueUrl(),
              failures,
              wait,
              cause);
        } else {
          log.error(
              "Receive failed with an error that retrying may not fix; backing off. queue={}"
                  + " consecutiveFailures={} wait={}",
              config.queueUrl(),
              failures,
              wait,
              cause);
        }
        try {
          if (stopping.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
            return;
          }
        } catch (InterruptedException ie) {
          return;
        }
        continue;
      }
      if (messages.size() < wanted) {
        permits.release(wanted - messages.size());
      }
      if (!messages.isEmpty()) {
        dispatch(messages);
      }
      if (messages.size() >= receiveBatch) {
        maybeAddPoller(maxPollers);
      } else if (!messages.isEmpty()) {
        // Messages are arriving: keep one receive beyond the configured ones open, so that a message sent while this
        // poller hands its batch over and calls again finds a long poll already waiting (a lower tail latency).
        maybeAddPoller(Math.min(maxPollers, config.pollers() + 1));
      } else if (!configured) {
        return;
      }
    }
  }

  /**
   * Blocks for one permit, then takes up to a receive batch of free ones; returns how many were taken.
   *
   * <p>When fewer than half a batch are free (the runner is nearly full), it waits up to the batch linger for
   * handlers to return more before receiving. Without that wait, fast handlers return permits one at a time, and
   * each receive asks for one or two messages: about twice the receive calls, and the CPU they cost, for the same
   * messages. An idle or lightly loaded runner has enough free permits and never waits.
   */
  private int acquirePermits() throws InterruptedException {
    permits.acquire();
    int taken = 1;
    while (taken < receiveBatch && permits.tryAcquire()) {
      taken++;
    }
    int enough = (receiveBatch + 1) / 2;
    if (taken < enough) {
      long deadline = System.nanoTime() + config.batchLinger().toNanos();
      try {
        while (taken < receiveBatch) {
          long left = deadline - System.nanoTime();
          if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
            break;
          }
          taken++;
        }
      } catch (InterruptedException e) {
        permits.release(taken); // closing: give back what this poller holds, or the drain would wait for it
        throw e;
      }
    }
    return taken;
  }

  private List<Message> receive(int max) throws InterruptedException, ExecutionException {
    ReceiveMessageRequest request =
        ReceiveMessageRequest.builder()
            .queueUrl(config.queueUrl())
            .maxNumberOfMessages(max)
            .waitTimeSeconds((int) config.waitTime().getSeconds())
            .visibilityTimeout((int) config.visibilityTimeout().getSeconds())
            .messageSystemAttributeNames(
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                MessageSystemAttributeName.SENT_TIMESTAMP,
                MessageSystemAttributeName.MESSAGE_GROUP_ID,
                // X-Ray's trace header, the processing span's fallback parent when the envelope carries no context.
                MessageSystemAttributeName.AWS_TRACE_HEADER)
            .messageAttributeNames("All")
            .build();
    receiving.add(Thread.currentThread());
    try {
      CompletableFuture<ReceiveMessageResponse> call = client.receiveMessage(request);
      // The poller waits on a copy: close() stops the wait (cancelled after the grace, or the poller interrupted)
      // without cancelling the call, since a cancelled call could discard messages SQS has already handed over and
      // leave them invisible for a whole visibility timeout. What the call brings then is released on arrival.
      CompletableFuture<ReceiveMessageResponse> wait = call.copy();
      receives.add(wait);
      try {
        return wait.get().messages();
      } catch (InterruptedException | CancellationException e) {
        call.thenAccept(response -> releaseLate(response.messages()));
        throw e;
      } finally {
        receives.remove(wait);
      }
    } finally {
      receiving.remove(Thread.currentThread());
    }
  }

  private void dispatch(List<Message> messages) {
    Instant now = clock.instant();
    List<InFlightMessage> held = new ArrayList<>(messages.size());
    for (Message m : messages) {
      InFlightMessage f =
          new InFlightMessage(
              m, now, now.plus(config.visibilityTimeout()), now.plus(config.maxProcessingTime()));
      inFlight.put(m.receiptHandle(), f);
      held.add(f);
    }
    if (state.get() != State.RUNNING) {
      // Received while closing: hand them straight back rather than start new work.
      for (InFlightMessage f : held) {
        release(f);
      }
      return;
    }
    if (config.fifo()) {
      Map<String, List<InFlightMessage>> groups = new LinkedHashMap<>();
      for (InFlightMessage f : held) {
        String group = SqsMessages.messageGroupId(f.message()).orElse("");
        groups.computeIfAbsent(group, k -> new ArrayList<>()).add(f);
      }
      for (List<InFlightMessage> group : groups.values()) {
        submit(group, () -> handleGroup(group));
      }
    } else {
      for (InFlightMessage f : held) {
        submit(List.of(f), () -> handleOne(f));
      }
    }
  }

  private void submit(List<InFlightMessage> messages, Runnable task) {
    try {
      executor.execute(task);
    } catch (RuntimeException e) {
      // Usually a RejectedExecutionException from an executor that was shut down.
      log.warn("Executor rejected work; making messages visible again. count={}", messages.size(), e);
      for (InFlightMessage f : messages) {
        release(f);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Handling

  private void handleGroup(List<InFlightMessage> group) {
    MessageSettler.GroupHoldBack holdBack = new MessageSettler.GroupHoldBack();
    for (InFlightMessage f : group) {
      if (holdBack.heldBack(f.message())) {
        release(f);
        continue;
      }
      Optional<MessageSettler.Outcome> outcome = handleOne(f);
      holdBack.record(f.message(), outcome);
    }
  }

  /**
   * Decodes, processes and settles one message through the {@link MessageSettler}.
   *
   * @return the outcome (on a FIFO queue once a dead-letter copy was stored, so the group keeps its order); empty
   *     when the message was not started (released, or the runner is closing)
   */
  private Optional<MessageSettler.Outcome> handleOne(InFlightMessage f) {
    if (f.settled()) {
      return Optional.empty();
    }
    if (state.get() != State.RUNNING) {
      // Closing: work not yet started goes back to the queue at once instead of delaying shutdown.
      release(f);
      return Optional.empty();
    }
    Settling port = new Settling(f);
    CompletableFuture<MessageSettler.Outcome> outcome = settler.settle(f.message(), port);
    if (port.accepted || f.settle()) {
      finish(f);
    }
    if (!outcome.isDone()) {
      deadLetterSends.add(outcome);
      outcome.whenComplete((o, error) -> deadLetterSends.remove(outcome));
      if (!config.fifo()) {
        return Optional.of(new MessageSettler.Outcome(MessageSettler.Kind.DONE, Optional.empty()));
      }
    }
    try {
      // Keep group order: the rest of the group waits until the message has left the queue.
      return Optional.of(outcome.get(FINAL_CALLS_TIMEOUT.toNanos() * 6, TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(new MessageSettler.Outcome(MessageSettler.Kind.KEPT, Optional.empty()));
    } catch (ExecutionException | TimeoutException e) {
      return Optional.of(new MessageSettler.Outcome(MessageSettler.Kind.KEPT, Optional.empty()));
    }
  }

  /** The runner's way to SQS: batched deletes and visibility changes, for a message it still holds. */
  private final class Settling implements MessageSettler.Port {
    private final InFlightMessage f;
    private boolean accepted;

    Settling(InFlightMessage f) {
      this.f = f;
    }

    @Override
    public boolean accept(Message message) {
      accepted = f.settle();
      return accepted;
    }

    @Override
    public String queueName() {
      return Threads.queueName(config.queueUrl());
    }

    @Override
    public CompletableFuture<?> delete(Message message) {
      return batcher.delete(message);
    }

    @Override
    public void changeVisibility(Message message, int seconds) {
      batcher.changeVisibility(message, seconds);
    }
  }

  /** Forgets a settled message and returns its permit. */
  private void finish(InFlightMessage f) {
    inFlight.remove(f.message().receiptHandle(), f);
    permits.release();
  }

  /** Settles a message by making it visible again at once, if nobody settled it yet. */
  private void release(InFlightMessage f) {
    if (f.settle()) {
      batcher.changeVisibility(f.message(), 0);
      finish(f);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Shutdown

  /**
   * Stops polling, lets messages being handled finish until the shutdown timeout, makes unfinished messages visible
   * again at once, sends pending deletes, and stops the runner's threads. Idempotent; a second caller waits for the
   * first (bounded). Never closes the SQS client or an executor passed in.
   */
  @Override
  public void close() {
    lifecycle.lock();
    State was;
    try {
      was = state.get();
      if (was == State.NEW) {
        state.set(State.CLOSED);
        closed.countDown();
        return;
      }
      if (was == State.RUNNING) {
        state.set(State.CLOSING);
      }
    } finally {
      lifecycle.unlock();
    }
    if (was != State.RUNNING) {
      awaitQuietly(closed, config.shutdownTimeout().plus(FINAL_CALLS_TIMEOUT).multipliedBy(2));
      return;
    }
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    stopPolling();
    // Drain: every permit back means nothing is being handled.
    boolean drained = false;
    try {
      long left = Math.max(0, deadline - System.nanoTime());
      drained = permits.tryAcquire(config.maxInFlight(), left, TimeUnit.NANOSECONDS);
      if (drained) {
        permits.release(config.maxInFlight());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    heartbeat.cancel(false);
    int released = 0;
    for (InFlightMessage f : inFlight.values()) {
      if (f.settle()) {
        batcher.changeVisibility(f.message(), 0);
        finish(f);
        released++;
      }
    }
    long finalDeadline = System.nanoTime() + FINAL_CALLS_TIMEOUT.toNanos();
    awaitQuietly(CompletableFuture.allOf(deadLetterSends.toArray(new CompletableFuture<?>[0])), finalDeadline);
    awaitQuietly(batcher.close(), finalDeadline);
    scheduler.shutdownNow();
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    state.set(State.CLOSED);
    closed.countDown();
    log.info(
        "SqsConsumerRunner stopped. queue={} drained={} releasedUnfinished={}",
        config.queueUrl(),
        drained,
        released);
  }

  /**
   * Stops the pollers without abandoning what a receive in progress returns: pollers waiting for permits or backing
   * off stop at once; receives in progress get {@link #RECEIVE_GRACE} to return (the poller then releases what they
   * brought, since the runner is closing); the pollers then stop waiting for the rest, whose messages, if any, are
   * released when they arrive.
   */
  private void stopPolling() {
    stopping.countDown();
    for (Thread t : pollers) {
      if (!receiving.contains(t)) {
        t.interrupt();
      }
    }
    long graceEnd = System.nanoTime() + RECEIVE_GRACE.toNanos();
    for (Thread t : pollers) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(graceEnd - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    // Receives still in progress are long polls on an empty queue, or responses still on their way (a busy machine,
    // a slow network): their pollers stop waiting, and receive() releases whatever the calls bring on arrival.
    for (CompletableFuture<?> wait : receives) {
      wait.cancel(true);
    }
    for (Thread t : pollers) {
      t.interrupt();
    }
    for (Thread t : pollers) {
      try {
        t.join(FINAL_CALLS_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Makes visible again at once what a receive brought after {@link #close()} stopped waiting for it. */
  private void releaseLate(List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    List<VisibilityChange> changes = new ArrayList<>(messages.size());
    for (Message m : messages) {
      changes.add(new VisibilityChange(m, 0));
    }
    effects
        .changeVisibility(changes)
        .thenAccept(
            outcome -> {
              if (outcome.failed().isEmpty()) {
                log.info(
                    "A receive returned after close; its messages were made visible again. queue={} count={}",
                    config.queueUrl(),
                    messages.size());
              } else {
                log.warn(
                    "Could not release messages a receive returned after close; they become visible after their"
                        + " visibility timeout. queue={} count={} failed={}",
                    config.queueUrl(),
                    messages.size(),
                    outcome.failed().size());
              }
            });
  }

  private static void awaitQuietly(CompletableFuture<?> future, long deadlineNanos) {
    try {
      future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Final SQS calls did not all complete during close.", e);
    }
  }

  private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
    try {
      latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, Threads.named(threadPrefix + "-timer", true));
    s.setRemoveOnCancelPolicy(true);
    return s;
  }

  @Override
  public String toString() {
    return "SqsConsumerRunner{queue=" + config.queueUrl() + ", state=" + state.get() + '}';
  }

  /** Builds an {@link SqsConsumerRunner}; not thread-safe. Every rule is checked in {@link #build()}. */
  public static final class Builder {
    private SqsAsyncClient client;
    private SqsConsumerConfig config;
    private WebhookProcessor processor;
    private EnvelopeCodec codec = EnvelopeCodec.defaults();
    private Executor executor;
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = new FreshRandom();
    private Backoff receiveErrorBackoff;

    private Builder() {}

    /**
     * Sets the SQS client. Required. It is yours: the runner never closes it. Give it enough connections for up to
     * 10 long polls (the adaptive pollers, or {@code pollers} when more) plus the batch calls; the SDK's default
     * pool of 50 is enough.
     *
     * @param client the client
     * @return this builder
     */
    public Builder client(SqsAsyncClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the configuration. Required.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(SqsConsumerConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the processor that runs your handler and decides what happens to each message. Required.
     *
     * @param processor the processor
     * @return this builder
     */
    public Builder processor(WebhookProcessor processor) {
      this.processor = Objects.requireNonNull(processor, "processor");
      return this;
    }

    /**
     * Sets the codec that decodes queue messages (Hookline envelopes and API Gateway direct-integration messages).
     * Default {@link EnvelopeCodec#defaults()}; change it only to match a codec configured on the sending side.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(EnvelopeCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Sets the executor handlers run on. Default: a pool of {@code maxInFlight} threads named {@code
     * hookline-consumer-N}, closed by {@link #close()}. An executor you pass is yours to close; on Java 21+ a
     * virtual-thread-per-task executor suits I/O-bound handlers. The runner never submits more than {@code
     * maxInFlight} tasks at once.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the clock used for leases and attempt times. Default the system UTC clock; tests pass their own.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the random generator for the default receive backoff's jitter. Default: one seeded from {@code
     * SecureRandom} at its first draw, safe to share between pollers; tests pass a seeded one (used under a lock).
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets how long a poller waits after consecutive failed receives (5xx, throttling, connection errors). Default:
     * exponential from 100 ms, doubling, capped at 10 s, with equal jitter drawn from {@link #random}.
     *
     * @param backoff the backoff, called with the number of consecutive failures
     * @return this builder
     */
    public Builder receiveErrorBackoff(Backoff backoff) {
      this.receiveErrorBackoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Returns the runner, not yet started.
     *
     * @return the runner
     * @throws IllegalArgumentException naming the first missing field
     */
    public SqsConsumerRunner build() {
      if (client == null) {
        throw new IllegalArgumentException("client must be set");
      }
      if (config == null) {
        throw new IllegalArgumentException("config must be set");
      }
      if (processor == null) {
        throw new IllegalArgumentException("processor must be set");
      }
      return new SqsConsumerRunner(this);
    }
  }
}
