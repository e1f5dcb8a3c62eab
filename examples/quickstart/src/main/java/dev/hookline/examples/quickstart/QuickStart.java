package dev.hookline.examples.quickstart;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.testkit.SignedRequest;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The Hookline quick start: the whole pipeline on your machine, with nothing to set up but a JDK.
 *
 * <p>It starts an embedded SQS (ElasticMQ, in this process), provisions a queue and its dead-letter queue, serves the
 * receiver over HTTP, and runs a consumer whose handler logs each webhook. It then prints a {@code curl} command that
 * sends a correctly signed webhook. With {@code --demo} it instead sends a scripted burst to itself over HTTP (valid,
 * duplicate, failing and invalid webhooks), prints what became of each, and exits.
 *
 * <pre>
 * ./quickstart.sh                      # run until Ctrl+C
 * ./quickstart.sh --demo               # the scripted tour; exit status 0 when nothing was lost
 * ./quickstart.sh --source gh=github:s3cret --port 9000
 * </pre>
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    version = "Hookline quick start",
    description =
        "Runs the Hookline pipeline locally: HTTP receiver -> SQS (embedded) -> consumer with retries and a DLQ.",
    sortOptions = false)
public final class QuickStart implements Callable<Integer> {

  /** The receiver's port when {@code --port} is not given (the demo uses a free port instead). */
  public static final int DEFAULT_PORT = 8080;

  @Spec private CommandSpec spec;

