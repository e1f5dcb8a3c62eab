package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.HooklineException;
import dev.hookline.core.PayloadTooLargeException;
import dev.hookline.core.PipelineListener;
import dev.hookline.core.SinkOverCapacityException;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.EmbeddedSqs;
import dev.hookline.testkit.Fault;
import dev.hookline.testkit.FaultProxy;
import dev.hookline.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class SqsEnqueuerIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BUDGET = Duration.ofSeconds(2);

  private final EnvelopeCodec codec = EnvelopeCodec.defaults();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final ConcurrentLinkedQueue<Integer> retries = new ConcurrentLinkedQueue<>();
  private final PipelineListener listener =
      new PipelineListener() {
        @Override
        public void onSinkRetry(String source, int attempt, Throwable error) {
          retries.add(attempt);
        }
      };
  private FaultProxy proxy;
  /** Through the proxy, without the SDK's own retries, so the enqueuer's retries do all the work. */
  private SqsAsyncClient proxied;

  @BeforeEach
  void setUp() {
    proxy = FaultProxy.start(SQS.server().endpoint());
    proxied =
        EmbeddedSqs.newAsyncClientWithoutRetries(proxy.endpoint());
    closeables.add(proxied);
    closeables.add(proxy);
    // A new SDK client's first call is slow (class loading, event loop); keep it out of the budgets under test.
    proxied.listQueues().join();
    proxy.resetCounts();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private SqsEnqueuer.Builder enqueuer(SqsAsyncClient client, String queueUrl) {
    return SqsEnqueuer.builder()
        .client(client)
        .queueUrl(queueUrl)
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(200))
        .random(new java.util.SplittableRandom(42))
        .listener(listener);
  }

  private SqsEnqueuer started(SqsEnqueuer.Builder builder) {
    SqsEnqueuer enqueuer = builder.build();
    closeables.add(enqueuer);
    return enqueuer;
  }

  private static Webhook webhook(String id) {
    return webhook(id, "{\"id\":\"" + id + "\",\"text\":\"héllo\"}");
  }

  private static Webhook webhook(String id, String body) {
    return Webhook.builder()
        .deliveryId(id)
        .source("github")
        .receivedAt(Instant.parse("2026-11-28T12:00:00Z"))
        .headers(WebhookHeaders.builder().add("X-GitHub-Event", "push").add("X-GitHub-Delivery", id).build())
        .contentType("application/json")
        .body(body.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private static Map<String, String> stringAttributes(Message m) {
    return m.messageAttributes().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stringValue()));
  }

  private List<String> drainedIds(String queueUrl) {
    return Await.drain(SQS.syncClient(), queueUrl).stream()
        .map(m -> stringAttributes(m).get(EnvelopeCodec.ATTR_DELIVERY_ID))
        .collect(Collectors.toList());
  }

  private static CompletableFuture<Void> allOf(List<CompletableFuture<Void>> futures) {
    return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
  }

  private static Throwable failure(CompletableFuture<Void> f) {
    try {
      f.join();
      throw new AssertionError("expected a failure");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void storesEnvelopesThatDecodeToTheSameWebhook() {
    String queue = SQS.createQueue("roundtrip");
    SqsEnqueuer enqueuer = started(enqueuer(SQS.asyncClient(), queue));
    // "c" is not UTF-8, so the envelope carries it as base64.
    Webhook binary =
        webhook("c").toBuilder().body(new byte[] {(byte) 0xff, 0x00, (byte) 0xfe, 'x'}).contentType("application/octet-stream").build();
    List<Webhook> sent = List.of(webhook("a"), webhook("b"), binary);

    allOf(sent.stream().map(w -> enqueuer.store(w, BUDGET).toCompletableFuture()).collect(Collectors.toList()))
        .join();

    List<Message> messages = Await.drain(SQS.syncClient(), queue);
    assertThat(messages).hasSize(3);
    Map<String, Webhook> received = new HashMap<>();
    for (Message m : messages) {
      Webhook decoded = codec.decode(m.body(), stringAttributes(m));
      received.put(decoded.deliveryId(), decoded);
      assertThat(m.messageAttributes())
          .containsEntry(
              EnvelopeCodec.ATTR_DELIVERY_ID,
              MessageAttributeValue.builder().dataType("String").stringValue(decoded.deliveryId()).build())
          .containsKey(EnvelopeCodec.ATTR_SOURCE)
          .containsKey(EnvelopeCodec.ATTR_VERSION);
    }
    for (Webhook w : sent) {
      Webhook got = received.get(w.deliveryId());
      assertThat(got.body()).isEqualTo(w.body());
      assertThat(got.headers()).isEqualTo(w.headers());
      assertThat(got.source()).isEqualTo(w.source());
      assertThat(got.contentType()).isEqualTo(w.contentType());
    }
    assertThat(enqueuer.pending()).isZero();
  }

  @Test
  void fifoQueueDropsARepeatedDeliveryId() {
    String queue = SQS.createFifoQueue("dedup");
    SqsEnqueuer enqueuer = started(enqueuer(SQS.asyncClient(), queue).linger(Duration.ZERO));

    enqueuer.store(webhook("same"), BUDGET).toCompletableFuture().join();
    enqueuer.store(webhook("same"), BUDGET).toCompletableFuture().join();
    enqueuer.store(webhook("other"), BUDGET).toCompletableFuture().join();

    List<Message> messages = Await.drain(SQS.syncClient(), queue);
    assertThat(messages)
        .extracting(m -> stringAttributes(m).get(EnvelopeCodec.ATTR_DELIVERY_ID))
        .containsExactly("same", "other");
    assertThat(messages)
        .allSatisfy(
            m -> {
              assertThat(m.attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "github");
              assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                  .isEqualTo(stringAttributes(m).get(EnvelopeCodec.ATTR_DELIVERY_ID));
            });
    assertThat(enqueuer.fifo()).isTrue();
  }

  @Test
  void fifoGroupIdComesFromTheConfiguredFunction() {
    String queue = SQS.createFifoQueue("groups");
    Function<Webhook, String> byEvent = w -> w.headers().first("X-GitHub-Event").orElse("none");
    SqsEnqueuer enqueuer = started(enqueuer(SQS.asyncClient(), queue).messageGroupId(byEvent));

    enqueuer.store(webhook("g1"), BUDGET).toCompletableFuture().join();

    assertThat(Await.drain(SQS.syncClient(), queue))
        .singleElement()
        .satisfies(m -> assertThat(m.attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "push"));
  }

  @Test
  void standardQueuesGetAGroupIdOnlyWhenConfigured() {
    // SQS fair queues: a message group id on a standard queue; no deduplication id there.
    String queue = SQS.createQueue("fair");
    SqsEnqueuer plain = started(enqueuer(SQS.asyncClient(), queue).linger(Duration.ZERO));
    SqsEnqueuer fair = started(enqueuer(SQS.asyncClient(), queue).linger(Duration.ZERO).messageGroupId(Webhook::source));

    plain.store(webhook("plain"), BUDGET).toCompletableFuture().join();
    fair.store(webhook("fair"), BUDGET).toCompletableFuture().join();

    Map<String, Message> byId =
        Await.drain(SQS.syncClient(), queue).stream()
            .collect(Collectors.toMap(m -> stringAttributes(m).get(EnvelopeCodec.ATTR_DELIVERY_ID), m -> m));
    assertThat(byId.get("plain").attributes()).doesNotContainKey(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    assertThat(byId.get("fair").attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "github");
    assertThat(byId.values())
        .allSatisfy(m -> assertThat(m.attributes()).doesNotContainKey(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID));
    assertThat(plain.fifo()).isFalse();
  }

  @Test
  void twoThousandConcurrentStoresArriveExactlyOnceInBatches() throws Exception {
    String queue = SQS.createQueue("many");
    // A long call timeout: a call that times out after storing would be retried and stored twice (at least once),
    // and this test counts exactly once.
    SqsEnqueuer enqueuer =
        started(enqueuer(proxied, queue).maxPending(2000).attemptTimeout(Duration.ofSeconds(15)));
    // Some batches come back with failed entries, so results must be matched to callers by entry id.
    proxy.failNext(20, Fault.failBatchEntries(3), "SendMessageBatch");
    int n = 2000;
    List<CompletableFuture<Void>> results = new ArrayList<>(n);
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<CompletableFuture<Void>>> submitted = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String id = "d-" + i;
        submitted.add(
            // A generous budget: this checks delivery and batching, not deadlines, on a possibly cold, busy JVM.
            CompletableFuture.supplyAsync(
                () -> enqueuer.store(webhook(id), Duration.ofSeconds(20)).toCompletableFuture(), callers));
      }
      for (CompletableFuture<CompletableFuture<Void>> s : submitted) {
        results.add(s.get(10, TimeUnit.SECONDS));
      }
    } finally {
      callers.shutdown();
    }

    allOf(results).get(30, TimeUnit.SECONDS);

    assertThat(results).allSatisfy(f -> assertThat(f).isCompleted());
    List<String> ids = drainedIds(queue);
    assertThat(ids).hasSize(n).doesNotHaveDuplicates();
    assertThat(ids).containsExactlyInAnyOrderElementsOf(
        java.util.stream.IntStream.range(0, n).mapToObj(i -> "d-" + i).collect(Collectors.toList()));
    // Three entries of each of 20 batches, fewer when a batch was smaller.
    assertThat(retries.size()).isBetween(20, 60);
    assertThat(proxy.faultCount("SendMessageBatch")).isEqualTo(20);
    int batches = proxy.requestCount("SendMessageBatch");
    assertThat(batches).isGreaterThanOrEqualTo(n / 10).isLessThan(n / 2);
    assertThat(proxy.requestCount("SendMessage")).isZero();
  }

  @Test
  void aBurstOfErrorsShorterThanTheBudgetIsRetriedAway() {
    String queue = SQS.createQueue("burst");
    SqsEnqueuer enqueuer = started(enqueuer(proxied, queue));
    proxy.failNext(2, Fault.throttle(), "SendMessageBatch");
    proxy.failNext(2, Fault.serverError(), "SendMessageBatch");
    proxy.failNext(1, Fault.requestThrottled(), "SendMessageBatch");
    proxy.failNext(1, Fault.reset(), "SendMessageBatch");

    List<CompletableFuture<Void>> results = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      results.add(enqueuer.store(webhook("burst-" + i), BUDGET).toCompletableFuture());
    }
    allOf(results).join();

    assertThat(proxy.faultCount("SendMessageBatch")).isEqualTo(6);
    assertThat(retries).isNotEmpty();
    assertThat(drainedIds(queue)).hasSize(30).doesNotHaveDuplicates();
  }

  @Test
  void sdkRetriesComposeWithOurs() {
    // The default client retries 5xx itself (3 attempts); the apiCallTimeout per call keeps that within the budget.
    String queue = SQS.createQueue("sdkretries");
    SqsAsyncClient withSdkRetries = EmbeddedSqs.newAsyncClient(proxy.endpoint());
    closeables.add(withSdkRetries);
    SqsEnqueuer enqueuer = started(enqueuer(withSdkRetries, queue).linger(Duration.ZERO));
    proxy.failNext(4, Fault.serverError(), "SendMessageBatch");

    enqueuer.store(webhook("sdk"), BUDGET).toCompletableFuture().join();

    assertThat(proxy.faultCount("SendMessageBatch")).isEqualTo(4);
    assertThat(drainedIds(queue)).containsExactly("sdk");
  }

  @Test
  void aHungCallDoesNotEatTheBudget() {
    String queue = SQS.createQueue("hung");
    SqsEnqueuer enqueuer =
        started(enqueuer(proxied, queue).linger(Duration.ZERO).attemptTimeout(Duration.ofMillis(300)));
    proxy.failNext(1, Fault.delay(Duration.ofSeconds(5)), "SendMessageBatch");

    long start = System.nanoTime();
    enqueuer.store(webhook("hung"), BUDGET).toCompletableFuture().join();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BUDGET);
    assertThat(retries).containsExactly(1);
    // The hung call may still land later; the queue holds the webhook at least once.
    Await.untilAsserted(Duration.ofSeconds(10), () -> assertThat(drainedIds(queue)).contains("hung"));
  }

  @Test
  void anOutageLongerThanTheBudgetFailsWithinTheBudgetAndLosesNothingAcknowledged() {
    String queue = SQS.createQueue("outage");
    Duration budget = Duration.ofSeconds(1);
    SqsEnqueuer enqueuer = started(enqueuer(proxied, queue));
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      enqueuer.store(webhook("before-" + i), budget).toCompletableFuture().join();
      acknowledged.add("before-" + i);
    }
    proxy.failAlways(Fault.unavailable(), "SendMessageBatch");

    long start = System.nanoTime();
    List<CompletableFuture<Void>> during = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      during.add(enqueuer.store(webhook("during-" + i), budget).toCompletableFuture());
    }
    List<Throwable> failures = new ArrayList<>();
    during.forEach(f -> failures.add(failure(f)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    proxy.clear();

    assertThat(took).isLessThan(budget.plusMillis(500));
    assertThat(failures)
        .allSatisfy(
            e -> {
              assertThat(e).isInstanceOf(HooklineException.class);
              assertThat(((HooklineException) e).retryable()).isTrue();
            });
    assertThat(retries).isNotEmpty();
    assertThat(drainedIds(queue)).containsAll(acknowledged).doesNotHaveDuplicates();
  }

  @Test
  void aPartialBatchFailureRetriesOnlyTheFailedEntries() throws Exception {
    String queue = SQS.createQueue("partial");
    // A long linger so the five stores share one batch; the fifth fills nothing, the linger sends it.
    SqsEnqueuer enqueuer = started(enqueuer(proxied, queue).linger(Duration.ofMillis(200)));
    proxy.failNext(1, Fault.failBatchEntries(2), "SendMessageBatch");

    List<CompletableFuture<Void>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(enqueuer.store(webhook("p-" + i), BUDGET).toCompletableFuture());
    }
    allOf(results).join();

    List<FaultProxy.RecordedRequest> batches = proxy.requests("SendMessageBatch");
    assertThat(batches).hasSize(2);
    List<String> first = bodiesOf(batches.get(0));
    List<String> second = bodiesOf(batches.get(1));
    assertThat(first).hasSize(5);
    assertThat(second).containsExactlyInAnyOrderElementsOf(first.subList(0, 2));
    assertThat(retries).containsExactly(1, 1);
    assertThat(drainedIds(queue)).containsExactlyInAnyOrder("p-0", "p-1", "p-2", "p-3", "p-4");
  }

  private static List<String> bodiesOf(FaultProxy.RecordedRequest request) throws Exception {
    List<String> bodies = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(request.body()).get("Entries")) {
      bodies.add(entry.get("MessageBody").asText());
    }
    return bodies;
  }

  @Test
  void anOversizedEnvelopeIsRefusedWithoutACall() {
    String queue = SQS.createQueue("big");
    SqsEnqueuer small = started(enqueuer(proxied, queue).maxMessageBytes(1000));
    SqsEnqueuer standard = started(enqueuer(proxied, queue));

    Throwable tooBigForConfig = failure(small.store(webhook("x", "a".repeat(2000)), BUDGET).toCompletableFuture());
    Throwable tooBigForSqs =
        failure(standard.store(webhook("y", "a".repeat(1_048_576)), BUDGET).toCompletableFuture());

    assertThat(tooBigForConfig).isInstanceOf(PayloadTooLargeException.class);
    assertThat(((PayloadTooLargeException) tooBigForConfig).limit()).isEqualTo(1000);
    assertThat(tooBigForSqs).isInstanceOf(PayloadTooLargeException.class);
    assertThat(((PayloadTooLargeException) tooBigForSqs).limit()).isEqualTo(1_048_576);
    assertThat(proxy.totalRequests()).isZero();
    assertThat(small.pending()).isZero();
  }

  @Test
  void beyondMaxPendingStoresAreRefusedAtOnce() {
    String queue = SQS.createQueue("capacity");
    SqsEnqueuer enqueuer = started(enqueuer(proxied, queue).maxPending(2).linger(Duration.ofSeconds(1)));

    CompletableFuture<Void> first = enqueuer.store(webhook("c1"), BUDGET).toCompletableFuture();
    CompletableFuture<Void> second = enqueuer.store(webhook("c2"), BUDGET).toCompletableFuture();
    CompletableFuture<Void> third = enqueuer.store(webhook("c3"), BUDGET).toCompletableFuture();

    assertThat(third).isCompletedExceptionally();
    assertThat(failure(third)).isInstanceOf(SinkOverCapacityException.class);
    assertThat(enqueuer.pending()).isEqualTo(2);
    enqueuer.close();
    assertThat(first).isCompleted();
    assertThat(second).isCompleted();
    assertThat(first.isCompletedExceptionally() || second.isCompletedExceptionally()).isFalse();
    assertThat(drainedIds(queue)).containsExactlyInAnyOrder("c1", "c2");
  }

  @Test
  void aMissingQueueFailsAtOnceWithoutRetries() {
    String queue = SQS.createQueue("gone");
    SQS.syncClient().deleteQueue(b -> b.queueUrl(queue));
    SqsEnqueuer enqueuer = started(enqueuer(proxied, queue).linger(Duration.ZERO));

    long start = System.nanoTime();
    Throwable e = failure(enqueuer.store(webhook("lost"), BUDGET).toCompletableFuture());

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(e).isInstanceOf(HooklineException.class);
    assertThat(((HooklineException) e).retryable()).isFalse();
    assertThat(retries).isEmpty();
    assertThat(proxy.requestCount("SendMessageBatch")).isEqualTo(1);
  }

  @Test
  void closeFlushesPendingStoresAndRefusesNewOnes() {
    String queue = SQS.createQueue("close");
    SqsEnqueuer enqueuer = started(enqueuer(proxied, queue).linger(Duration.ofSeconds(1)));
    CompletableFuture<Void> pending = enqueuer.store(webhook("late"), BUDGET).toCompletableFuture();

    enqueuer.close();
    enqueuer.close();

    assertThat(pending).isCompleted();
    assertThat(pending.isCompletedExceptionally()).isFalse();
    assertThat(failure(enqueuer.store(webhook("after"), BUDGET).toCompletableFuture()))
        .isInstanceOf(HooklineException.class)
        .hasMessageContaining("closed");
    assertThat(drainedIds(queue)).containsExactly("late");
  }

  @Test
  void closeFailsWhatCannotBeStoredInTime() {
    String queue = SQS.createQueue("closefail");
    SqsEnqueuer enqueuer =
        started(enqueuer(proxied, queue).linger(Duration.ZERO).closeTimeout(Duration.ofMillis(200)));
    proxy.failAlways(Fault.unavailable(), "SendMessageBatch");
    CompletableFuture<Void> stuck = enqueuer.store(webhook("stuck"), Duration.ofSeconds(30)).toCompletableFuture();

    long start = System.nanoTime();
    enqueuer.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(failure(stuck)).isInstanceOf(HooklineException.class);
  }

  private static java.util.Set<Thread> enqueuerThreads() {
    java.util.Set<Thread> threads = new java.util.HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("hookline-enqueuer-") && t.isAlive()) {
        threads.add(t);
      }
    }
    return threads;
  }

  @Test
  void ownsItsSchedulerThreadButNeverYours() throws Exception {
    String queue = SQS.createQueue("threads");
    java.util.Set<Thread> before = enqueuerThreads();
    SqsEnqueuer ours = enqueuer(SQS.asyncClient(), queue).build();
    assertThat(enqueuerThreads()).isEqualTo(before);

    ours.store(webhook("t1"), BUDGET).toCompletableFuture().join();
    java.util.Set<Thread> started = enqueuerThreads();
    started.removeAll(before);
    assertThat(started).singleElement().satisfies(t -> assertThat(t.isDaemon()).isTrue());
    ours.close();
    Await.until(Duration.ofSeconds(5), () -> started.stream().noneMatch(Thread::isAlive));

    java.util.concurrent.ScheduledExecutorService yours = Executors.newSingleThreadScheduledExecutor();
    try {
      SqsEnqueuer withYours = enqueuer(SQS.asyncClient(), queue).scheduler(yours).build();
      withYours.store(webhook("t2"), BUDGET).toCompletableFuture().join();
      withYours.close();
      assertThat(yours.isShutdown()).isFalse();
    } finally {
      yours.shutdownNow();
    }
    assertThat(drainedIds(queue)).containsExactlyInAnyOrder("t1", "t2");
  }

  @Test
  void atLowLoadAStoreIsSentAtOnceWithoutALinger() throws Exception {
    String queue = SQS.createQueue("at-once");
    // Records every timer the enqueuer schedules: the budget timer is expected, a linger timer is not.
    List<Long> delays = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.ScheduledThreadPoolExecutor timers =
        new java.util.concurrent.ScheduledThreadPoolExecutor(1) {
          @Override
          public java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            delays.add(unit.toNanos(delay));
            return super.schedule(task, delay, unit);
          }
        };
    closeables.add(timers::shutdownNow);
    SqsEnqueuer enqueuer = started(enqueuer(proxied, queue).scheduler(timers)); // the default linger

    for (int i = 0; i < 3; i++) {
      enqueuer.store(webhook("one-" + i), BUDGET).toCompletableFuture().get(2, TimeUnit.SECONDS);
    }

    List<FaultProxy.RecordedRequest> batches = proxy.requests("SendMessageBatch");
    assertThat(batches).hasSize(3);
    for (FaultProxy.RecordedRequest batch : batches) {
      assertThat(bodiesOf(batch)).hasSize(1);
    }
    assertThat(delays).containsOnly(BUDGET.toNanos());
    assertThat(drainedIds(queue)).containsExactlyInAnyOrder("one-0", "one-1", "one-2");
  }

  @Test
  void underConcurrencyBatchesFormFromWhatArrivesWhileCallsAreInFlight() throws Exception {
    String queue = SQS.createQueue("adaptive");
    // One call slot: the first store goes alone, the rest gather while it is in flight.
    SqsEnqueuer enqueuer = started(enqueuer(proxied, queue).maxConcurrentCalls(1));

    List<CompletableFuture<Void>> results = new ArrayList<>();
    for (int i = 0; i < 41; i++) {
      results.add(enqueuer.store(webhook("c-" + i), BUDGET).toCompletableFuture());
    }
    allOf(results).get(5, TimeUnit.SECONDS);

    List<FaultProxy.RecordedRequest> batches = proxy.requests("SendMessageBatch");
    List<Integer> sizes = new ArrayList<>();
    for (FaultProxy.RecordedRequest batch : batches) {
      sizes.add(bodiesOf(batch).size());
    }
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(41);
    assertThat(sizes).allSatisfy(size -> assertThat(size).isBetween(1, 10));
    assertThat(sizes.get(0)).isEqualTo(1);
    assertThat(Collections.max(sizes)).isGreaterThan(1);
    assertThat(batches.size()).isLessThan(41 / 2);
    assertThat(drainedIds(queue)).hasSize(41);
  }

  @Test
  void buildNamesTheInvalidSetting() {
    String url = "http://127.0.0.1:1/000000000000/q";
    assertThatThrownBy(() -> SqsEnqueuer.builder().queueUrl(url).build()).hasMessageStartingWith("client");
    assertThatThrownBy(() -> SqsEnqueuer.builder().client(proxied).build()).hasMessageStartingWith("queueUrl");
    assertThatThrownBy(() -> SqsEnqueuer.builder().client(proxied).queueUrl("not a url").build())
        .hasMessageStartingWith("queueUrl");
    assertThatThrownBy(() -> SqsEnqueuer.builder().client(proxied).queueUrl("ftp://x/q").build())
        .hasMessageStartingWith("queueUrl");
    assertThatThrownBy(() -> enqueuer(proxied, url).maxMessageBytes(1_048_577).build())
        .hasMessageStartingWith("maxMessageBytes");
    assertThatThrownBy(() -> enqueuer(proxied, url).maxPending(0).build()).hasMessageStartingWith("maxPending");
    assertThatThrownBy(() -> enqueuer(proxied, url).maxConcurrentCalls(0).build())
        .hasMessageStartingWith("maxConcurrentCalls");
    assertThatThrownBy(() -> enqueuer(proxied, url).linger(Duration.ofSeconds(2)).build())
        .hasMessageStartingWith("linger");
    assertThatThrownBy(() -> enqueuer(proxied, url).attemptTimeout(Duration.ZERO).build())
        .hasMessageStartingWith("attemptTimeout");
    assertThatThrownBy(() -> enqueuer(proxied, url).initialBackoff(Duration.ZERO).build())
        .hasMessageStartingWith("initialBackoff");
    assertThatThrownBy(
            () -> enqueuer(proxied, url).initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1)).build())
        .hasMessageStartingWith("maxBackoff");
    assertThatThrownBy(() -> enqueuer(proxied, url).closeTimeout(Duration.ofMillis(-1)).build())
        .hasMessageStartingWith("closeTimeout");
    assertThatThrownBy(() -> SqsEnqueuer.builder().client(null)).hasMessage("client");
  }

  @Test
  void acceptingTurnsFalseWhenSqsKeepsFailingPastTheGraceAndTrueAgainAfterASuccess() {
    String url = SQS.createQueue("enq-ready");
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SqsEnqueuer enqueuer =
        started(enqueuer(proxied, url).clock(clock).readinessGrace(Duration.ofSeconds(5)).maxPending(2));
    assertThat(enqueuer.accepting()).isTrue();

    proxy.failAlways(Fault.unavailable(), "SendMessageBatch");
    assertThat(failure(enqueuer.store(webhook("r-1"), Duration.ofMillis(300)).toCompletableFuture()))
        .isInstanceOf(HooklineException.class);
    // Failing, but not yet for longer than the grace: a blip does not take the instance out of rotation.
    assertThat(enqueuer.accepting()).isTrue();
    clock.advance(Duration.ofSeconds(6));
    assertThat(enqueuer.accepting()).isFalse();

    proxy.clear();
    enqueuer.store(webhook("r-2"), BUDGET).toCompletableFuture().join();
    assertThat(enqueuer.accepting()).isTrue();

    enqueuer.close();
    assertThat(enqueuer.accepting()).isFalse();
  }

  @Test
  void acceptingIsFalseWhileMaxPendingStoresArePending() {
    String url = SQS.createQueue("enq-ready-full");
    SqsEnqueuer enqueuer = started(enqueuer(proxied, url).maxPending(1));
    proxy.failNext(1, Fault.delay(Duration.ofMillis(500)), "SendMessageBatch");
    CompletableFuture<Void> slow = enqueuer.store(webhook("p-1"), BUDGET).toCompletableFuture();

    assertThat(enqueuer.accepting()).isFalse();
    slow.join();
    // The pending count drops in the store's own completion callback, which may run just after the caller wakes.
    Await.until(Duration.ofSeconds(10), "accepting again", enqueuer::accepting);
  }
}
