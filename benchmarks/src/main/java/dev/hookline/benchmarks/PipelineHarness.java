package dev.hookline.benchmarks;

import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.sqs.SqsConsumerConfig;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.testkit.EmbeddedSqs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The pipeline throughput harness: in one JVM, against one embedded ElasticMQ server, it compares the Hookline
 * enqueuer and consumer runner with hand-written loops straight on the AWS SDK, and prints Markdown tables.
 *
 * <ol>
 *   <li><b>Enqueue.</b> N envelope-encoded webhooks onto a queue by a raw {@code SendMessageBatch} loop (1, 4 and 8
 *       threads, batches of 10) and by {@link SqsEnqueuer#store} with a window of concurrent stores (64 and 512).
 *       These four queues then hold the messages for the drains.
 *   <li><b>Drain.</b> The raw consumer loop ({@code ReceiveMessage} max 10, decode, {@code DeleteMessageBatch}; 1, 4
 *       and 8 pollers) against the runner with a no-op handler, at its default config and at a tuned one. The end of a
 *       drain is when SQS has confirmed the N-th delete (counted by an SDK interceptor, the same for both).
 *   <li><b>Latency.</b> One message at a time at a fixed rate (default 200 msgs/s, 10 s per consumer), the send
 *       time in the body; the handler records send→handle. All consumers run at once, each on its own queue, and the
 *       producer feeds them in turn, 50 ms each, so their samples share the machine's disturbances.
 *       Then, idle for a second, how long each {@code close()} takes.
 * </ol>
 *
 * <p>CPU per message is measured per Java thread, leaving out ElasticMQ's threads (it runs in this JVM), so it is
 * the client's: our code, the SDK and its Netty event loops. Process CPU (server, GC and JIT included) is shown too.
 * A warm-up round (not printed) runs every scenario first.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.hookline.benchmarks.PipelineHarness [--messages N]}.
 * {@code --help} lists the options.
 */
public final class PipelineHarness {

  private static final String SOURCE = "github";
  private static final Duration STORE_BUDGET = Duration.ofSeconds(10);
  private static final long EPOCH = System.nanoTime();

  private final Options options;
  private final EnvelopeCodec codec = EnvelopeCodec.defaults();
  private final SqsCallStats stats = new SqsCallStats();
  private final List<Result> enqueueResults = new ArrayList<>();
  private final List<Result> drainResults = new ArrayList<>();
  private final List<LatencyResult> latencyResults = new ArrayList<>();
  private final AtomicInteger queueNumber = new AtomicInteger();
  private EmbeddedSqs sqs;
  private SqsAsyncClient client;
  /** The blocking client on the Apache HTTP client: the raw sync loops. */
  private SqsClient syncClient;
  /** The async client on the AWS CRT HTTP client. */
  private SqsAsyncClient crtClient;
  private final List<StoreLatency> storeLatencies = new ArrayList<>();
  private final List<StoreLatency> openStoreLatencies = new ArrayList<>();
  private String deadLetterQueueUrl;
  private List<Webhook> webhooks;

  private PipelineHarness(Options options) {
    this.options = options;
  }

  /**
   * Runs the harness and prints the tables.
   *
   * @param args {@code --messages N}, {@code --rate R}, {@code --latency-seconds S}, {@code --warmup N}, {@code
   *     --body-bytes B}, {@code --tuned-pollers P}, {@code --tuned-in-flight M}, {@code --tuned-linger-ms L}, {@code
   *     --rounds R}, {@code --runner pollers,maxInFlight[,lingerMs]} (an extra runner drain; repeatable), {@code
   *     --verbose}
   * @throws Exception when a scenario fails
   */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    if (options == null) {
      return;
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    new PipelineHarness(options).run(args);
  }

