package dev.hookline.benchmarks;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSink;
import dev.hookline.core.signature.Providers;
import dev.hookline.http.WebhookHttpServer;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.testkit.EmbeddedSqs;
import dev.hookline.testkit.SignedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The HTTP front door side by side: signed GitHub webhooks over HTTP → signature check → {@code SqsEnqueuer} →
 * embedded ElasticMQ, through {@code webhook-http}'s Jetty server and through the JDK {@code HttpServer} transport it
 * replaced ({@link JdkHttpServerBaseline}), in one JVM and one launch. Fixed rates (open loop: a request is sent at
 * its scheduled time whatever the answers) and "as fast as it goes" with 64 clients (closed loop). Answer times are
 * counted from each request's scheduled send; CPU per webhook is the CPU of every thread except the embedded
 * ElasticMQ's and the load generator's, per answered webhook.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.hookline.benchmarks.HttpFrontDoorHarness [--seconds 10]
 *     [--sink sqs|memory] [--client netty|crt] [--servers jetty,jdk] [--rates 500,1000,2000]
 * </pre>
 *
 * <p>{@code --sink memory} puts a sink that acknowledges at once in place of the enqueuer, to tell the transport's
 * cost from the queue's.
 */
public final class HttpFrontDoorHarness {

  private static final String SECRET = "bench-secret";
  private static final String RATES = "500,1000,2000";
  private static final int CLIENTS = 64;

  private HttpFrontDoorHarness() {}

