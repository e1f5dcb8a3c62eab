package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.PermanentFailureException;
import dev.hookline.core.PipelineListener;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.idempotency.InMemoryIdempotencyStore;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.Jitter;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.sqs.internal.DeadLetterFormat;
import dev.hookline.sqs.internal.MessageEffects;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

class SqsConsumerRunnerIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private final SqsTestQueues queues = new SqsTestQueues(SQS);

  private static SqsConsumerConfig.Builder config(ElasticMqExtension.QueuePair pair) {
    return SqsConsumerConfig.builder()
        .queueUrl(pair.queueUrl())
        .deadLetterQueueUrl(pair.dlqUrl())
        .waitTime(Duration.ofSeconds(1));
  }

  private static SqsConsumerRunner.Builder runner(RecordingSqsClient client, SqsConsumerConfig config) {
    return SqsConsumerRunner.builder()
        .client(client)
        .config(config)
        .receiveErrorBackoff(
            Backoff.exponential(Duration.ofMillis(10), 2.0, Duration.ofMillis(50), Jitter.EQUAL, new SplittableRandom(42)));
  }

  private static WebhookHandler sleeping(Duration time) {
    return (w, a) -> Thread.sleep(time.toMillis());
  }

  private static List<String> ids(String prefix, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(prefix + "-" + i);
    }
    return ids;
  }

  /** A dead letter's attributes with its failure's fields ({@code reason}, {@code attempts}, ...) beside them. */
  private static Map<String, String> deadLetter(Message m) {
    Map<String, String> all = new HashMap<>(strings(m));
    all.putAll(DeadLetterFormat.fields(strings(m)));
    return all;
  }

  private static Map<String, String> strings(Message m) {
    return m.messageAttributes().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stringValue()));
  }

  @Test
  void aHandlerSlowerThanTheVisibilityTimeoutKeepsItsLease() throws Exception {
    var pair = SQS.createQueueWithDlq("slow", 10, 30);
    queues.send(pair.queueUrl(), List.of("slow-1"));
    CountDownLatch release = new CountDownLatch(1);
    CountingHandler handler = new CountingHandler((w, a) -> release.await(30, TimeUnit.SECONDS));
    ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
    PipelineListener listener =
        new PipelineListener() {
          @Override
          public void onLeaseLost(String messageId) {
            lost.add(messageId);
          }
        };
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    SqsConsumerConfig config =
        config(pair).maxInFlight(2).visibilityTimeout(Duration.ofSeconds(2)).listener(listener).build();
    try (SqsConsumerRunner runner =
        runner(client, config).processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3)).build()) {
      runner.start();
      // The heartbeat (every 2s/3) extends the lease; four extensions mean more than the 2 s visibility timeout
      // has passed since receipt while the handler was still blocked.
      Await.until(
          Duration.ofSeconds(15),
          "four lease extensions",
          () -> client.visibilityChanges.size() >= 4,
          () -> "changes=" + client.visibilityTimeouts());
      assertThat(handler.running.get()).isEqualTo(1);
      release.countDown();
      Await.until(Duration.ofSeconds(10), "handled", () -> handler.totalSuccesses.get() == 1);
      Await.until(Duration.ofSeconds(10), "queue empty", () -> queues.depth(pair.queueUrl()) == 0);
    }
    assertThat(handler.calls("slow-1")).as("received once: no second delivery while it ran").isEqualTo(1);
    assertThat(client.visibilityTimeouts()).allSatisfy(t -> assertThat(t).isEqualTo(2));
    assertThat(lost).isEmpty();
  }

  @Test
  void aFailingHandlerIsRetriedAfterTheBackoffThenDeadLettered() {
    var pair = SQS.createQueueWithDlq("failing", 10, 30);
    queues.send(pair.queueUrl(), List.of("fail-1"));
    CountingHandler handler =
        new CountingHandler(
            (w, a) -> {
              throw new IllegalStateException("downstream said no");
            });
    // Exponential, so that each retry's delay depends on the attempt number the runner reads from
    // ApproximateReceiveCount: a runner that passed attempt 1 every time would ask for 1 s, 1 s, ... and never
    // reach maxAttempts.
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(3)
            .backoff(Backoff.exponential(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10)))
            .build();
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    try (SqsConsumerRunner runner =
        runner(client, config(pair).build())
            .processor(
                TestWebhooks.processor(
                    handler, policy, InMemoryIdempotencyStore.builder().build(), PipelineListener.NONE))
            .build()) {
      runner.start();
      List<Message> dead = queues.drain(pair.dlqUrl(), 1, Duration.ofSeconds(15));
      assertThat(dead).hasSize(1);
      Message m = dead.get(0);
      assertThat(m.body()).isEqualTo(TestWebhooks.envelope("fail-1").body());
      Map<String, String> attributes = deadLetter(m);
      assertThat(attributes)
          .containsEntry("reason", "attempts_exhausted")
          .containsEntry("errorType", IllegalStateException.class.getName())
          .containsEntry("errorMessage", "downstream said no")
          .containsEntry("attempts", "3")
          .containsEntry(EnvelopeCodec.ATTR_DELIVERY_ID, "fail-1")
          .containsEntry(EnvelopeCodec.ATTR_SOURCE, "test")
          .containsKeys(
              "firstReceivedAt",
              "lastFailedAt",
              "originalMessageId");
      Await.until(Duration.ofSeconds(10), "source queue empty", () -> queues.depth(pair.queueUrl()) == 0);
    }
    assertThat(handler.log).containsExactly("fail-1#1", "fail-1#2", "fail-1#3");
    // The runner asked SQS to hide the message for the backoff of the attempt that failed: 1 s after attempt 1,
    // 2 s after attempt 2 (read from the requests, not the wall clock). Attempt 3 was the last: dead-lettered.
    assertThat(client.visibilityTimeouts()).containsExactly(1, 2);
  }

  @Test
  void aPermanentFailureIsDeadLetteredOnTheFirstAttempt() {
    var pair = SQS.createQueueWithDlq("permanent", 10, 30);
    queues.send(pair.queueUrl(), List.of("perm-1"));
    CountingHandler handler =
        new CountingHandler(
            (w, a) -> {
              throw new PermanentFailureException("unknown order type");
            });
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    try (SqsConsumerRunner runner =
        runner(client, config(pair).build())
            .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3))
            .build()) {
      runner.start();
      List<Message> dead = queues.drain(pair.dlqUrl(), 1, Duration.ofSeconds(10));
      assertThat(dead).hasSize(1);
      assertThat(deadLetter(dead.get(0)))
          .containsEntry("reason", "permanent_failure")
          .containsEntry("attempts", "1")
          .containsEntry("errorMessage", "unknown order type");
      Await.until(Duration.ofSeconds(10), "source queue empty", () -> queues.depth(pair.queueUrl()) == 0);
    }
    assertThat(handler.calls("perm-1")).isEqualTo(1);
    assertThat(client.visibilityChanges).isEmpty();
  }

  @Test
  void aPoisonMessageIsDeadLetteredWithoutCallingTheHandler() {
    var pair = SQS.createQueueWithDlq("poison", 10, 30);
    queues.sendRaw(pair.queueUrl(), "{not an envelope", Map.of("customer-tag", "blue"));
    CountingHandler handler = new CountingHandler();
    TestWebhooks.RecordingListener listener = new TestWebhooks.RecordingListener();
    WebhookProcessor processor =
        TestWebhooks.processor(
            handler, Duration.ofSeconds(1), 3, InMemoryIdempotencyStore.builder().build(), listener);
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    try (SqsConsumerRunner runner = runner(client, config(pair).build()).processor(processor).build()) {
      runner.start();
      List<Message> dead = queues.drain(pair.dlqUrl(), 1, Duration.ofSeconds(10));
      assertThat(dead).hasSize(1);
      assertThat(dead.get(0).body()).isEqualTo("{not an envelope");
      assertThat(deadLetter(dead.get(0)))
          .containsEntry("reason", "poison_message")
          .containsEntry("attempts", "1")
          .containsEntry("customer-tag", "blue")
          .containsKey("originalMessageId")
          .doesNotContainKey(EnvelopeCodec.ATTR_DELIVERY_ID);
      Await.until(Duration.ofSeconds(10), "source queue empty", () -> queues.depth(pair.queueUrl()) == 0);
    }
    assertThat(handler.totalCalls.get()).isZero();
    // Counted once, by the processor; the runner does not count it again.
    assertThat(listener.deadLettered).hasSize(1);
    assertThat(listener.deadLettered.peek()).startsWith("unknown/");
  }

  @Test
  void afterACrashANewRunnerHandlesEveryMessageOnce() throws Exception {
    var pair = SQS.createQueueWithDlq("crash", 10, 2);
    List<String> ids = ids("crash", 100);
    Set<String> permanent = ids.stream().filter(id -> id.endsWith("7")).collect(Collectors.toSet());
    queues.send(pair.queueUrl(), ids);
    // One idempotency store that survives the crash (in production: a shared store such as a database).
    InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().build();
    WebhookHandler failPermanent =
        (w, a) -> {
          if (permanent.contains(w.deliveryId())) {
            throw new PermanentFailureException("bad payload");
          }
        };
    CountingHandler first = new CountingHandler(failPermanent);
    CountingHandler second = new CountingHandler(failPermanent);
    // The crash comes in the 30th onHandled, on the handler's thread: the handler has returned and the store has
    // recorded the delivery as done, but the runner has not yet queued its delete. From then on the client reaches
    // SQS no more, as after a crash: that delete is never sent, and neither are those still waiting out the 1 s
    // batch linger nor the releases of the runner's close. Which deletes did reach SQS is read from the client, so
    // the expectation below is exact however the batches fell.
    AtomicReference<SqsConsumerRunner> crashing = new AtomicReference<>();
    AtomicReference<RecordingSqsClient> crashedClient = new AtomicReference<>();
    AtomicInteger handledByFirst = new AtomicInteger();
    PipelineListener crashOnThe30th =
        new PipelineListener() {
          @Override
          public void onHandled(Webhook webhook, int attempt, Duration handlerTime) {
            if (handledByFirst.incrementAndGet() == 30) {
              crashedClient.get().crashed.set(true);
              Thread stop = new Thread(crashing.get()::close, "test-crash");
              stop.start();
            }
          }
        };
    // Our own pool for the first runner, so the test can wait for its handlers to finish after the crash.
    ExecutorService firstPool = Executors.newFixedThreadPool(8);
    RecordingSqsClient firstClient = new RecordingSqsClient(SQS.asyncClient());
    crashedClient.set(firstClient);
    SqsConsumerConfig config = config(pair).maxInFlight(8).visibilityTimeout(Duration.ofSeconds(2)).build();
    SqsConsumerRunner crashed =
        runner(firstClient, config.toBuilder().batchLinger(Duration.ofSeconds(1)).build())
            .executor(firstPool)
            .processor(TestWebhooks.processor(first, Duration.ofSeconds(1), 3, store, crashOnThe30th))
            .build();
    crashing.set(crashed);
    crashed.start();
    Await.until(Duration.ofSeconds(20), "first runner crashed", () -> !crashed.isRunning());
    firstPool.shutdown();
    assertThat(firstPool.awaitTermination(10, TimeUnit.SECONDS)).as("first runner's handlers finished").isTrue();
    Await.until(
        Duration.ofSeconds(10),
        "first runner's SQS calls answered",
        () -> firstClient.callsInFlight.get() == 0,
        () -> "inFlight=" + firstClient.callsInFlight.get());

    Map<String, String> deliveryIdByReceipt = new HashMap<>();
    for (Message m : firstClient.received) {
      deliveryIdByReceipt.put(m.receiptHandle(), strings(m).get(EnvelopeCodec.ATTR_DELIVERY_ID));
    }
    Set<String> deletedByFirst =
        firstClient.deletedReceipts.stream().map(deliveryIdByReceipt::get).collect(Collectors.toSet());
    Set<String> handledNotDeleted = new HashSet<>(first.successes.keySet());
    handledNotDeleted.removeAll(deletedByFirst);
    assertThat(first.totalSuccesses.get()).isGreaterThanOrEqualTo(30);
    assertThat(handledNotDeleted).as("handled by the first runner, not deleted when it crashed").isNotEmpty();

    TestWebhooks.RecordingListener listener = new TestWebhooks.RecordingListener();
    RecordingSqsClient secondClient = new RecordingSqsClient(SQS.asyncClient());
    try (SqsConsumerRunner next =
        runner(secondClient, config)
            .processor(TestWebhooks.processor(second, Duration.ofSeconds(1), 3, store, listener))
            .build()) {
      next.start();
      Await.until(
          Duration.ofSeconds(30),
          "every message handled or dead-lettered",
          () -> queues.depth(pair.queueUrl()) == 0,
          () -> "depth=" + queues.depth(pair.queueUrl()));
    }

    // Every redelivery of a handled message was an idempotency skip, once each; its handler never ran again.
    assertThat(listener.duplicates).containsExactlyInAnyOrderElementsOf(handledNotDeleted);
    for (String id : handledNotDeleted) {
      assertThat(second.calls(id)).as("handler not called again: " + id).isZero();
    }
    // Every other message was handled exactly once overall...
    for (String id : ids) {
      if (!permanent.contains(id)) {
        assertThat(first.successes(id) + second.successes(id)).as("handled once: " + id).isEqualTo(1);
      }
    }
    // ...and every permanent failure dead-lettered. A dead-lettered message whose delete the crash lost is
    // received again and dead-lettered again (a dead letter releases its idempotency claim, so that a redrive is
    // handled), so the dead-letter queue holds exactly what both runners sent to it.
    List<String> deadLettered =
        Await.drain(SQS.syncClient(), pair.dlqUrl()).stream()
            .map(m -> strings(m).get(EnvelopeCodec.ATTR_DELIVERY_ID))
            .collect(Collectors.toList());
    List<String> sentToDlq = new ArrayList<>();
    for (RecordingSqsClient client : List.of(firstClient, secondClient)) {
      for (SendMessageRequest r : client.sent) {
        sentToDlq.add(r.messageAttributes().get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue());
      }
    }
    assertThat(deadLettered).containsExactlyInAnyOrderElementsOf(sentToDlq);
    assertThat(new HashSet<>(deadLettered)).isEqualTo(permanent);
    for (String id : permanent) {
      assertThat(second.calls(id))
          .as("seen again only if its delete was lost: " + id)
          .isEqualTo(deletedByFirst.contains(id) ? 0 : 1);
    }
    assertThat(first.successes.size() + second.successes.size() + permanent.size()).isEqualTo(ids.size());
  }

  @Test
  void handlersRunOnAnExecutorYouPassAndCloseLeavesItRunning() throws Exception {
    var pair = SQS.createQueueWithDlq("executor", 10, 30);
    List<String> ids = ids("exec", 30);
    queues.send(pair.queueUrl(), ids);
    AtomicInteger threadNumber = new AtomicInteger();
    // More threads than maxInFlight, so only the runner's permits keep the handlers at three.
    ExecutorService pool =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "user-pool-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
    CountDownLatch gate = new CountDownLatch(1);
    CountingHandler handler =
        new CountingHandler(
            (w, a) -> {
              handlerThreads.add(Thread.currentThread().getName());
              if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
              }
            });
    try {
      SqsConsumerRunner runner =
          runner(new RecordingSqsClient(SQS.asyncClient()), config(pair).maxInFlight(3).build())
              .executor(pool)
              .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3))
              .build();
      try (runner) {
        runner.start();
        Await.until(
            Duration.ofSeconds(10),
            "three handlers busy",
            () -> handler.running.get() == 3,
            () -> "running=" + handler.running);
        assertThat(SQS.inFlight(pair.queueUrl())).isEqualTo(3);
        gate.countDown();
        Await.until(
            Duration.ofSeconds(15),
            "all handled",
            () -> handler.totalSuccesses.get() == ids.size(),
            () -> "handled=" + handler.totalSuccesses);
        Await.until(Duration.ofSeconds(10), "queue empty", () -> queues.depth(pair.queueUrl()) == 0);
      }
      assertThat(handlerThreads).isNotEmpty().allSatisfy(name -> assertThat(name).startsWith("user-pool-"));
      assertThat(handler.maxRunning.get()).isEqualTo(3);
      assertThat(handler.successes.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      // We never close what we did not create: the pool still runs work after close().
      assertThat(pool.isShutdown()).isFalse();
      assertThat(pool.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS)).startsWith("user-pool-");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void gracefulCloseReleasesUnfinishedMessagesAtOnce() throws Exception {
    var pair = SQS.createQueueWithDlq("graceful", 10, 30);
    List<String> ids = ids("graceful", 30);
    queues.send(pair.queueUrl(), ids);
    CountDownLatch never = new CountDownLatch(1);
    CountingHandler stuck = new CountingHandler((w, a) -> never.await());
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    SqsConsumerConfig config =
        config(pair)
            .maxInFlight(10)
            .visibilityTimeout(Duration.ofSeconds(30))
            .shutdownTimeout(Duration.ofMillis(200))
            .build();
    SqsConsumerRunner first =
        runner(client, config).processor(TestWebhooks.processor(stuck, Duration.ofSeconds(1), 3)).build();
    first.start();
    Await.until(Duration.ofSeconds(10), "ten handlers busy", () -> stuck.running.get() == 10);
    long started = System.nanoTime();
    first.close();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    never.countDown();
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    assertThat(client.visibilityTimeouts()).containsOnly(0).hasSize(10);

    CountingHandler next = new CountingHandler();
    long restarted = System.nanoTime();
    try (SqsConsumerRunner second =
        runner(new RecordingSqsClient(SQS.asyncClient()), config)
            .processor(TestWebhooks.processor(next, Duration.ofSeconds(1), 3))
            .build()) {
      second.start();
      Await.until(Duration.ofSeconds(20), "all handled", () -> next.totalSuccesses.get() == 30);
    }
    // Released messages came back at once, well before their 30 s visibility timeout.
    assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isLessThan(Duration.ofSeconds(20));
    assertThat(next.successes.keySet()).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void closeLetsWorkInProgressFinishWithinTheShutdownTimeout() throws Exception {
    var pair = SQS.createQueueWithDlq("finish", 10, 30);
    queues.send(pair.queueUrl(), List.of("finish-1"));
    CountDownLatch release = new CountDownLatch(1);
    CountingHandler handler = new CountingHandler((w, a) -> release.await(20, TimeUnit.SECONDS));
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    SqsConsumerRunner runner =
        runner(client, config(pair).shutdownTimeout(Duration.ofSeconds(10)).build())
            .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3))
            .build();
    runner.start();
    Await.until(Duration.ofSeconds(10), "handler running", () -> handler.running.get() == 1);
    Thread closer = new Thread(runner::close, "test-closer");
    closer.start();
    Await.until(Duration.ofSeconds(5), "closing", () -> !runner.isRunning());
    release.countDown();
    closer.join(Duration.ofSeconds(15).toMillis());

    assertThat(closer.isAlive()).isFalse();
    assertThat(handler.totalSuccesses.get()).isEqualTo(1);
    assertThat(client.visibilityChanges).as("nothing released: it finished").isEmpty();
    assertThat(queues.depth(pair.queueUrl())).as("its delete was flushed by close").isZero();
  }

  @Test
  void leasesAreNeverExtendedPastTheMaxProcessingTime() throws Exception {
    var pair = SQS.createQueueWithDlq("budget", 10, 30);
    queues.send(pair.queueUrl(), List.of("budget-1"));
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
    PipelineListener listener =
        new PipelineListener() {
          @Override
          public void onLeaseLost(String messageId) {
            lost.add(messageId);
          }
        };
    CountDownLatch release = new CountDownLatch(1);
    CountingHandler handler = new CountingHandler((w, a) -> release.await(20, TimeUnit.SECONDS));
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    SqsConsumerConfig config =
        config(pair)
            .maxInFlight(1)
            .visibilityTimeout(Duration.ofSeconds(2))
            .heartbeatInterval(Duration.ofMillis(100))
            .maxProcessingTime(Duration.ofSeconds(3))
            .listener(listener)
            .build();
    try (SqsConsumerRunner runner =
        runner(client, config)
            .clock(clock)
            .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3))
            .build()) {
      runner.start();
      Await.until(Duration.ofSeconds(10), "handler running", () -> handler.running.get() == 1);
      // The lease ends at +2 s and is extended within two heartbeats (200 ms) of its end. At +1.9 s only 1.1 s of
      // the 3 s budget is left, so it is extended by 1 s (to +2.9 s), not by the 2 s visibility timeout.
      clock.advance(Duration.ofMillis(1900));
      Await.until(Duration.ofSeconds(5), "one extension", () -> client.visibilityChanges.size() == 1);
      assertThat(client.visibilityTimeouts()).containsExactly(1);
      // At +3 s the budget is spent: no further extension, and the lease is reported lost.
      clock.advance(Duration.ofMillis(1100));
      Await.until(Duration.ofSeconds(5), "lease lost", () -> !lost.isEmpty());
      release.countDown();
      Await.until(Duration.ofSeconds(10), "handled", () -> handler.totalSuccesses.get() >= 1);
    }
    assertThat(client.visibilityTimeouts()).containsExactly(1);
    assertThat(lost).hasSize(1);
  }

  @Test
  void closeWhenIdleReturnsWithoutWaitingOutTheLongPoll() {
    var pair = SQS.createQueueWithDlq("idle", 10, 30);
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    SqsConsumerConfig config = config(pair).waitTime(Duration.ofSeconds(20)).build();
    SqsConsumerRunner runner =
        runner(client, config).processor(TestWebhooks.processor(new CountingHandler(), Duration.ofSeconds(1), 3)).build();
    runner.start();
    Await.until(Duration.ofSeconds(5), "a long poll in progress", () -> client.receivesStarted.get() >= 1);
    long started = System.nanoTime();
    runner.close();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(runner.isRunning()).isFalse();
    runner.close(); // idempotent
    assertThatThrownBy(runner::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aCopyOfAWebhookStillBeingHandledWaitsForItAndNeverReachesTheDeadLetterQueue() {
    var pair = SQS.createQueueWithDlq("in-progress", 10, 30);
    List<String> ids = ids("busy", 5);
    // Two copies of each, as a sender's retry or SQS's at-least-once delivery makes them.
    queues.send(pair.queueUrl(), ids);
    queues.send(pair.queueUrl(), ids);
    CountingHandler handler = new CountingHandler(sleeping(Duration.ofSeconds(2)));
    TestWebhooks.RecordingListener listener = new TestWebhooks.RecordingListener();
    // One attempt only: a copy that spent an attempt waiting would be dead-lettered at once.
    WebhookProcessor processor =
        WebhookProcessor.builder()
            .handler(handler)
            .retryPolicy(RetryPolicy.builder().maxAttempts(1).build())
            .idempotencyStore(InMemoryIdempotencyStore.builder().build())
            .claimTtl(Duration.ofSeconds(5))
            .listener(listener)
            .build();
    try (SqsConsumerRunner runner =
        runner(new RecordingSqsClient(SQS.asyncClient()), config(pair).maxInFlight(10).build())
            .processor(processor)
            .build()) {
      runner.start();
      Await.until(
          Duration.ofSeconds(60),
          "every copy handled or skipped",
          () -> queues.depth(pair.queueUrl()) == 0,
          () -> "depth=" + queues.depth(pair.queueUrl()) + " calls=" + handler.totalCalls.get());
    }
    assertThat(handler.totalCalls.get()).isEqualTo(5);
    assertThat(listener.duplicates).hasSize(5);
    assertThat(listener.deadLettered).isEmpty();
    assertThat(queues.depth(pair.dlqUrl())).isZero();
  }

  @Test
  void closeUnderLoadLeavesNoMessageInvisible() {
    var pair = SQS.createQueueWithDlq("close-load", 10, 30);
    queues.send(pair.queueUrl(), ids("load", 1500));
    CountingHandler handler = new CountingHandler(sleeping(Duration.ofMillis(2)));
    SqsConsumerRunner runner =
        runner(new RecordingSqsClient(SQS.asyncClient()), config(pair).pollers(8).maxInFlight(100).build())
            .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3))
            .build();
    runner.start();
    Await.until(
        Duration.ofSeconds(60), "the runner is busy", () -> handler.totalCalls.get() >= 300, handler.totalCalls::toString);

    runner.close();

    // Whatever the pollers' receives brought back while closing was released, not left for its visibility timeout
    // (30 s): at once by close(), or, for a response still on its way when close() stopped waiting (a busy machine),
    // as soon as it arrives.
    Await.until(
        Duration.ofSeconds(20), "nothing left invisible", () -> SQS.inFlight(pair.queueUrl()) == 0,
        () -> "in flight: " + SQS.inFlight(pair.queueUrl()));
    assertThat(queues.depth(pair.queueUrl())).isEqualTo(1500 - handler.totalSuccesses.get());
  }

  @Test
  void aReceiveThatReturnsAfterCloseHasItsMessagesMadeVisibleAgainAtOnce() {
    var pair = SQS.createQueueWithDlq("close-late", 10, 300);
    queues.send(pair.queueUrl(), ids("late", 5));
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    CompletableFuture<Void> network = new CompletableFuture<>();
    client.receiveGate = network;
    CountingHandler handler = new CountingHandler();
    SqsConsumerRunner runner =
        runner(client, config(pair).visibilityTimeout(Duration.ofSeconds(300)).build())
            .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3))
            .build();
    runner.start();
    // SQS handed the five over (they are invisible for 300 s) but the response has not reached the runner.
    Await.until(
        Duration.ofSeconds(30), "a receive holding every message", () -> client.messagesHeld.get() == 5,
        client.messagesHeld::toString);

    runner.close();
    assertThat(SQS.inFlight(pair.queueUrl())).isEqualTo(5);
    network.complete(null);

    // The late response's messages are released by a call of their own, not left for the 300 s visibility timeout.
    Await.until(
        Duration.ofSeconds(30), "the late receive's messages visible again", () -> SQS.inFlight(pair.queueUrl()) == 0,
        () -> "in flight: " + SQS.inFlight(pair.queueUrl()));
    assertThat(queues.depth(pair.queueUrl())).isEqualTo(5);
    assertThat(handler.totalCalls.get()).isZero();
    assertThat(client.visibilityChanges).extracting(RecordingSqsClient.VisibilityCall::timeoutSeconds).containsOnly(0);
  }

  @Test
  void startsNoThreadBeforeStartAndStopsItsThreadsOnClose() {
    var pair = SQS.createQueueWithDlq("threads", 10, 30);
    Await.until(Duration.ofSeconds(10), "earlier runners' threads gone", () -> consumerThreads().isEmpty());
    SqsConsumerRunner runner =
        runner(new RecordingSqsClient(SQS.asyncClient()), config(pair).build())
            .processor(TestWebhooks.processor(new CountingHandler(), Duration.ofSeconds(1), 3))
            .build();
    assertThat(consumerThreads()).isEmpty();
    runner.start();
    assertThat(consumerThreads()).anyMatch(name -> name.startsWith("hookline-consumer-") && name.contains("-poller-"));
    runner.close();
    Await.until(
        Duration.ofSeconds(10), "threads stopped", () -> consumerThreads().isEmpty(), () -> consumerThreads().toString());
  }

  private static List<String> consumerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("hookline-consumer-"))
        .collect(Collectors.toList());
  }

  @Test
  void receiveErrorsBackOffAndRecover() {
    var pair = SQS.createQueueWithDlq("receive-errors", 10, 30);
    List<String> ids = ids("recv", 20);
    queues.send(pair.queueUrl(), ids);
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    client.failReceives.set(5);
    CountingHandler handler = new CountingHandler();
    try (SqsConsumerRunner runner =
        runner(client, config(pair).build())
            .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3))
            .build()) {
      runner.start();
      Await.until(Duration.ofSeconds(15), "all handled", () -> handler.totalSuccesses.get() == 20);
      Await.until(Duration.ofSeconds(10), "queue empty", () -> queues.depth(pair.queueUrl()) == 0);
    }
    assertThat(client.failReceives.get()).isZero();
    assertThat(client.receivesStarted.get()).isGreaterThan(5);
    assertThat(handler.successes.keySet()).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void failedDeletesAreRetried() {
    var pair = SQS.createQueueWithDlq("delete-errors", 10, 30);
    List<String> ids = ids("del", 10);
    queues.send(pair.queueUrl(), ids);
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    client.failDeletes.set(2);
    CountingHandler handler = new CountingHandler();
    try (SqsConsumerRunner runner =
        runner(client, config(pair).build())
            .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3))
            .build()) {
      runner.start();
      Await.until(Duration.ofSeconds(15), "queue empty", () -> queues.depth(pair.queueUrl()) == 0);
    }
    assertThat(client.failDeletes.get()).isZero();
    assertThat(handler.totalCalls.get()).isEqualTo(10);
  }

  @Test
  void aFailedExtensionIsReportedAsALostLease() throws Exception {
    var pair = SQS.createQueueWithDlq("lost-lease", 10, 30);
    queues.send(pair.queueUrl(), List.of("lost-1"));
    ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
    PipelineListener listener =
        new PipelineListener() {
          @Override
          public void onLeaseLost(String messageId) {
            lost.add(messageId);
          }
        };
    CountDownLatch leaseLost = new CountDownLatch(1);
    CountingHandler handler = new CountingHandler((w, a) -> leaseLost.await(20, TimeUnit.SECONDS));
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    client.failVisibilityChanges.set(1000);
    SqsConsumerConfig config =
        config(pair)
            .visibilityTimeout(Duration.ofSeconds(3))
            .heartbeatInterval(Duration.ofMillis(500))
            .listener(listener)
            .build();
    try (SqsConsumerRunner runner =
        runner(client, config).processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3)).build()) {
      runner.start();
      Await.until(Duration.ofSeconds(15), "lease lost reported", () -> !lost.isEmpty());
      leaseLost.countDown();
      Await.until(Duration.ofSeconds(10), "handled", () -> handler.totalSuccesses.get() == 1);
    }
    assertThat(lost).hasSize(1);
    // Each failed extension was attempted MAX_ATTEMPTS times, then given up.
    assertThat(client.visibilityChanges).hasSize(MessageEffects.MAX_ATTEMPTS);
  }
}