  // ApacheHttpClient (Apache HttpClient 4) is deprecated in favour of apache5-client; the baseline used it.
  @SuppressWarnings("deprecation")
  private void run(String[] args) throws Exception {
    sqs = EmbeddedSqs.start();
    client =
        SqsAsyncClient.builder()
            .endpointOverride(sqs.endpoint())
            .region(EmbeddedSqs.REGION)
            .credentialsProvider(EmbeddedSqs.credentials())
            .overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(stats).build())
            .build();
    syncClient =
        SqsClient.builder()
            .endpointOverride(sqs.endpoint())
            .region(EmbeddedSqs.REGION)
            .credentialsProvider(EmbeddedSqs.credentials())
            .httpClientBuilder(ApacheHttpClient.builder().maxConnections(50))
            .overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(stats).build())
            .build();
    crtClient =
        SqsAsyncClient.builder()
            .endpointOverride(sqs.endpoint())
            .region(EmbeddedSqs.REGION)
            .credentialsProvider(EmbeddedSqs.credentials())
            .httpClientBuilder(AwsCrtAsyncHttpClient.builder().maxConcurrency(50))
            .overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(stats).build())
            .build();
    try {
      deadLetterQueueUrl = createQueue("dlq");
      webhooks = new ArrayList<>();
      String body = Bodies.json(options.bodyBytes);
      for (int i = 0; i < Math.max(options.messages, options.warmup); i++) {
        webhooks.add(webhook("bench-" + i, body));
      }
      progress("warm-up: every scenario with " + options.warmup + " messages");
      round(options.warmup, false);
      for (int r = 1; r <= options.rounds && !options.latencyOnly; r++) {
        progress("round " + r + ": " + options.messages + " messages per scenario");
        round(options.messages, true);
      }
      progress("store latency at 100 stores/s for " + options.latencySeconds + " s");
      storeLatencies.add(storeLatency("raw SendMessage (Netty), one at a time", null));
      storeLatencies.add(storeLatency("SqsEnqueuer.store (Netty), one at a time", client));
      storeLatencies.add(storeLatency("SqsEnqueuer.store (CRT), one at a time", crtClient));
      for (int rate : new int[] {500, 1000}) {
        progress("store latency, open loop at " + rate + " stores/s for " + options.latencySeconds + " s");
        openStoreLatencies.add(openStoreLatency("raw SendMessage (Netty)", null, rate));
        openStoreLatencies.add(openStoreLatency("SqsEnqueuer.store (Netty)", client, rate));
        openStoreLatencies.add(openStoreLatency("SqsEnqueuer.store (CRT)", crtClient, rate));
      }
      progress("latency at " + options.rate + " msgs/s for " + options.latencySeconds + " s");
      latencyResults.addAll(
          latencies(
              List.of(
                  new LatencySpec("raw loop, 1 poller", 1, null),
                  new LatencySpec("raw loop, 4 pollers", 4, null),
                  new LatencySpec("runner, default config", 0, defaultConfig(createQueue("lat-default"))),
                  new LatencySpec("runner, tuned config", 0, tunedConfig(createQueue("lat-tuned"))))));
      long dead = approximateMessages(deadLetterQueueUrl);
      print(args, dead);
    } finally {
      client.close();
      syncClient.close();
      crtClient.close();
      sqs.close();
    }
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Scenarios

  private void round(int n, boolean record) throws Exception {
    String syncSingle = createQueue("sync-single");
    String syncBatch = createQueue("sync-batch");
    String asyncBatch = createQueue("async-batch");
    String enqBlocking = createQueue("enq-blocking");
    String enqOutstanding = createQueue("enq-outstanding");
    String crtBlocking = createQueue("crt-blocking");
    String crtOutstanding = createQueue("crt-outstanding");
    List<Result> enqueue = new ArrayList<>();
    enqueue.add(rawSyncSend("raw sync SendMessage (Apache), 8 threads", syncSingle, n, 8, false));
    enqueue.add(rawSyncSend("raw sync SendMessageBatch (Apache), 8 threads", syncBatch, n, 8, true));
    enqueue.add(rawSend("raw async SendMessageBatch (Netty), 8 batches in flight", asyncBatch, n, 8));
    enqueue.add(enqueuerBlocking("SqsEnqueuer (Netty), 8 blocking senders", client, enqBlocking, n, 8));
    enqueue.add(enqueuerSend("SqsEnqueuer (Netty), 80 outstanding", client, enqOutstanding, n, 80));
    enqueue.add(enqueuerBlocking("SqsEnqueuer (CRT), 8 blocking senders", crtClient, crtBlocking, n, 8));
    enqueue.add(enqueuerSend("SqsEnqueuer (CRT), 80 outstanding", crtClient, crtOutstanding, n, 80));
    List<Result> drain = new ArrayList<>();
    drain.add(rawSyncDrain("raw sync loop (Apache), 8 threads", syncBatch, n, 8));
    drain.add(rawDrain("raw async loop (Netty), 8 pollers", client, asyncBatch, n, 8));
    drain.add(rawDrain("raw async loop (CRT), 8 pollers", crtClient, crtOutstanding, n, 8));
    drain.add(runnerDrain("runner (Netty), default config", client, defaultConfig(enqBlocking), n));
    drain.add(runnerDrain("runner (Netty), tuned config", client, tunedConfig(enqOutstanding), n));
    drain.add(runnerDrain("runner (CRT), default config", crtClient, defaultConfig(crtBlocking), n));
    drain.add(
        runnerDrain(
            "runner (Netty), old defaults pollers=1 maxInFlight=10",
            client,
            SqsConsumerConfig.builder()
                .queueUrl(syncSingle)
                .deadLetterQueueUrl(deadLetterQueueUrl)
                .pollers(1)
                .maxInFlight(10)
                .build(),
            n));
    for (int[] extra : options.extraRunners) {
      String q = createQueue("runner-extra");
      rawSend("preload", q, n, 8);
      SqsConsumerConfig.Builder b =
          SqsConsumerConfig.builder()
              .queueUrl(q)
              .deadLetterQueueUrl(deadLetterQueueUrl)
              .pollers(extra[0])
              .maxInFlight(extra[1]);
      if (extra[2] >= 0) {
        b.batchLinger(Duration.ofMillis(extra[2]));
      }
      String name =
          "runner, pollers=" + extra[0] + " maxInFlight=" + extra[1] + (extra[2] >= 0 ? " linger=" + extra[2] + "ms" : "");
      drain.add(runnerDrain(name, client, b.build(), n));
    }
    if (record) {
      enqueueResults.addAll(enqueue);
      drainResults.addAll(drain);
    }
    // The queues are left in place, empty: deleting one while ElasticMQ still holds a cancelled long poll on it
    // makes the server log an ask timeout 20 s later.
  }

  private SqsConsumerConfig defaultConfig(String queueUrl) {
    return SqsConsumerConfig.builder().queueUrl(queueUrl).deadLetterQueueUrl(deadLetterQueueUrl).build();
  }

  private SqsConsumerConfig tunedConfig(String queueUrl) {
    SqsConsumerConfig.Builder b =
        SqsConsumerConfig.builder()
            .queueUrl(queueUrl)
            .deadLetterQueueUrl(deadLetterQueueUrl)
            .pollers(options.tunedPollers)
            .maxInFlight(options.tunedInFlight);
    if (options.tunedLingerMillis >= 0) {
      b.batchLinger(Duration.ofMillis(options.tunedLingerMillis));
    }
    return b.build();
  }

  private Result rawSend(String name, String queueUrl, int n, int threads) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicLong failed = new AtomicLong();
    Measurement m = new Measurement(name, queueUrl, n);
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      senders.add(
          new Thread(
              () -> {
                int from;
                while ((from = next.getAndAdd(10)) < n) {
                  int to = Math.min(from + 10, n);
                  List<SendMessageBatchRequestEntry> entries = new ArrayList<>(to - from);
                  for (int i = from; i < to; i++) {
                    EncodedEnvelope e = codec.encode(webhooks.get(i));
                    entries.add(
                        SendMessageBatchRequestEntry.builder()
                            .id(Integer.toString(i - from))
                            .messageBody(e.body())
                            .messageAttributes(attributes(e))
                            .build());
                  }
                  SendMessageBatchResponse response =
                      client.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)).join();
                  failed.addAndGet(response.failed().size());
                }
              },
              "bench-raw-sender-" + (t + 1)));
    }
    m.start();
    senders.forEach(Thread::start);
    for (Thread t : senders) {
      t.join();
    }
    Result r = m.finish(System.nanoTime(), failed.get());
    return r;
  }

  private Result rawSyncSend(String name, String queueUrl, int n, int threads, boolean batch) throws Exception {
    int step = batch ? 10 : 1;
    AtomicInteger next = new AtomicInteger();
    AtomicLong failed = new AtomicLong();
    Measurement m = new Measurement(name, queueUrl, n);
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      senders.add(
          new Thread(
              () -> {
                int from;
                while ((from = next.getAndAdd(step)) < n) {
                  int to = Math.min(from + step, n);
                  if (!batch) {
                    EncodedEnvelope e = codec.encode(webhooks.get(from));
                    syncClient.sendMessage(
                        b -> b.queueUrl(queueUrl).messageBody(e.body()).messageAttributes(attributes(e)));
                    continue;
                  }
                  List<SendMessageBatchRequestEntry> entries = new ArrayList<>(to - from);
                  for (int i = from; i < to; i++) {
                    EncodedEnvelope e = codec.encode(webhooks.get(i));
                    entries.add(
                        SendMessageBatchRequestEntry.builder()
                            .id(Integer.toString(i - from))
                            .messageBody(e.body())
                            .messageAttributes(attributes(e))
                            .build());
                  }
                  failed.addAndGet(
                      syncClient.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)).failed().size());
                }
              },
              "bench-raw-sync-sender-" + (t + 1)));
    }
    m.start();
    senders.forEach(Thread::start);
    for (Thread t : senders) {
      t.join();
    }
    return m.finish(System.nanoTime(), failed.get());
  }

  /** {@code threads} callers, each blocking on its store before the next: HTTP worker threads, say. */
  private Result enqueuerBlocking(String name, SqsAsyncClient sqsClient, String queueUrl, int n, int threads)
      throws Exception {
    SqsEnqueuer enqueuer = SqsEnqueuer.builder().client(sqsClient).queueUrl(queueUrl).build();
    AtomicInteger next = new AtomicInteger();
    AtomicLong failed = new AtomicLong();
    Measurement m = new Measurement(name, queueUrl, n);
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      senders.add(
          new Thread(
              () -> {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                  try {
                    enqueuer.store(webhooks.get(i), STORE_BUDGET).toCompletableFuture().join();
                  } catch (RuntimeException e) {
                    failed.incrementAndGet();
                  }
                }
              },
              "bench-store-sender-" + (t + 1)));
    }
    m.start();
    senders.forEach(Thread::start);
    for (Thread t : senders) {
      t.join();
    }
    Result r = m.finish(System.nanoTime(), failed.get());
    enqueuer.close();
    return r;
  }

  /**
   * Store latency in an open loop, as an HTTP front door sees it: a store starts every {@code 1/rate} seconds whether
   * or not the ones before it have finished, each timed from call to acknowledgement, so stores overlap as requests
   * do. With {@code sqsClient} null, a raw async {@code SendMessage} per store (Netty).
   */
  private StoreLatency openStoreLatency(String name, SqsAsyncClient sqsClient, int rate) throws Exception {
    String queueUrl = createQueue("store-open");
    SqsEnqueuer enqueuer =
        sqsClient == null ? null : SqsEnqueuer.builder().client(sqsClient).queueUrl(queueUrl).build();
    int total = rate * options.latencySeconds;
    long[] took = new long[total];
    CountDownLatch done = new CountDownLatch(total);
    ScheduledExecutorService starter =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-store-starter"));
    AtomicInteger next = new AtomicInteger();
    ScheduledFuture<?> task =
        starter.scheduleAtFixedRate(
            () -> {
              int i = next.getAndIncrement();
              if (i >= total) {
                return;
              }
              long start = System.nanoTime();
              storeOrSend(enqueuer, queueUrl, webhooks.get(i % webhooks.size()))
                  .whenComplete(
                  (ok, error) -> {
                    took[i] = error == null ? System.nanoTime() - start : Long.MAX_VALUE;
                    done.countDown();
                  });
            },
            0,
            Math.round(1e9 / rate),
            TimeUnit.NANOSECONDS);
    boolean complete = done.await(options.latencySeconds + 60L, TimeUnit.SECONDS);
    task.cancel(false);
    starter.shutdown();
    if (enqueuer != null) {
      enqueuer.close();
    }
    client.purgeQueue(b -> b.queueUrl(queueUrl)).join();
    if (!complete) {
      throw new IllegalStateException(name + " at " + rate + "/s: stores did not finish in time");
    }
    return storeLatencyResult(name + " at " + rate + "/s", took);
  }

  /** One store: {@link SqsEnqueuer#store}, or with no enqueuer a raw {@code SendMessage} on the Netty client. */
  private CompletionStage<?> storeOrSend(SqsEnqueuer enqueuer, String queueUrl, Webhook webhook) {
    if (enqueuer != null) {
      return enqueuer.store(webhook, STORE_BUDGET);
    }
    EncodedEnvelope e = codec.encode(webhook);
    return client.sendMessage(b -> b.queueUrl(queueUrl).messageBody(e.body()).messageAttributes(attributes(e)));
  }

  /** Sorts {@code took} (nanoseconds) and returns its p50 and p99 in milliseconds, logging them. */
  private StoreLatency storeLatencyResult(String name, long[] took) {
    Arrays.sort(took);
    StoreLatency r = new StoreLatency();
    r.name = name;
    r.p50 = percentileMillis(took, 0.50);
    r.p99 = percentileMillis(took, 0.99);
    progress(String.format(Locale.ROOT, "%-40s p50 %.2f ms  p99 %.2f ms", r.name, r.p50, r.p99));
    return r;
  }

  /**
   * Store latency at 100 stores/s: one call at a time, each timed from call to acknowledgement. With {@code
   * sqsClient} null, a raw {@code SendMessage} on the Netty client; otherwise {@link SqsEnqueuer#store}.
   */
  private StoreLatency storeLatency(String name, SqsAsyncClient sqsClient) throws Exception {
    String queueUrl = createQueue("store-latency");
    SqsEnqueuer enqueuer =
        sqsClient == null ? null : SqsEnqueuer.builder().client(sqsClient).queueUrl(queueUrl).build();
    int total = 100 * options.latencySeconds;
    long[] took = new long[total];
    long period = 10_000_000L;
    long next = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      next += period;
      long start = System.nanoTime();
      storeOrSend(enqueuer, queueUrl, webhooks.get(i % webhooks.size())).toCompletableFuture().join();
      took[i] = System.nanoTime() - start;
    }
    if (enqueuer != null) {
      enqueuer.close();
    }
    client.purgeQueue(b -> b.queueUrl(queueUrl)).join();
    return storeLatencyResult(name, took);
  }

  private Result rawSyncDrain(String name, String queueUrl, int n, int threads) throws Exception {
    LongAdder handled = new LongAdder();
    RawSyncConsumer consumer = new RawSyncConsumer(syncClient, queueUrl, threads, w -> handled.increment());
    Measurement m = new Measurement(name, queueUrl, n);
    m.start();
    consumer.start();
    long end = awaitDeleted(name, queueUrl, m.before.deleted() + n, n);
    Result r = m.finish(end, consumer.errors());
    consumer.stop();
    return r;
  }

  private Result enqueuerSend(String name, SqsAsyncClient sqsClient, String queueUrl, int n, int window)
      throws Exception {
    SqsEnqueuer enqueuer =
        SqsEnqueuer.builder().client(sqsClient).queueUrl(queueUrl).maxPending(Math.max(1000, window)).build();
    Semaphore free = new Semaphore(window);
    CountDownLatch done = new CountDownLatch(n);
    AtomicLong failed = new AtomicLong();
    Measurement m = new Measurement(name, queueUrl, n);
    m.start();
    for (int i = 0; i < n; i++) {
      free.acquire();
      enqueuer
          .store(webhooks.get(i), STORE_BUDGET)
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  failed.incrementAndGet();
                }
                free.release();
                done.countDown();
              });
    }
    if (!done.await(timeoutSeconds(n), TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + ": stores did not complete in time");
    }
    Result r = m.finish(System.nanoTime(), failed.get());
    enqueuer.close();
    return r;
  }

  private Result rawDrain(String name, SqsAsyncClient sqsClient, String queueUrl, int n, int pollers)
      throws Exception {
    LongAdder handled = new LongAdder();
    RawConsumer consumer = new RawConsumer(sqsClient, queueUrl, pollers, w -> handled.increment());
    Measurement m = new Measurement(name, queueUrl, n);
    m.start();
    consumer.start();
    long end = awaitDeleted(name, queueUrl, m.before.deleted() + n, n);
    Result r = m.finish(end, consumer.errors());
    consumer.stop();
    return r;
  }

  private Result runnerDrain(String name, SqsAsyncClient sqsClient, SqsConsumerConfig config, int n)
      throws Exception {
    LongAdder handled = new LongAdder();
    SqsConsumerRunner runner = runner(sqsClient, config, w -> handled.increment());
    Measurement m = new Measurement(name, config.queueUrl(), n);
    m.start();
    runner.start();
    long end = awaitDeleted(name, config.queueUrl(), m.before.deleted() + n, n);
    Result r = m.finish(end, 0);
    long closeStart = System.nanoTime();
    runner.close();
    r.closeMillis = (System.nanoTime() - closeStart) / 1e6;
    return r;
  }

  private SqsConsumerRunner runner(SqsConsumerConfig config, Consumer<Webhook> handler) {
    return runner(client, config, handler);
  }

  private SqsConsumerRunner runner(SqsAsyncClient sqsClient, SqsConsumerConfig config, Consumer<Webhook> handler) {
    return SqsConsumerRunner.builder()
        .client(sqsClient)
        .config(config)
        .processor(WebhookProcessor.builder().handler((webhook, attempt) -> handler.accept(webhook)).build())
        .build();
  }

  private long awaitDeleted(String name, String queueUrl, long total, int n) throws InterruptedException {
    long end = stats.queue(queueUrl).awaitDeleted(total, TimeUnit.SECONDS.toNanos(timeoutSeconds(n)));
    if (end < 0) {
      throw new IllegalStateException(
          name + ": drain did not finish in time; deleted " + stats.queue(queueUrl).deleted.get() + " of " + total);
    }
    return end;
  }

  /** A consumer in the latency scenario: a raw loop with {@code rawPollers} pollers, or the runner on {@code config}. */
  private record LatencySpec(String name, int rawPollers, SqsConsumerConfig config) {}

  /**
   * Send→handle latency of each consumer at {@code --rate} messages per second, each on its own queue, all started
   * together: the producer sends one message at a time at that rate to one consumer's queue for a twentieth of a
   * second, then to the next one's, in turn, so the consumers' samples interleave in time and whatever disturbs the
   * machine in a window (GC, the scheduler, ElasticMQ) lands on all of them alike, rather than on whichever consumer
   * happened to run then. The others wait in their long polls meanwhile, as consumers of a bursty source do.
   */
  private List<LatencyResult> latencies(List<LatencySpec> specs) throws Exception {
    int n = specs.size();
    int slice = Math.max(1, (int) Math.round(options.rate / 20));
    int total = Math.max(1, (int) Math.round(options.rate * options.latencySeconds / slice)) * slice;
    long[][] latencies = new long[n][total];
    long[][] sendCalls = new long[n][total];
    for (long[] l : latencies) {
      Arrays.fill(l, -1);
    }
    CountDownLatch allHandled = new CountDownLatch(n * total);
    String[] queues = new String[n];
    RawConsumer[] raws = new RawConsumer[n];
    SqsConsumerRunner[] runners = new SqsConsumerRunner[n];
    for (int i = 0; i < n; i++) {
      long[] mine = latencies[i];
      Consumer<Webhook> handler =
          webhook -> {
            long now = System.nanoTime() - EPOCH;
            byte[] body = webhook.body();
            int seq = (int) Bodies.numberField(body, "seq");
            if (seq < total && mine[seq] < 0) {
              mine[seq] = now - Bodies.numberField(body, "sentNanos");
              allHandled.countDown();
            }
          };
      LatencySpec spec = specs.get(i);
      if (spec.config() == null) {
        queues[i] = createQueue("lat-raw");
        raws[i] = new RawConsumer(client, queues[i], spec.rawPollers(), handler);
        raws[i].start();
      } else {
        queues[i] = spec.config().queueUrl();
        runners[i] = runner(spec.config(), handler);
        runners[i].start();
      }
    }
    Thread.sleep(1000); // let the pollers reach their long poll
    ScheduledExecutorService producer =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-producer"));
    AtomicInteger sends = new AtomicInteger();
    CompletableFuture<Void> producedAll = new CompletableFuture<>();
    long period = Math.round(1e9 / options.rate);
    ScheduledFuture<?> task =
        producer.scheduleAtFixedRate(
            () -> {
              int k = sends.getAndIncrement();
              int round = k / slice / n;
              int consumer = k / slice % n;
              int seq = round * slice + k % slice;
              if (k >= n * total) {
                producedAll.complete(null);
                return;
              }
              long sent = System.nanoTime() - EPOCH;
              EncodedEnvelope e =
                  codec.encode(webhook("lat-" + consumer + "-" + seq, Bodies.event(seq, sent, options.bodyBytes)));
              long[] calls = sendCalls[consumer];
              client
                  .sendMessage(
                      b -> b.queueUrl(queues[consumer]).messageBody(e.body()).messageAttributes(attributes(e)))
                  .whenComplete((ok, error) -> calls[seq] = System.nanoTime() - EPOCH - sent);
            },
            0,
            period,
            TimeUnit.NANOSECONDS);
    producedAll.get((long) n * options.latencySeconds + 60, TimeUnit.SECONDS);
    task.cancel(false);
    producer.shutdown();
    boolean complete = allHandled.await(60, TimeUnit.SECONDS);
    Thread.sleep(1000); // idle before close
    List<LatencyResult> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long closeStart = System.nanoTime();
      if (raws[i] != null) {
        raws[i].stop();
      } else {
        runners[i].close();
      }
      double closeMillis = (System.nanoTime() - closeStart) / 1e6;
      LatencyResult r = new LatencyResult();
      r.name = specs.get(i).name();
      r.expected = total;
      long[] got = Arrays.stream(latencies[i]).filter(v -> v >= 0).sorted().toArray();
      r.handled = got.length;
      r.complete = complete;
      r.p50 = percentileMillis(got, 0.50);
      r.p99 = percentileMillis(got, 0.99);
      r.max = got.length == 0 ? Double.NaN : got[got.length - 1] / 1e6;
      long[] calls = Arrays.stream(sendCalls[i]).filter(v -> v > 0).sorted().toArray();
      r.sendP50 = percentileMillis(calls, 0.50);
      r.sendP99 = percentileMillis(calls, 0.99);
      r.closeMillis = raws[i] != null ? Double.NaN : closeMillis;
      results.add(r);
    }
    return results;
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Output

  private void print(String[] args, long deadLettered) {
    StringBuilder out = new StringBuilder();
    out.append("\n## Pipeline harness results\n\n");
    out.append("- Command: `java -cp benchmarks/target/benchmarks.jar dev.hookline.benchmarks.PipelineHarness")
        .append(args.length == 0 ? "" : " " + String.join(" ", args))
        .append("`\n");
    out.append("- Date: ")
        .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC).withNano(0)))
        .append(" UTC; ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores; Java ")
        .append(System.getProperty("java.version"))
        .append("; ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.arch"))
        .append('\n');
    out.append("- ")
        .append(options.messages)
        .append(" messages per scenario, ")
        .append(options.bodyBytes)
        .append("-byte JSON bodies, ")
        .append(options.rounds)
        .append(options.rounds == 1 ? " round" : " rounds (best shown)")
        .append(" after a ")
        .append(options.warmup)
        .append("-message warm-up; ElasticMQ embedded in the same JVM. Tuned runner: pollers=")
        .append(options.tunedPollers)
        .append(", maxInFlight=")
        .append(options.tunedInFlight)
        .append(options.tunedLingerMillis >= 0 ? ", batchLinger=" + options.tunedLingerMillis + "ms" : "")
        .append(".\n");
    out.append("- Client CPU: CPU time of this JVM's Java threads except ElasticMQ's (sampled per thread), per message. ")
        .append("Process CPU also counts the server, GC and JIT.\n\n");

    List<Result> enqueue = best(enqueueResults);
    List<Result> drain = best(drainResults);
    double bestRawSend = maxRate(enqueue, "raw");
    double bestRawDrain = maxRate(drain, "raw");
    Result bestRaw = drain.stream().filter(r -> r.name.startsWith("raw")).max((a, b) -> Double.compare(a.rate(), b.rate()))
        .orElse(null);
    if (bestRaw == null) {
      enqueue = List.of();
      drain = List.of();
    }

    out.append("### Enqueue\n\n");
    out.append("| Producer | msgs/s | vs best raw | client CPU µs/msg | process CPU µs/msg | SendMessageBatch calls | msgs/call | failed |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : enqueue) {
      out.append(String.format(Locale.ROOT, "| %s | %,.0f | %.2f× | %.1f | %.1f | %,d | %.1f | %d |%n",
          r.name, r.rate(), r.rate() / bestRawSend, r.clientMicrosPerMessage(), r.processMicrosPerMessage(),
          r.calls.sendCalls(), r.calls.sendCalls() == 0 ? 0.0 : (double) r.calls.sent() / r.calls.sendCalls(),
          r.failures));
    }
    out.append("\n### Drain (no-op handler)\n\n");
    out.append("| Consumer | msgs/s | vs best raw | client CPU µs/msg | vs raw | process CPU µs/msg | receives | msgs/receive | delete calls | msgs/delete | close() ms |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : drain) {
      out.append(String.format(Locale.ROOT, "| %s | %,.0f | %.2f× | %.1f | %.2f× | %.1f | %,d | %.1f | %,d | %.1f | %s |%n",
          r.name, r.rate(), r.rate() / bestRawDrain, r.clientMicrosPerMessage(),
          r.clientMicrosPerMessage() / bestRaw.clientMicrosPerMessage(), r.processMicrosPerMessage(),
          r.calls.receiveCalls(), r.calls.receiveCalls() == 0 ? 0.0 : (double) r.calls.received() / r.calls.receiveCalls(),
          r.calls.deleteCalls(), r.calls.deleteCalls() == 0 ? 0.0 : (double) r.calls.deleted() / r.calls.deleteCalls(),
          Double.isNaN(r.closeMillis) ? "–" : String.format(Locale.ROOT, "%.0f", r.closeMillis)));
    }
    out.append("\n### Send→handle latency at ")
        .append(String.format(Locale.ROOT, "%.0f", options.rate))
        .append(" msgs/s for ")
        .append(options.latencySeconds)
        .append(" s each, consumers fed in turn for 50 ms each (then idle 1 s, then close)\n\n");
    out.append("| Consumer | handled | p50 ms | p99 ms | max ms | SendMessage call p50 / p99 ms | close() ms |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (LatencyResult r : latencyResults) {
      out.append(String.format(Locale.ROOT, "| %s | %d/%d | %.2f | %.2f | %.2f | %.2f / %.2f | %s |%n",
          r.name, r.handled, r.expected, r.p50, r.p99, r.max, r.sendP50, r.sendP99,
          Double.isNaN(r.closeMillis) ? "–" : String.format(Locale.ROOT, "%.0f", r.closeMillis)));
    }

    out.append("\n### Store latency at 100 stores/s, one at a time\n\n");
    out.append("| Producer | p50 ms | p99 ms |\n|---|---:|---:|\n");
    for (StoreLatency r : storeLatencies) {
      out.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", r.name, r.p50, r.p99));
    }
    out.append("\n### Store latency in an open loop (stores overlap, as at an HTTP front door)\n\n");
    out.append("| Producer | p50 ms | p99 ms |\n|---|---:|---:|\n");
    for (StoreLatency r : openStoreLatencies) {
      out.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", r.name, r.p50, r.p99));
    }

    // The performance targets, each a ratio within this launch.
    out.append("\n### Targets\n\n");
    out.append("| Target | Measured | Met |\n|---|---|---|\n");
    Result rawSyncSingle = named(enqueue, "raw sync SendMessage");
    Result rawSyncBatch = named(enqueue, "raw sync SendMessageBatch");
    Result rawAsyncBatch = named(enqueue, "raw async SendMessageBatch");
    for (Result r : enqueue) {
      if (!r.name.startsWith("SqsEnqueuer")) {
        continue;
      }
      if (r.name.contains("blocking") && rawSyncSingle != null && rawSyncBatch != null) {
        ratioTarget(out, r.name + " ÷ " + rawSyncSingle.name, r.rate() / rawSyncSingle.rate(), 0.9, true);
        ratioTarget(out, r.name + " ÷ " + rawSyncBatch.name, r.rate() / rawSyncBatch.rate(), 0.5, true);
      } else if (r.name.contains("outstanding") && rawAsyncBatch != null) {
        ratioTarget(out, r.name + " ÷ " + rawAsyncBatch.name, r.rate() / rawAsyncBatch.rate(), 0.9, true);
      }
    }
    StoreLatency rawStore = storeLatencies.isEmpty() ? null : storeLatencies.get(0);
    for (StoreLatency r : storeLatencies) {
      if (r != rawStore) {
        ratioTarget(out, r.name + ": store p50 ÷ raw SendMessage p50", r.p50 / rawStore.p50, 1.2, false);
      }
    }
    Result rawSyncDrain = named(drain, "raw sync loop");
    for (Result r : drain) {
      if (r.name.startsWith("runner")) {
        ratioTarget(out, r.name + ": msgs/s ÷ best raw loop (" + bestRaw.name + ")", r.rate() / bestRawDrain, 0.9,
            true);
        ratioTarget(out, r.name + ": client CPU/msg ÷ best raw loop's", r.clientMicrosPerMessage()
            / bestRaw.clientMicrosPerMessage(), 1.5, false);
        if (rawSyncDrain != null && rawSyncDrain != bestRaw) {
          ratioTarget(out, r.name + ": client CPU/msg ÷ raw sync loop's", r.clientMicrosPerMessage()
              / rawSyncDrain.clientMicrosPerMessage(), 1.5, false);
        }
      }
    }
    double rawP99 = latencyResults.stream().filter(r -> r.name.startsWith("raw")).mapToDouble(r -> r.p99).min()
        .orElse(Double.NaN);
    for (LatencyResult r : latencyResults) {
      if (r.name.startsWith("runner")) {
        ratioTarget(out, r.name + ": p99 send→handle at " + Math.round(options.rate) + " msgs/s ÷ best raw loop's",
            r.p99 / rawP99, 1.2, false);
      }
    }
    out.append(String.format(Locale.ROOT, "%nMessages in the dead-letter queue at the end: %d (expected 0).%n",
        deadLettered));
    if (options.verbose) {
      out.append("\n### Client CPU by thread group (ms)\n\n");
      for (Result r : best(drainResults)) {
        out.append("- ").append(r.name).append(": ");
        r.cpu.clientByGroup().entrySet().stream()
            .filter(e -> e.getValue() >= 1_000_000)
            .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
            .forEach(e -> out.append(e.getKey()).append('=').append(e.getValue() / 1_000_000).append(' '));
        out.append(String.format(Locale.ROOT, "(server threads %d ms)%n", r.cpu.serverNanos() / 1_000_000));
      }
    }
    System.out.println(out);
  }

  private static Result named(List<Result> results, String prefix) {
    return results.stream().filter(r -> r.name.startsWith(prefix)).findFirst().orElse(null);
  }

  /** A target row, and a {@code RATIO} line on stderr for scripts that take medians over launches. */
  private static void ratioTarget(StringBuilder out, String what, double ratio, double bound, boolean atLeast) {
    boolean met = atLeast ? ratio >= bound : ratio <= bound;
    target(out, what + (atLeast ? " ≥ " : " ≤ ") + bound + "×", String.format(Locale.ROOT, "%.2f×", ratio), met);
    System.err.println(String.format(Locale.ROOT, "RATIO\t%s\t%.3f", what, ratio));
  }

  private static void target(StringBuilder out, String what, String measured, boolean met) {
    out.append("| ").append(what).append(" | ").append(measured).append(" | ").append(met ? "yes" : "**no**")
        .append(" |\n");
  }

  /** Keeps the fastest run of each scenario, in first-seen order. */
  private static List<Result> best(List<Result> results) {
    Map<String, Result> best = new LinkedHashMap<>();
    for (Result r : results) {
      best.merge(r.name, r, (a, b) -> b.rate() > a.rate() ? b : a);
    }
    return new ArrayList<>(best.values());
  }

  private static double maxRate(List<Result> results, String prefix) {
    return results.stream().filter(r -> r.name.startsWith(prefix)).mapToDouble(Result::rate).max().orElse(Double.NaN);
  }

  private static double percentileMillis(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Helpers

  private Webhook webhook(String deliveryId, String body) {
    return Webhook.builder()
        .deliveryId(deliveryId)
        .source(SOURCE)
        .receivedAt(Instant.parse("2026-01-01T00:00:00Z"))
        .headers(
            WebhookHeaders.builder()
                .add("Content-Type", "application/json")
                .add("X-GitHub-Delivery", deliveryId)
                .add("X-GitHub-Event", "push")
                .build())
        .contentType("application/json")
        .body(body.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private static Map<String, MessageAttributeValue> attributes(EncodedEnvelope e) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    e.attributes()
        .forEach((k, v) -> attributes.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
    return attributes;
  }

  private String createQueue(String name) {
    return client.createQueue(b -> b.queueName("bench-" + name + "-" + queueNumber.incrementAndGet())).join().queueUrl();
  }

  private long approximateMessages(String queueUrl) {
    Map<QueueAttributeName, String> a =
        client
            .getQueueAttributes(
                b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            .join()
            .attributes();
    return Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"));
  }

  private static long timeoutSeconds(int n) {
    return 120 + n / 100;
  }

  private static void progress(String what) {
    System.err.println("[harness] " + what);
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Types

  /** Measures one scenario: wall time, CPU and SQS calls. */
  private final class Measurement {
    final String name;
    final String queueUrl;
    final int messages;
    final CpuMeter cpu = new CpuMeter();
    SqsCallStats.Snapshot before;
    long startNanos;

    Measurement(String name, String queueUrl, int messages) {
      this.name = name;
      this.queueUrl = queueUrl;
      this.messages = messages;
    }

    void start() {
      before = stats.queue(queueUrl).snapshot();
      cpu.start();
      startNanos = System.nanoTime();
    }

    Result finish(long endNanos, long failures) throws InterruptedException {
      CpuMeter.Usage usage = cpu.stop();
      Result r = new Result();
      r.name = name;
      r.messages = messages;
      r.seconds = (endNanos - startNanos) / 1e9;
      r.cpu = usage;
      r.calls = stats.queue(queueUrl).snapshot().minus(before);
      r.failures = failures;
      progress(String.format(Locale.ROOT, "%-40s %,8.0f msgs/s  client %.1f µs/msg", name, r.rate(),
          r.clientMicrosPerMessage()));
      return r;
    }
  }

  /** One scenario's numbers. */
  private static final class Result {
    String name;
    int messages;
    double seconds;
    CpuMeter.Usage cpu;
    SqsCallStats.Snapshot calls;
    long failures;
    double closeMillis = Double.NaN;

    double rate() {
      return messages / seconds;
    }

    double clientMicrosPerMessage() {
      return cpu.clientNanos() / 1e3 / messages;
    }

    double processMicrosPerMessage() {
      return cpu.processNanos() / 1e3 / messages;
    }
  }

  /** One store-latency run's numbers, in milliseconds. */
  private static final class StoreLatency {
    String name;
    double p50;
    double p99;
  }

  /** One latency run's numbers, in milliseconds. */
  private static final class LatencyResult {
    String name;
    int expected;
    long handled;
    boolean complete;
    double p50;
    double p99;
    double max;
    double sendP50;
    double sendP99;
    double closeMillis;
  }

  /** Command-line options. */
  private static final class Options {
    int messages = 20_000;
    double rate = 200;
    int latencySeconds = 10;
    int warmup = 3_000;
    int bodyBytes = 1024;
    int tunedPollers = 8;
    int tunedInFlight = 100;
    int tunedLingerMillis = -1;
    int rounds = 1;
    boolean verbose;
    boolean latencyOnly;
    final List<int[]> extraRunners = new ArrayList<>();

    /** Returns the options, or null after printing help. */
    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--messages":
            o.messages = positive(a, args, ++i);
            break;
          case "--rate":
            o.rate = positive(a, args, ++i);
            break;
          case "--latency-seconds":
            o.latencySeconds = positive(a, args, ++i);
            break;
          case "--warmup":
            o.warmup = positive(a, args, ++i);
            break;
          case "--body-bytes":
            o.bodyBytes = positive(a, args, ++i);
            break;
          case "--tuned-pollers":
            o.tunedPollers = positive(a, args, ++i);
            break;
          case "--tuned-in-flight":
            o.tunedInFlight = positive(a, args, ++i);
            break;
          case "--tuned-linger-ms":
            o.tunedLingerMillis = Integer.parseInt(value(a, args, ++i));
            break;
          case "--rounds":
            o.rounds = positive(a, args, ++i);
            break;
          case "--runner":
            String[] parts = value(a, args, ++i).split(",");
            if (parts.length < 2 || parts.length > 3) {
              throw new IllegalArgumentException("--runner takes pollers,maxInFlight[,lingerMs], was " + args[i]);
            }
            o.extraRunners.add(
                new int[] {
                  Integer.parseInt(parts[0]),
                  Integer.parseInt(parts[1]),
                  parts.length == 3 ? Integer.parseInt(parts[2]) : -1
                });
            break;
          case "--latency-only":
            o.latencyOnly = true;
            break;
          case "--verbose":
            o.verbose = true;
            break;
          case "--help":
            System.out.println(
                "PipelineHarness [--messages 20000] [--rate 200] [--latency-seconds 10] [--warmup 3000]"
                    + " [--body-bytes 1024] [--tuned-pollers 8] [--tuned-in-flight 100] [--tuned-linger-ms L]"
                    + " [--rounds 1] [--runner pollers,maxInFlight[,lingerMs]]... [--latency-only] [--verbose]");
            return null;
          default:
            throw new IllegalArgumentException("unknown option " + a + " (try --help)");
        }
      }
      if (o.bodyBytes < 128) {
        throw new IllegalArgumentException("--body-bytes must be >= 128, was " + o.bodyBytes);
      }
      return o;
    }

    private static String value(String option, String[] args, int i) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static int positive(String option, String[] args, int i) {
      int v = Integer.parseInt(value(option, args, i));
      if (v < 1) {
        throw new IllegalArgumentException(option + " must be >= 1, was " + v);
      }
      return v;
    }
  }
}