  @Option(names = "--host", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
  private String host = "127.0.0.1";

  @Option(
      names = "--port",
      description = "HTTP port; 0 for a free one (default: " + DEFAULT_PORT + "; --demo uses a free port).")
  private Integer port;

  @Option(
      names = "--source",
      paramLabel = "NAME=PROVIDER:SECRET",
      description =
          "A webhook source, repeatable. PROVIDER is one of the catalog's providers (github, stripe, slack, meta,"
              + " twilio, ...; see the README); SECRET is in the form the provider takes (meta:"
              + " APP_SECRET:VERIFY_TOKEN, twilio: AUTH_TOKEN:PUBLIC_URL, sns: TOPIC_ARN)."
              + " Default: one Standard Webhooks source named 'demo' with a public demo secret.")
  private List<String> sources = new ArrayList<>();

  @Option(names = "--demo", description = "Send a scripted burst to the running pipeline, print a summary, and exit.")
  private boolean demo;

  private final Lifetime lifetime;
  private final PipelineListener observer;

  /** Creates the command; picocli fills in the options. Serve mode runs until the JVM shuts down (Ctrl+C). */
  public QuickStart() {
    this(Lifetime.UNTIL_SHUTDOWN, PipelineListener.NONE);
  }

  /**
   * Creates the command with its own lifetime for serve mode and an extra listener, so tests can drive and stop it.
   *
   * @param lifetime how long serve mode runs
   * @param observer observes the pipeline next to the console output
   */
  QuickStart(Lifetime lifetime, PipelineListener observer) {
    this.lifetime = lifetime;
    this.observer = observer;
  }

  /** How long serve mode runs once the pipeline is up and the instructions are printed. */
  @FunctionalInterface
  interface Lifetime {

    /** Until the JVM shuts down (Ctrl+C, SIGTERM); the shutdown hook closes the pipeline before the JVM exits. */
    Lifetime UNTIL_SHUTDOWN =
        pipeline -> {
          CountDownLatch stopped = new CountDownLatch(1);
          Runtime.getRuntime()
              .addShutdownHook(
                  new Thread(
                      () -> {
                        pipeline.close();
                        stopped.countDown();
                      },
                      "hookline-quickstart-shutdown"));
          stopped.await();
        };

    /**
     * Returns when serve mode should stop; the caller then closes the pipeline.
     *
     * @param pipeline the running pipeline
     * @throws InterruptedException when interrupted while waiting
     */
    void runWhileServing(LocalPipeline pipeline) throws InterruptedException;
  }

  /**
   * Runs the quick start and exits with its status.
   *
   * @param args the command line; {@code --help} lists the options
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new QuickStart()).execute(args));
  }

  /**
   * Runs the command.
   *
   * @return the exit status: 0 on success; for {@code --demo}, 1 when a webhook was lost or the counts do not add up
   * @throws Exception when the pipeline cannot start
   */
  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<SourceSpec> specs = parseSources();
    if (demo && specs.stream().noneMatch(SourceSpec::isDemo)) {
      if (specs.stream().anyMatch(s -> s.name().equals(SourceSpec.DEMO_SOURCE))) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--demo sends to the built-in 'demo' source; give your own source another name");
      }
      specs.add(0, SourceSpec.demo());
    }
    int httpPort = port != null ? port : demo ? 0 : DEFAULT_PORT;
    try {
      return demo ? runDemo(out, httpPort, specs) : serve(out, httpPort, specs);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof BindException) {
        spec.commandLine()
            .getErr()
            .printf(
                "Cannot listen on %s:%d (%s). Try another --port, or --port 0 for a free one.%n",
                host,
                httpPort,
                e.getCause().getMessage());
        return 2;
      }
      throw e;
    }
  }

  private int runDemo(PrintWriter out, int httpPort, List<SourceSpec> specs) throws InterruptedException {
    Tally tally = new Tally();
    Counters counters = new Counters();
    DemoSummary summary;
    try (LocalPipeline pipeline =
        LocalPipeline.start(
            host, httpPort, specs, new ExampleHandler(), PipelineListener.composite(tally, counters.listener()))) {
      printBanner(out, pipeline, specs);
      summary = new Demo(pipeline, tally, SourceSpec.demo(), out).run();
    }
    out.println(counters.line());
    // Last, after the pipeline's own shutdown lines: scripts can read the final line.
    out.println(summary.line());
    out.flush();
    return summary.exitCode();
  }

  private int serve(PrintWriter out, int httpPort, List<SourceSpec> specs) throws InterruptedException {
    try (Counters counters = new Counters();
        LocalPipeline pipeline =
            LocalPipeline.start(
                host,
                httpPort,
                specs,
                new ExampleHandler(),
                PipelineListener.composite(new ConsoleListener(), observer, counters.listener()))) {
      printBanner(out, pipeline, specs);
      printCurl(out, pipeline, specs.get(0));
      out.println("Logs show each webhook as the consumer handles it; a counters line follows each second with news.");
      out.println("Press Ctrl+C to stop.");
      out.flush();
      counters.printEvery(out, Duration.ofSeconds(1));
      lifetime.runWhileServing(pipeline);
    }
    return 0;
  }

  private List<SourceSpec> parseSources() {
    List<SourceSpec> specs = new ArrayList<>();
    for (String text : sources) {
      try {
        SourceSpec parsed = SourceSpec.parse(text);
        if (specs.stream().anyMatch(s -> s.name().equals(parsed.name()))) {
          throw new IllegalArgumentException("source '" + parsed.name() + "' is given twice");
        }
        specs.add(parsed);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--source: " + e.getMessage(), e);
      }
    }
    if (specs.isEmpty()) {
      specs.add(SourceSpec.demo());
    }
    return specs;
  }

  private static void printBanner(PrintWriter out, LocalPipeline pipeline, List<SourceSpec> specs) {
    out.println("Hookline quick start");
    out.printf("  SQS (embedded ElasticMQ)  %s%n", pipeline.sqsEndpoint());
    out.printf("  queue                     %s%n", pipeline.queueUrl());
    out.printf("  dead-letter queue         %s%n", pipeline.dlqUrl());
    out.printf(
        "  consumer                  up to %d attempts, retried after %d s, %d s, %d s; idempotent by delivery id%n",
        LocalPipeline.MAX_ATTEMPTS,
        LocalPipeline.BACKOFF.delay(1).toSeconds(),
        LocalPipeline.BACKOFF.delay(2).toSeconds(),
        LocalPipeline.BACKOFF.delay(3).toSeconds());
    for (SourceSpec s : specs) {
      out.printf(
          "  POST webhooks to          %s   (%s%s)%n",
          pipeline.webhookUri(s.name()),
          s.provider().name(),
          s.isDemo() ? ", demo secret " + s.secret() : ", secret from --source");
    }
    out.println();
    out.flush();
  }

  /** Prints a ready-to-paste curl command with a webhook signed now for the first source. */
  private static void printCurl(PrintWriter out, LocalPipeline pipeline, SourceSpec source) {
    Optional<SignedRequest.Builder> signer = source.signer();
    if (signer.isEmpty()) {
      out.println(
          "No curl command for "
              + source.provider().name()
              + ": it signs with a private key, which only the sender holds. Point the sender at the URL above.");
      out.println();
      return;
    }
    Instant now = Instant.now();
    String body = "{\"type\":\"demo.ok\",\"data\":{\"order\":42,\"amount\":1042}}";
    if (source.provider().name().equals("twilio")) {
      // Twilio posts form fields; the signer sends this provider's content type.
      body = "MessageSid=SM42&From=%2B15555550100&Body=demo.ok+1042";
    }
    SignedRequest.Builder request =
        signer.get().id("msg_quickstart_" + now.getEpochSecond()).timestamp(now).body(body);
    out.println(curl(pipeline.webhookUri(source.name()).toString(), request.headers(), request.body()));
    out.println();
    if (source.signsTimestamp()) {
      out.println(
          "The signature covers a timestamp of now and is valid for "
              + source.provider().tolerance().orElseThrow().toMinutes()
              + " minutes; restart for a fresh one.");
    }
    out.println("Send it twice: the copy is skipped by the idempotency store. Change the body: 401.");
    out.println("Answers: 202 accepted (on the queue), 401 bad signature, 413 too large, 415 not JSON.");
  }

  /**
   * Formats a POSIX shell {@code curl} command. Values are single-quoted; a quote inside becomes {@code '\''}.
   *
   * @param url the URL
   * @param headers the headers
   * @param body the body, sent as given
   * @return the command, one option per line
   */
  static String curl(String url, WebhookHeaders headers, byte[] body) {
    StringBuilder sb = new StringBuilder("curl -i -X POST ").append(quote(url));
    headers
        .asMap()
        .forEach(
            (name, values) -> {
              for (String value : values) {
                sb.append(" \\\n  -H ").append(quote(name + ": " + value));
              }
            });
    sb.append(" \\\n  --data-binary ").append(quote(new String(body, StandardCharsets.UTF_8)));
    return sb.toString();
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
