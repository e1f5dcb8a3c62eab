package dev.hookline.sqs;

import dev.hookline.core.Attempt;
import dev.hookline.core.PipelineListener;
import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.retry.Decision;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.sqs.internal.BatchOutcome;
import dev.hookline.sqs.internal.MessageEffects;
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
import java.util.concurrent.ThreadLocalRandom;
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
 * <p><b>Shutdown.</b> {@link #close()} stops polling at once — a pending long poll is cancelled, so messages SQS
 * may have handed to that cancelled call become visible again only after their visibility timeout — then lets
 * messages being handled finish until {@link SqsConsumerConfig#shutdownTimeout()}, makes unfinished ones visible
 * again at once, and sends pending deletes. It returns within the shutdown timeout plus a few seconds for those
 * final calls.
 *
 * <p><b>Ownership.</b> The SQS client and an executor you pass in are yours: the runner never closes them. Without
 * an executor the runner creates a pool of {@code maxInFlight} threads named {@code hookline-consumer-N} and closes
 * it. On Java 21+ you may pass {@code Executors.newVirtualThreadPerTaskExecutor()}.
 *
 * <p>Thread-safety: thread-safe; {@link #start()} and {@link #close()} may be called from any thread.
 */
public final class SqsConsumerRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SqsConsumerRunner.class);

  /** How long {@link #close()} waits for the final SQS calls after the shutdown timeout. */
  private static final Duration FINAL_CALLS_TIMEOUT = Duration.ofSeconds(5);

  private static final AtomicInteger HANDLER_THREADS = new AtomicInteger();
  private static final AtomicInteger POLLER_THREADS = new AtomicInteger();
  private static final AtomicInteger TIMER_THREADS = new AtomicInteger();

  private enum State {
    NEW,
    RUNNING,
    CLOSING,
    CLOSED
  }

  private final SqsAsyncClient client;
  private final SqsConsumerConfig config;
  private final WebhookProcessor processor;
  private final EnvelopeCodec codec;
  private final Executor userExecutor;
  private final Clock clock;
  private final ReceiveBackoff backoff;
  private final PipelineListener listener;
  private final MessageEffects effects;
  private final Semaphore permits;
  private final int receiveBatch;
  private final Map<String, InFlightMessage> inFlight = new ConcurrentHashMap<>();
  private final Set<CompletableFuture<?>> receives = ConcurrentHashMap.newKeySet();
  private final Set<CompletableFuture<?>> deadLetterSends = ConcurrentHashMap.newKeySet();
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
  private final List<Thread> pollers = new ArrayList<>();

  private SqsConsumerRunner(Builder b) {
    this.client = b.client;
    this.config = b.config;
    this.processor = b.processor;
    this.codec = b.codec;
    this.userExecutor = b.executor;
    this.clock = b.clock;
    this.backoff = new ReceiveBackoff(b.receiveBackoffMin, b.receiveBackoffMax, b.random);
    this.listener = PipelineListener.safe(config.listener());
    this.effects = new MessageEffects(client, config.queueUrl(), config.deadLetterQueueUrl(), codec);
    this.permits = new Semaphore(config.maxInFlight());
    this.receiveBatch = Math.min(SqsLimits.MAX_BATCH_ENTRIES, config.maxInFlight());
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
                named("hookline-consumer-", HANDLER_THREADS, true));
        pool.allowCoreThreadTimeOut(true);
        ownedExecutor = pool;
        executor = pool;
      }
      long period = config.heartbeatInterval().toNanos();
      heartbeat = scheduler.scheduleWithFixedDelay(this::heartbeatSafely, period, period, TimeUnit.NANOSECONDS);
      ThreadFactory pollerThreads = named("hookline-consumer-poller-", POLLER_THREADS, false);
      for (int i = 0; i < config.pollers(); i++) {
        Thread t = pollerThreads.newThread(this::pollLoop);
        pollers.add(t);
        t.start();
      }
      log.info(
          "SqsConsumerRunner started. queue={} fifo={} maxInFlight={} pollers={} visibilityTimeout={}",
          config.queueUrl(),
          config.fifo(),
          config.maxInFlight(),
          config.pollers(),
          config.visibilityTimeout());
    } finally {
      lifecycle.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Polling

  private void pollLoop() {
    int failures = 0;
    while (state.get() == State.RUNNING) {
      int wanted;
      try {
        wanted = acquirePermits();
      } catch (InterruptedException e) {
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
        failures++;
        Duration wait = backoff.delay(failures);
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (failures > 1 && failures % 10 != 0) {
          // Once per ten during a long outage is enough to see it.
          log.debug("Receive failed again. queue={} consecutiveFailures={} wait={}", config.queueUrl(), failures, wait);
        } else if (MessageEffects.retryable(cause)) {
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
                MessageSystemAttributeName.MESSAGE_GROUP_ID)
            .messageAttributeNames("All")
            .build();
    CompletableFuture<ReceiveMessageResponse> call = client.receiveMessage(request);
    receives.add(call);
    try {
      if (state.get() != State.RUNNING) {
        call.cancel(true);
      }
      return call.get().messages();
    } finally {
      receives.remove(call);
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
    for (int i = 0; i < group.size(); i++) {
      InFlightMessage f = group.get(i);
      boolean done = handleOne(f);
      if (!done) {
        List<InFlightMessage> rest = group.subList(i + 1, group.size());
        if (!rest.isEmpty()) {
          log.debug(
              "Holding back the rest of a FIFO group after a failure. messageId={} group={} heldBack={}",
              f.messageId(),
              SqsMessages.messageGroupId(f.message()).orElse(""),
              rest.size());
          for (InFlightMessage later : rest) {
            release(later);
          }
        }
        return;
      }
    }
  }

  /**
   * Decodes, processes and settles one message.
   *
   * @return true when the message is done (deleted or dead-lettered), false when it stays on the queue
   */
  private boolean handleOne(InFlightMessage f) {
    Message m = f.message();
    if (f.settled()) {
      return false;
    }
    if (state.get() != State.RUNNING) {
      // Closing: work not yet started goes back to the queue at once instead of delaying shutdown.
      release(f);
      return false;
    }
    Attempt attempt = SqsMessages.attempt(m, clock.instant());
    Webhook webhook = null;
    Decision decision;
    try {
      try {
        webhook = codec.decode(m.body(), SqsMessages.stringAttributes(m));
      } catch (RuntimeException e) {
        log.debug("Undecodable message. messageId={} attempt={}", m.messageId(), attempt.number(), e);
        decision = processor.poison(e, attempt);
        return settle(f, decision, Optional.empty(), attempt);
      }
      decision = processor.process(webhook, attempt);
    } catch (RuntimeException e) {
      // The processor promises never to throw; if it does, leave the message to come back after its lease.
      log.error(
          "Processing threw; the message will be received again after its visibility timeout. messageId={}",
          m.messageId(),
          e);
      if (f.settle()) {
        finish(f);
      }
      return false;
    }
    return settle(f, decision, Optional.of(webhook), attempt);
  }

  private boolean settle(InFlightMessage f, Decision decision, Optional<Webhook> webhook, Attempt attempt) {
    Message m = f.message();
    if (!f.settle()) {
      log.debug(
          "Message was released while it was handled; dropping its decision. messageId={} decision={}",
          m.messageId(),
          decision);
      return false;
    }
    String deliveryId = webhook.map(Webhook::deliveryId).orElse("-");
    String source = webhook.map(Webhook::source).orElse("-");
    if (decision instanceof Decision.Ack) {
      log.debug(
          "Handled; deleting. messageId={} deliveryId={} source={} attempt={} duplicate={}",
          m.messageId(),
          deliveryId,
          source,
          attempt.number(),
          ((Decision.Ack) decision).duplicate());
      batcher.delete(m);
      finish(f);
      return true;
    }
    if (decision instanceof Decision.Retry) {
      Decision.Retry retry = (Decision.Retry) decision;
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
      batcher.changeVisibility(m, seconds);
      finish(f);
      return false;
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
    CompletableFuture<Boolean> sent =
        (webhook.isPresent()
                ? effects.sendToDeadLetterQueue(m, dead.report(), webhook.get())
                : effects.sendToDeadLetterQueue(m, dead.report()))
            .thenCompose(
                ok ->
                    ok
                        ? batcher.delete(m).thenApply(outcome -> true)
                        : CompletableFuture.completedFuture(false));
    deadLetterSends.add(sent);
    sent.whenComplete((ok, error) -> deadLetterSends.remove(sent));
    finish(f);
    if (config.fifo()) {
      // Keep group order: the rest of the group waits until the message has left the queue.
      try {
        return sent.get(FINAL_CALLS_TIMEOUT.toNanos() * 6, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException | TimeoutException e) {
        return false;
      }
    }
    return true;
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
  // Heartbeat

  private void heartbeatSafely() {
    try {
      heartbeat(clock.instant());
    } catch (RuntimeException e) {
      log.warn("Heartbeat failed; trying again at the next interval.", e);
    }
  }

  /** Extends the leases of unsettled messages whose lease ends within two heartbeat intervals. */
  void heartbeat(Instant now) {
    Duration soon = config.heartbeatInterval().multipliedBy(2);
    List<VisibilityChange> changes = new ArrayList<>();
    Map<String, InFlightMessage> targets = new ConcurrentHashMap<>();
    for (InFlightMessage f : inFlight.values()) {
      if (f.settled() || f.leaseLost()) {
        continue;
      }
      Duration remaining = Duration.between(now, f.leaseEnd());
      if (remaining.compareTo(soon) > 0) {
        continue;
      }
      // Never past the max processing time from receipt (at most SQS's 12 hours).
      long budget = Duration.between(now, f.budgetEnd()).getSeconds();
      long seconds = Math.min(config.visibilityTimeout().getSeconds(), budget);
      if (seconds < 1 || !now.plusSeconds(seconds).isAfter(f.leaseEnd())) {
        if (!now.isBefore(f.leaseEnd())) {
          leaseLost(f, "maxProcessingTime reached");
        }
        continue;
      }
      if (!f.startExtending()) {
        continue; // the previous extension has not answered yet
      }
      changes.add(new VisibilityChange(f.message(), (int) seconds));
      targets.put(f.messageId(), f);
    }
    if (changes.isEmpty()) {
      return;
    }
    effects
        .changeVisibility(changes)
        .whenComplete(
            (BatchOutcome outcome, Throwable error) -> {
              for (VisibilityChange c : changes) {
                InFlightMessage f = targets.get(c.message().messageId());
                f.doneExtending();
                if (error == null && outcome.succeeded(f.messageId())) {
                  f.leaseEnd(now.plusSeconds(c.timeoutSeconds()));
                } else if (!f.settled()) {
                  String code = error != null ? error.toString() : outcome.failed().get(f.messageId());
                  leaseLost(f, "extension failed: " + code);
                }
              }
            });
  }

  private void leaseLost(InFlightMessage f, String why) {
    if (f.markLeaseLost()) {
      log.warn(
          "Lease lost; the message may be delivered again while it is handled. messageId={} why={}",
          f.messageId(),
          why);
      listener.onLeaseLost(f.messageId());
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
   * Stops everything at once without releasing or settling anything, as a crash would: messages held come back
   * only after their visibility timeout, and pending deletes are lost. For tests.
   */
  void abort() {
    lifecycle.lock();
    try {
      if (state.get() == State.NEW) {
        state.set(State.CLOSED);
        closed.countDown();
        return;
      }
      if (state.get() == State.CLOSED) {
        return;
      }
      state.set(State.CLOSED);
    } finally {
      lifecycle.unlock();
    }
    batcher.abort();
    for (InFlightMessage f : inFlight.values()) {
      f.settle();
    }
    stopPolling();
    scheduler.shutdownNow();
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    closed.countDown();
  }

  /** Returns how many messages are held now. For tests. */
  int inFlightCount() {
    return config.maxInFlight() - permits.availablePermits();
  }

  private void stopPolling() {
    stopping.countDown();
    for (CompletableFuture<?> call : receives) {
      call.cancel(true);
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

  private static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor s =
        new ScheduledThreadPoolExecutor(1, named("hookline-consumer-timer-", TIMER_THREADS, true));
    s.setRemoveOnCancelPolicy(true);
    return s;
  }

  private static ThreadFactory named(String prefix, AtomicInteger counter, boolean daemon) {
    return runnable -> {
      Thread t = new Thread(runnable, prefix + counter.incrementAndGet());
      t.setDaemon(daemon);
      return t;
    };
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
    private RandomGenerator random = ThreadLocalRandom.current();
    private Duration receiveBackoffMin = Duration.ofMillis(100);
    private Duration receiveBackoffMax = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * Sets the SQS client. Required. It is yours: the runner never closes it. Give it enough connections for
     * {@code pollers} long polls plus the batch calls.
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
     * Sets the random generator for the receive backoff's jitter. Default {@link ThreadLocalRandom}; tests pass a
     * seeded one.
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Sets the receive backoff's bounds (defaults 100 ms and 10 s); for tests. */
    Builder receiveBackoff(Duration min, Duration max) {
      this.receiveBackoffMin = Objects.requireNonNull(min, "min");
      this.receiveBackoffMax = Objects.requireNonNull(max, "max");
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
      if (receiveBackoffMin.isNegative()
          || receiveBackoffMin.isZero()
          || receiveBackoffMax.compareTo(receiveBackoffMin) < 0) {
        throw new IllegalArgumentException(
            "receiveBackoff must have 0 < min <= max, was " + receiveBackoffMin + ", " + receiveBackoffMax);
      }
      return new SqsConsumerRunner(this);
    }
  }
}