  /** One scenario's result. */
  private record Result(
      String server,
      String load,
      long sent,
      long accepted,
      double perSecond,
      double p50,
      double p99,
      double cpuMicros,
      double queueCpuMicros,
      double generatorCpuMicros,
      double cores) {}

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    String sinkKind = "sqs";
    String clientKind = "netty";
    List<String> servers = List.of("jetty", "jdk");
    int[] rates = rates(RATES);
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--seconds") && i + 1 < args.length) {
        seconds = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--sink") && i + 1 < args.length && List.of("sqs", "memory").contains(args[i + 1])) {
        sinkKind = args[++i];
      } else if (args[i].equals("--client") && i + 1 < args.length && List.of("netty", "crt").contains(args[i + 1])) {
        clientKind = args[++i];
      } else if (args[i].equals("--servers") && i + 1 < args.length) {
        servers = List.of(args[++i].split(","));
      } else if (args[i].equals("--rates") && i + 1 < args.length) {
        rates = rates(args[++i]);
      } else {
        System.out.println(
            "usage: HttpFrontDoorHarness [--seconds N] [--sink sqs|memory] [--client netty|crt] [--servers jetty,jdk]"
                + " [--rates 500,1000]");
        return;
      }
    }
    int[] chosenRates = rates;
    Duration run = Duration.ofSeconds(seconds);
    List<Result> results = new ArrayList<>();
    try (EmbeddedSqs sqs = EmbeddedSqs.start();
        SqsAsyncClient client = clientKind.equals("crt")
            // The AWS CRT HTTP client, the one the README recommends.
            ? sqs.newAsyncClient(AwsCrtAsyncHttpClient.builder().maxConcurrency(50))
            : sqs.newAsyncClient()) {
      String queueUrl = client.createQueue(b -> b.queueName("front-door")).join().queueUrl();
      try (SqsEnqueuer enqueuer = SqsEnqueuer.builder().client(client).queueUrl(queueUrl).build()) {
        WebhookSink sink =
            sinkKind.equals("memory") ? (webhook, budget) -> CompletableFuture.completedFuture(null) : enqueuer;
        WebhookReceiver receiver =
            WebhookReceiver.builder()
                .addSource(Providers.get("github").source("github", SECRET).build())
                .sink(sink)
                .build();
        HttpClient http =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4, named("bench-http-client")))
                .build();
        // Empty the queue after each scenario, so that ElasticMQ's heap does not grow into later scenarios' GC.
        Runnable purge = () -> client.purgeQueue(b -> b.queueUrl(queueUrl)).join();
        // Warm-up: both servers, every scenario, short; not printed.
        for (String kind : servers) {
          withServer(
              kind, receiver, port -> runAll(kind, port, http, chosenRates, Duration.ofSeconds(2), new ArrayList<>(), purge));
        }
        for (String kind : servers) {
          withServer(kind, receiver, port -> runAll(kind, port, http, chosenRates, run, results, purge));
        }
      }
    }
    print(results, seconds, sinkKind.equals("memory") ? "a sink that acknowledges at once" : "SqsEnqueuer ("
        + clientKind + ") → ElasticMQ");
  }

  @FunctionalInterface
  private interface PortBody {
    void run(int port) throws Exception;
  }

  private static void withServer(String kind, WebhookReceiver receiver, PortBody body) throws Exception {
    if (kind.equals("jetty")) {
      try (WebhookHttpServer server = WebhookHttpServer.builder().receiver(receiver).port(0).build().start()) {
        body.run(server.port());
      }
    } else {
      try (JdkHttpServerBaseline server =
          JdkHttpServerBaseline.builder().receiver(receiver).port(0).build().start()) {
        body.run(server.port());
      }
    }
  }

  private static int[] rates(String list) {
    return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private static void runAll(
      String kind, int port, HttpClient http, int[] rates, Duration run, List<Result> into, Runnable afterScenario)
      throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + port + "/webhooks/github");
    for (int rate : rates) {
      into.add(fixedRate(kind, uri, http, rate, run));
      afterScenario.run();
    }
    into.add(closedLoop(kind, uri, http, CLIENTS, run));
    afterScenario.run();
  }

  private static final AtomicLong IDS = new AtomicLong();

  /** Signed requests made before the clock starts, so the load generator's signing is not measured. */
  private static List<HttpRequest> signed(URI uri, int count) {
    List<HttpRequest> requests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      requests.add(signed(uri));
    }
    return requests;
  }

  private static final String BODY = Bodies.json(1024);

  /** One signed request with a fresh delivery id. */
  private static HttpRequest signed(URI uri) {
    SignedRequest.Builder signedRequest = SignedRequest.github(SECRET).id("d-" + IDS.incrementAndGet()).body(BODY);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    WebhookHeaders headers = signedRequest.headers();
    for (String name : headers.names()) {
      for (String value : headers.all(name)) {
        if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("host")) {
          b.header(name, value);
        }
      }
    }
    return b.POST(HttpRequest.BodyPublishers.ofByteArray(signedRequest.body())).build();
  }

  private static Result fixedRate(String kind, URI uri, HttpClient http, int rate, Duration run) throws Exception {
    int count = (int) (rate * run.toSeconds());
    List<HttpRequest> requests = signed(uri, count);
    long[] answerNanos = new long[count];
    AtomicInteger accepted = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(count);
    CpuMeter cpu = new CpuMeter();
    cpu.start();
    long start = System.nanoTime();
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    for (int i = 0; i < count; i++) {
      long due = start + i * periodNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      int index = i;
      http.sendAsync(requests.get(i), HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, error) -> {
                answerNanos[index] = System.nanoTime() - due;
                if (error == null && response.statusCode() == 202) {
                  accepted.incrementAndGet();
                }
                done.countDown();
              });
    }
    done.await(5, TimeUnit.MINUTES);
    double elapsed = (System.nanoTime() - start) / 1e9;
    CpuMeter.Usage usage = cpu.stop();
    return result(kind, rate + "/s", count, accepted.get(), elapsed, answerNanos, usage);
  }

  private static Result closedLoop(String kind, URI uri, HttpClient http, int clients, Duration run)
      throws Exception {
    ConcurrentLinkedQueue<Long> answers = new ConcurrentLinkedQueue<>();
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients, named("bench-client"));
    CpuMeter cpu = new CpuMeter();
    cpu.start();
    long start = System.nanoTime();
    long end = start + run.toNanos();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      loops.add(
          CompletableFuture.runAsync(
              () -> {
                while (System.nanoTime() < end) {
                  // Signed on the client's thread (a few µs, counted as the load generator's CPU): signing every
                  // request up front held hundreds of MB and made GC pauses part of the measurement.
                  HttpRequest request = signed(uri);
                  long t0 = System.nanoTime();
                  sent.incrementAndGet();
                  try {
                    HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 202) {
                      accepted.incrementAndGet();
                    }
                  } catch (Exception e) {
                    // counted as not accepted
                  }
                  answers.add(System.nanoTime() - t0);
                }
              },
              pool));
    }
    CompletableFuture.allOf(loops.toArray(new CompletableFuture<?>[0])).join();
    double elapsed = (System.nanoTime() - start) / 1e9;
    CpuMeter.Usage usage = cpu.stop();
    pool.shutdown();
    long[] nanos = answers.stream().mapToLong(Long::longValue).toArray();
    return result(kind, clients + " clients", sent.get(), accepted.get(), elapsed, nanos, usage);
  }

  private static Result result(
      String kind, String load, long sent, long accepted, double seconds, long[] nanos, CpuMeter.Usage usage) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    long serverSideNanos = 0;
    long generatorNanos = 0;
    for (Map.Entry<String, Long> e : usage.clientByGroup().entrySet()) {
      if (!e.getKey().startsWith("bench-") && !e.getKey().startsWith("HttpClient")) {
        serverSideNanos += e.getValue();
      } else {
        generatorNanos += e.getValue();
      }
    }
    return new Result(
        kind,
        load,
        sent,
        accepted,
        accepted / seconds,
        sorted[sorted.length / 2] / 1e6,
        sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)] / 1e6,
        perWebhook(serverSideNanos, accepted),
        perWebhook(usage.serverNanos(), accepted),
        perWebhook(generatorNanos, accepted),
        usage.processNanos() / 1e9 / seconds);
  }

  private static double perWebhook(long nanos, long accepted) {
    return accepted == 0 ? 0 : nanos / 1e3 / accepted;
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static void print(List<Result> results, int seconds, String sinkName) {
    System.out.printf(
        Locale.ROOT,
        "%nHTTP front door, %d s per scenario, signed GitHub webhooks (1 KiB) → %s%n%n",
        seconds,
        sinkName);
    System.out.println(
        "| server | load | sent | 202 | webhooks/s | answer p50 ms | answer p99 ms | CPU µs/webhook"
            + " | ElasticMQ µs/webhook | load generator µs/webhook | process cores |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %d | %d | %.0f | %.2f | %.2f | %.0f | %.0f | %.0f | %.2f |%n",
          r.server(),
          r.load(),
          r.sent(),
          r.accepted(),
          r.perSecond(),
          r.p50(),
          r.p99(),
          r.cpuMicros(),
          r.queueCpuMicros(),
          r.generatorCpuMicros(),
          r.cores());
    }
  }
}
