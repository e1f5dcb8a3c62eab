package dev.hookline.benchmarks;

import dev.hookline.core.InboundRequest;
import dev.hookline.core.PipelineListener;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.Tracing;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.micrometer.MicrometerPipelineListener;
import dev.hookline.opentelemetry.OpenTelemetryTracing;
import dev.hookline.sqs.SqsConsumerConfig;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.testkit.EmbeddedSqs;
import dev.hookline.testkit.SignedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * What observability costs: the pipeline (receive → {@link SqsEnqueuer} → embedded ElasticMQ → {@link
 * SqsConsumerRunner} on its tuned configuration) with neither, metrics ({@link MicrometerPipelineListener} on a {@link
 * SimpleMeterRegistry}), tracing ({@link OpenTelemetryTracing} on the OpenTelemetry SDK, every span sampled and
 * batch-exported to an exporter that only counts) and both, side by side in one JVM.
 *
 * <p>Each sample is two phases over {@code --messages} signed GitHub webhooks: receive (the {@link WebhookReceiver}
 * with signature checks, 80 receives outstanding, each acknowledged once SQS stored it) and drain (the runner with 8
 * pollers and 100 in flight, a no-op handler, until every webhook was handled). Variants run in ABCD then DCBA order
 * per round, and a variant's ratio to "neither" is taken within each round as the geometric mean of its two passes'
 * ratios, so that a drift in the machine's speed during a round cancels (to first order); the table gives each
 * variant's median rate and the median of its per-round ratios. Not part of {@code mvn verify}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.hookline.benchmarks.ObservabilityHarness [--messages N] [--rounds R]
 * </pre>
 */
public final class ObservabilityHarness {

  private static final String SECRET = "observability-harness-secret";
  private static final int OUTSTANDING = 80;
  private static final int POLLERS = 8;
  private static final int MAX_IN_FLIGHT = 100;
  private static final Duration NO_PROGRESS_LIMIT = Duration.ofSeconds(60);

  /** What is switched on. */
  enum Variant {
    NEITHER(false, false),
    METRICS(true, false),
    TRACING(false, true),
    BOTH(true, true);

    final boolean metrics;
    final boolean tracing;

    Variant(boolean metrics, boolean tracing) {
      this.metrics = metrics;
      this.tracing = tracing;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One phase's numbers. */
  record Phase(double perSecond, double clientMicrosPerMessage) {}

  /** One sample: both phases of one variant. */
  record Sample(Phase receive, Phase drain) {}

  private final int messages;
  private final int rounds;
  private final int warmup;
  private final List<InboundRequest> requests = new ArrayList<>();
  private final Map<Variant, List<Sample>> samples = new EnumMap<>(Variant.class);
  // Per round, per variant: the two passes' samples (ABCD's, then DCBA's).
  private final List<Map<Variant, Sample[]>> roundSamples = new ArrayList<>();
  private final AtomicInteger queueNumber = new AtomicInteger();
  private final LongAdder exportedSpans = new LongAdder();
  private EmbeddedSqs sqs;
  private SqsAsyncClient client;
  private String deadLetterQueueUrl;

  private ObservabilityHarness(int messages, int rounds, int warmup) {
    this.messages = messages;
    this.rounds = rounds;
    this.warmup = warmup;
  }

  /**
   * Runs the harness and prints the table.
   *
   * @param args {@code --messages N} (default 10000), {@code --rounds R} (default 5; each round runs every variant
   *     twice, ABCD then DCBA), {@code --warmup W} (default N: two samples per variant, not recorded, so the JIT has
   *     compiled every variant's paths, and ElasticMQ warmed up, before the first recorded one)
   * @throws Exception when a scenario fails
   */
  public static void main(String[] args) throws Exception {
    int messages = 10_000;
    int rounds = 5;
    int warmup = -1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--messages" -> messages = positive(args, ++i);
        case "--rounds" -> rounds = positive(args, ++i);
        case "--warmup" -> warmup = positive(args, ++i);
        default -> throw new IllegalArgumentException(
            "unknown option " + args[i] + "; known: --messages N, --rounds R, --warmup W");
      }
    }
    new ObservabilityHarness(messages, rounds, warmup < 0 ? messages : warmup).run();
  }

  private static int positive(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    int value = Integer.parseInt(args[i]);
    if (value < 1) {
      throw new IllegalArgumentException(args[i - 1] + " must be >= 1, was " + value);
    }
    return value;
  }

