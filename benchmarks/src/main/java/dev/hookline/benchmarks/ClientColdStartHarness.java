package dev.hookline.benchmarks;

import dev.hookline.testkit.EmbeddedSqs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * What an SDK HTTP client costs a Lambda function: its cold start and its cost per call. Each sample is a fresh JVM
 * (this class with {@code --child}) run with C1 only ({@code -XX:TieredStopAtLevel=1}, the default of Lambda's
 * managed Java 17+ runtimes) and {@code -XX:+UseSerialGC}; it builds an {@code SqsAsyncClient} on the Netty or the
 * AWS CRT HTTP client, sends one message (the first call: class loading, the native library for CRT, the
 * connection), then sends {@code --calls} more one at a time, as a function's invocations do. The parent starts one
 * embedded ElasticMQ for all samples, alternates the clients, and prints medians.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.hookline.benchmarks.ClientColdStartHarness [--samples 7] [--calls 200]
 * </pre>
 */
public final class ClientColdStartHarness {

  private static final List<String> CLIENTS = List.of("netty", "crt");

  private ClientColdStartHarness() {}

  /** One child JVM's measurements. */
  private record Sample(
      double jvmToMainMs,
      double buildMs,
      double firstCallMs,
      double initCpuMs,
      double perCallMicros,
      double cpuPerCallMicros,
      double heapUsedMb) {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(args[1], URI.create(args[2]), args[3], Integer.parseInt(args[4]));
      return;
    }
    int samples = 7;
    int calls = 200;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--samples") && i + 1 < args.length) {
        samples = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--calls") && i + 1 < args.length) {
        calls = Integer.parseInt(args[++i]);
      } else {
        System.out.println("usage: ClientColdStartHarness [--samples N] [--calls N]");
        return;
      }
    }
    Map<String, List<Sample>> results = new LinkedHashMap<>();
    CLIENTS.forEach(c -> results.put(c, new ArrayList<>()));
    try (EmbeddedSqs sqs = EmbeddedSqs.start();
        SqsAsyncClient admin = sqs.newAsyncClient()) {
      String queueUrl = admin.createQueue(b -> b.queueName("cold-start")).join().queueUrl();
      // One unmeasured child of each first: the OS page cache then holds the jar and the native library for all.
      for (String client : CLIENTS) {
        runChild(client, sqs.endpoint(), queueUrl, calls);
      }
      for (int s = 0; s < samples; s++) {
        List<String> order = new ArrayList<>(CLIENTS);
        if (s % 2 == 1) {
          Collections.reverse(order);
        }
        for (String client : order) {
          results.get(client).add(runChild(client, sqs.endpoint(), queueUrl, calls));
        }
        admin.purgeQueue(b -> b.queueUrl(queueUrl)).join();
      }
    }
    print(results, samples, calls);
  }

  private static Sample runChild(String client, URI endpoint, String queueUrl, int calls)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            ClientColdStartHarness.class.getName(),
            "--child",
            client,
            endpoint.toString(),
            queueUrl,
            Integer.toString(calls));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String result = null;
    List<String> output = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("RESULT ")) {
          result = line;
        } else {
          output.add(line);
        }
      }
    }
    if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0 || result == null) {
      throw new IllegalStateException("child " + client + " failed: " + String.join("\n", output));
    }
    double[] v = Arrays.stream(result.substring("RESULT ".length()).split(" ")).mapToDouble(Double::parseDouble).toArray();
    return new Sample(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
  }

  /** Runs in the child JVM: prints one RESULT line. */
  private static void child(String kind, URI endpoint, String queueUrl, int calls) {
    double jvmToMain = ManagementFactory.getRuntimeMXBean().getUptime();
    long t0 = System.nanoTime();
    SdkAsyncHttpClient.Builder<?> http =
        kind.equals("crt") ? AwsCrtAsyncHttpClient.builder() : NettyNioAsyncHttpClient.builder();
    try (SqsAsyncClient client = EmbeddedSqs.newAsyncClient(endpoint, http)) {
      long built = System.nanoTime();
      String body = Bodies.json(1024);
      client.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).join();
      long first = System.nanoTime();
      long initCpu = CpuMeter.processCpuNanos();
      for (int i = 0; i < calls; i++) {
        client.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).join();
      }
      long end = System.nanoTime();
      long cpu = CpuMeter.processCpuNanos() - initCpu;
      Runtime rt = Runtime.getRuntime();
      double heapMb = (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
      System.out.printf(
          Locale.ROOT,
          "RESULT %.1f %.1f %.1f %.1f %.1f %.1f %.1f%n",
          jvmToMain,
          (built - t0) / 1e6,
          (first - built) / 1e6,
          initCpu / 1e6,
          (end - first) / 1e3 / calls,
          cpu / 1e3 / calls,
          heapMb);
    }
  }

  private static double median(List<Sample> samples, ToDoubleFunction<Sample> f) {
    return ObservabilityHarness.median(samples.stream().mapToDouble(f).toArray());
  }

  private static void print(Map<String, List<Sample>> results, int samples, int calls) {
    System.out.printf(
        Locale.ROOT,
        "%nSDK HTTP client cold start and per-call cost, %d fresh JVMs each (C1 only, SerialGC), %d calls after the"
            + " first, medians%n%n",
        samples,
        calls);
    System.out.println(
        "| client | JVM start → main ms | client build ms | first SendMessage ms | build + first ms"
            + " | process CPU to first answer ms | per call µs | CPU per call µs | heap used MB |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (Map.Entry<String, List<Sample>> e : results.entrySet()) {
      List<Sample> s = e.getValue();
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f |%n",
          e.getKey(),
          median(s, Sample::jvmToMainMs),
          median(s, Sample::buildMs),
          median(s, Sample::firstCallMs),
          median(s, x -> x.buildMs() + x.firstCallMs()),
          median(s, Sample::initCpuMs),
          median(s, Sample::perCallMicros),
          median(s, Sample::cpuPerCallMicros),
          median(s, Sample::heapUsedMb));
    }
  }
}