  private void run() throws Exception {
    sqs = EmbeddedSqs.start();
    client = sqs.newAsyncClient();
    try {
      deadLetterQueueUrl = createQueue("dlq");
      byte[] body = Bodies.json(1024).getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < Math.max(messages, warmup); i++) {
        requests.add(SignedRequest.github(SECRET).id("obs-" + i).body(body).build());
      }
      progress("warm-up: every variant twice with " + warmup + " messages");
      for (int pass = 0; pass < 2; pass++) {
        for (Variant v : Variant.values()) {
          sample(v, warmup);
        }
      }
      for (int r = 1; r <= rounds; r++) {
        progress("round " + r + " of " + rounds + ": every variant twice (ABCD, DCBA), " + messages + " messages");
        List<Variant> order = new ArrayList<>(List.of(Variant.values()));
        Map<Variant, Sample[]> round = new EnumMap<>(Variant.class);
        roundSamples.add(round);
        for (int pass = 0; pass < 2; pass++) {
          for (Variant v : order) {
            Sample sample = sample(v, messages);
            samples.computeIfAbsent(v, k -> new ArrayList<>()).add(sample);
            round.computeIfAbsent(v, k -> new Sample[2])[pass] = sample;
          }
          java.util.Collections.reverse(order);
        }
      }
      print();
    } finally {
      client.close();
      sqs.close();
    }
  }

  /** One variant, both phases, with its own queue, enqueuer, runner and (when on) registry and tracer provider. */
  private Sample sample(Variant variant, int n) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerPipelineListener metrics = variant.metrics ? MicrometerPipelineListener.builder(registry).build() : null;
    PipelineListener listener = metrics == null ? PipelineListener.NONE : metrics;
    OpenTelemetrySdk sdk = null;
    Tracing tracing = Tracing.NONE;
    if (variant.tracing) {
      sdk =
          OpenTelemetrySdk.builder()
              .setTracerProvider(
                  SdkTracerProvider.builder()
                      .addSpanProcessor(BatchSpanProcessor.builder(new CountingExporter(exportedSpans)).build())
                      .build())
              .build();
      tracing = OpenTelemetryTracing.of(sdk);
    }
    String queueUrl = createQueue("obs-" + variant.label());
    try (SqsEnqueuer enqueuer =
        SqsEnqueuer.builder()
            .client(client)
            .queueUrl(queueUrl)
            .maxPending(1000)
            .listener(listener)
            .tracing(tracing)
            .build()) {
      if (metrics != null) {
        metrics.bindPendingStores(enqueuer::pending);
      }
      WebhookReceiver receiver =
          WebhookReceiver.builder()
              .addSource(
                  WebhookSource.builder()
                      .name("github")
                      .verifier(GitHubVerifier.builder().addSecret(SECRET).build())
                      .build())
              .sink(enqueuer)
              .listener(listener)
              .tracing(tracing)
              .build();
      Phase receive = receive(receiver, n);
      Phase drain = drain(queueUrl, listener, tracing, n);
      return new Sample(receive, drain);
    } finally {
      if (sdk != null) {
        sdk.close();
      }
      registry.close();
    }
  }

  private Phase receive(WebhookReceiver receiver, int n) throws Exception {
    Semaphore free = new Semaphore(OUTSTANDING);
    CountDownLatch done = new CountDownLatch(n);
    AtomicLong refused = new AtomicLong();
    CpuMeter cpu = new CpuMeter();
    cpu.start();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      free.acquire();
      receiver
          .receive("github", requests.get(i))
          .whenComplete(
              (result, error) -> {
                if (error != null || !(result instanceof ReceiveResult.Accepted)) {
                  refused.incrementAndGet();
                }
                free.release();
                done.countDown();
              });
    }
    awaitProgress("receive", done::getCount, n);
    long end = System.nanoTime();
    CpuMeter.Usage usage = cpu.stop();
    if (refused.get() > 0) {
      throw new IllegalStateException(refused.get() + " of " + n + " receives were not accepted");
    }
    return phase(n, end - start, usage);
  }

  private Phase drain(String queueUrl, PipelineListener listener, Tracing tracing, int n) throws Exception {
    LongAdder handled = new LongAdder();
    SqsConsumerRunner runner =
        SqsConsumerRunner.builder()
            .client(client)
            .config(
                SqsConsumerConfig.builder()
                    .queueUrl(queueUrl)
                    .deadLetterQueueUrl(deadLetterQueueUrl)
                    .pollers(POLLERS)
                    .maxInFlight(MAX_IN_FLIGHT)
                    .listener(listener)
                    .build())
            .processor(
                WebhookProcessor.builder()
                    .handler((webhook, attempt) -> handled.increment())
                    .listener(listener)
                    .tracing(tracing)
                    .build())
            .build();
    CpuMeter cpu = new CpuMeter();
    cpu.start();
    long start = System.nanoTime();
    runner.start();
    try {
      awaitProgress("drain", () -> n - handled.sum(), n);
      long end = System.nanoTime();
      return phase(n, end - start, cpu.stop());
    } finally {
      runner.close();
    }
  }

  private static Phase phase(int n, long nanos, CpuMeter.Usage usage) {
    return new Phase(n / (nanos / 1e9), usage.clientNanos() / 1e3 / n);
  }

  /** Waits until nothing is left; fails only when nothing moved for {@link #NO_PROGRESS_LIMIT}. */
  private static void awaitProgress(String what, java.util.function.LongSupplier left, int n)
      throws InterruptedException {
    long last = left.getAsLong();
    long lastMoved = System.nanoTime();
    while (last > 0) {
      Thread.sleep(2);
      long now = left.getAsLong();
      if (now != last) {
        last = now;
        lastMoved = System.nanoTime();
      } else if (System.nanoTime() - lastMoved > NO_PROGRESS_LIMIT.toNanos()) {
        throw new IllegalStateException(what + ": no progress for " + NO_PROGRESS_LIMIT + "; " + now + " of " + n + " left");
      }
    }
  }

  private String createQueue(String name) {
    return client
        .createQueue(b -> b.queueName(name + "-" + queueNumber.incrementAndGet()))
        .join()
        .queueUrl();
  }

  private void print() {
    StringBuilder out = new StringBuilder();
    out.append("\n## Observability cost: ")
        .append(messages)
        .append(" messages per sample, ")
        .append(rounds * 2)
        .append(" samples per variant (ABCD/DCBA), runner pollers=")
        .append(POLLERS)
        .append(" maxInFlight=")
        .append(MAX_IN_FLIGHT)
        .append(", receive with ")
        .append(OUTSTANDING)
        .append(" outstanding; ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs, Java ")
        .append(System.getProperty("java.version"))
        .append("; spans exported: ")
        .append(exportedSpans.sum())
        .append("\n\n");
    out.append(
        "| variant | receive/s | ratio | receive CPU µs/msg | drain msgs/s | ratio | drain CPU µs/msg | CPU ratio |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Variant v : Variant.values()) {
      Sample m = medians(samples.get(v));
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %.3f | %.1f | %,.0f | %.3f | %.1f | %.3f |%n",
              v.label(),
              m.receive().perSecond(),
              pairedRatio(v, s -> s.receive().perSecond()),
              m.receive().clientMicrosPerMessage(),
              m.drain().perSecond(),
              pairedRatio(v, s -> s.drain().perSecond()),
              m.drain().clientMicrosPerMessage(),
              pairedRatio(v, s -> s.drain().clientMicrosPerMessage())));
    }
    out.append("\nRatios: to neither, within each round (geometric mean of its ABCD and DCBA passes), median over ")
        .append(rounds)
        .append(" rounds.\n");
    double both = pairedRatio(Variant.BOTH, s -> s.drain().perSecond());
    out.append(
        String.format(
            Locale.ROOT,
            "%nTarget: both on costs <= 5%% of the tuned runner's throughput: %.3f of neither -> %s%n",
            both,
            both >= 0.95 ? "MET" : "NOT MET"));
    out.append("\nPer sample (receive/s, drain msgs/s), in run order per variant:\n");
    for (Variant v : Variant.values()) {
      out.append("  ").append(v.label()).append(':');
      for (Sample s : samples.get(v)) {
        out.append(String.format(Locale.ROOT, " (%,.0f, %,.0f)", s.receive().perSecond(), s.drain().perSecond()));
      }
      out.append('\n');
    }
    System.out.print(out);
  }

  /** The median over rounds of the variant's ratio to neither, each round's the geometric mean of its two passes. */
  private double pairedRatio(Variant v, java.util.function.ToDoubleFunction<Sample> value) {
    double[] ratios = new double[roundSamples.size()];
    for (int r = 0; r < ratios.length; r++) {
      Sample[] variant = roundSamples.get(r).get(v);
      Sample[] neither = roundSamples.get(r).get(Variant.NEITHER);
      ratios[r] =
          Math.sqrt(
              value.applyAsDouble(variant[0]) / value.applyAsDouble(neither[0])
                  * (value.applyAsDouble(variant[1]) / value.applyAsDouble(neither[1])));
    }
    return median(ratios);
  }

  private static Sample medians(List<Sample> list) {
    return new Sample(
        new Phase(
            median(list.stream().mapToDouble(s -> s.receive().perSecond()).toArray()),
            median(list.stream().mapToDouble(s -> s.receive().clientMicrosPerMessage()).toArray())),
        new Phase(
            median(list.stream().mapToDouble(s -> s.drain().perSecond()).toArray()),
            median(list.stream().mapToDouble(s -> s.drain().clientMicrosPerMessage()).toArray())));
  }

  /** The median of the values (the mean of the middle two for an even count); the array is not changed. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static void progress(String what) {
    System.err.printf(Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), what);
  }

  /** Takes the spans and counts them, so the SDK's export path runs but nothing is printed or sent. */
  private static final class CountingExporter implements SpanExporter {
    private final LongAdder count;

    CountingExporter(LongAdder count) {
      this.count = count;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      count.add(spans.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
