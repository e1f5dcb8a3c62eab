package dev.hookline.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A dynalite server — an open-source server that speaks DynamoDB's API, run by Node — started as a child process on
 * {@code 127.0.0.1} and a free port, with its data in memory.
 *
 * <p>dynalite comes from the repository's {@code package.json} and {@code package-lock.json}: run {@code npm ci} in
 * the repository root before the tests (CI's {@code .ci/run} does). The server is found by walking up from the
 * working directory to a {@code node_modules/dynalite}; the system property {@value #HOME_PROPERTY} names that
 * {@code node_modules} directory explicitly. It answers {@code CreateTable}, {@code DescribeTable} and the item calls
 * with conditions as DynamoDB does, but not {@code UpdateTimeToLive}. A client that dies mid-request does not take
 * the server down.
 *
 * <p>The child stops when {@link #close()} closes its standard input (or when this JVM dies, which closes it too),
 * and is killed if it does not exit within a few seconds. Clients from {@link #newAsyncClient()} and
 * {@link #newSyncClient()} belong to the caller.
 *
 * <p>Thread-safety: thread-safe once started.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {

  /** The region clients are configured with; dynalite accepts any. */
  public static final Region REGION = Region.US_EAST_1;

  /** System property naming the {@code node_modules} directory that holds dynalite. */
  public static final String HOME_PROPERTY = "hookline.nodeModules";

  /** How long the server may take to print its port. Node starts in well under a second on an idle machine. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Starts dynalite in memory on port 0 and prints the port it got; exits when standard input closes (the parent
   * closed it or died). Tables are ACTIVE at once instead of after dynalite's default half second.
   */
  private static final String LAUNCHER =
      "const dynalite = require(process.argv[1]);\n"
          // dynalite rethrows a request stream's error, so a client killed mid-request (the fleet test kills
          // consumers with kill -9) would take the whole server down; such a request is simply gone.
          + "process.on('uncaughtException', (e) => {\n"
          + "  if (e && (e.code === 'ECONNRESET' || e.code === 'ECONNABORTED' || e.message === 'aborted')) return;\n"
          + "  console.error(e); process.exit(1);\n"
          + "});\n"
          + "const server = dynalite({createTableMs: 0, deleteTableMs: 0, updateTableMs: 0});\n"
          + "server.listen(0, '127.0.0.1', () => console.log('hookline-dynalite-port ' + server.address().port));\n"
          + "process.stdin.on('end', () => process.exit(0));\n"
          + "process.stdin.on('error', () => process.exit(0));\n"
          + "process.stdin.resume();\n";

  private static final String PORT_LINE = "hookline-dynalite-port ";

  private final Process process;
  private final URI endpoint;

  private EmbeddedDynamoDb(Process process, int port) {
    this.process = process;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Starts a server and waits until it listens.
   *
   * @return the running server
   * @throws IllegalStateException when dynalite is not installed (run {@code npm ci}), Node is missing, or the server
   *     does not start
   */
  public static EmbeddedDynamoDb start() {
    Path dynalite = locate();
    ProcessBuilder builder =
        new ProcessBuilder("node", "-e", LAUNCHER, dynalite.toString()).redirectErrorStream(true);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Could not run 'node' to start dynalite: install Node.js 20 or later and put it on the PATH", e);
    }
    List<String> output = new ArrayList<>();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader =
        new Thread(() -> readOutput(process, output, port), "hookline-dynalite-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    try {
      return new EmbeddedDynamoDb(process, port.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process);
      throw new IllegalStateException("Interrupted while starting dynalite", e);
    } catch (ExecutionException | TimeoutException e) {
      stop(process);
      String printed;
      synchronized (output) {
        printed = String.join("\n", output);
      }
      throw new IllegalStateException(
          "dynalite did not start within " + START_TIMEOUT + " (" + dynalite + "); it printed:\n" + printed, e);
    }
  }

  /** Reads the child's output: the port line completes {@code port}; the rest is kept for error messages. */
  private static void readOutput(Process process, List<String> output, CompletableFuture<Integer> port) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!port.isDone() && line.startsWith(PORT_LINE)) {
          port.complete(Integer.parseInt(line.substring(PORT_LINE.length()).trim()));
        } else {
          synchronized (output) {
            if (output.size() < 200) {
              output.add(line);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      port.completeExceptionally(e);
    }
    port.completeExceptionally(new IllegalStateException("dynalite exited before listening"));
  }

  /**
   * Finds dynalite's entry point: the {@value #HOME_PROPERTY} directory, else the first {@code node_modules} that
   * holds it walking up from the working directory.
   */
  static Path locate() {
    Optional<String> home = Optional.ofNullable(System.getProperty(HOME_PROPERTY)).filter(s -> !s.isBlank());
    if (home.isPresent()) {
      Path entry = Paths.get(home.get(), "dynalite", "index.js");
      if (!Files.isRegularFile(entry)) {
        throw new IllegalStateException(
            HOME_PROPERTY + " names " + home.get() + ", which holds no dynalite: run `npm ci` in the repository root");
      }
      return entry.toAbsolutePath();
    }
    Path start = Paths.get("").toAbsolutePath();
    Path packageJson = null;
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path entry = dir.resolve("node_modules").resolve("dynalite").resolve("index.js");
      if (Files.isRegularFile(entry)) {
        return entry;
      }
      if (packageJson == null && Files.isRegularFile(dir.resolve("package-lock.json"))) {
        packageJson = dir;
      }
    }
    String where = packageJson != null ? " in " + packageJson : " in the repository root";
    throw new IllegalStateException(
        "dynalite is not installed (no node_modules/dynalite above "
            + start
            + "): run `npm ci`"
            + where
            + " before the tests; it installs the DynamoDB test server pinned by package-lock.json");
  }

  /** Returns the endpoint to point SDK clients at, for example {@code http://127.0.0.1:41234}. */
  public URI endpoint() {
    return endpoint;
  }

  /** Returns the child process's id. */
  public long pid() {
    return process.pid();
  }

  /**
   * Returns a new async client pointed at this server; the caller closes it.
   *
   * @return a new client
   */
  public DynamoDbAsyncClient newAsyncClient() {
    return newAsyncClient(endpoint);
  }

  /**
   * Returns a new async client pointed at an endpoint (this server, or a {@link FaultProxy} in front of it); the
   * caller closes it.
   *
   * @param endpointOverride the endpoint
   * @return a new client
   */
  public static DynamoDbAsyncClient newAsyncClient(URI endpointOverride) {
    Objects.requireNonNull(endpointOverride, "endpointOverride");
    return DynamoDbAsyncClient.builder()
        .endpointOverride(endpointOverride)
        .region(REGION)
        .credentialsProvider(EmbeddedSqs.credentials())
        .build();
  }

  /**
   * Returns a new async client with the SDK's own retries off, so that each fault a {@link FaultProxy} injects
   * reaches the caller as it is; the caller closes it.
   *
   * @param endpointOverride the endpoint
   * @return a new client
   */
  public static DynamoDbAsyncClient newAsyncClientWithoutRetries(URI endpointOverride) {
    Objects.requireNonNull(endpointOverride, "endpointOverride");
    return DynamoDbAsyncClient.builder()
        .endpointOverride(endpointOverride)
        .region(REGION)
        .credentialsProvider(EmbeddedSqs.credentials())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  /**
   * Returns a new sync client pointed at an endpoint; the caller closes it.
   *
   * @param endpointOverride the endpoint
   * @return a new client
   */
  public static DynamoDbClient newSyncClient(URI endpointOverride) {
    Objects.requireNonNull(endpointOverride, "endpointOverride");
    return DynamoDbClient.builder()
        .endpointOverride(endpointOverride)
        .region(REGION)
        .credentialsProvider(EmbeddedSqs.credentials())
        .build();
  }

  /**
   * Returns a new sync client pointed at this server; the caller closes it.
   *
   * @return a new client
   */
  public DynamoDbClient newSyncClient() {
    return newSyncClient(endpoint);
  }

  /** Stops the server: closes its input, waits a few seconds for it to exit, then kills it. Idempotent. */
  @Override
  public void close() {
    stop(process);
  }

  private static void stop(Process process) {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Already closed: the child is going or gone.
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "EmbeddedDynamoDb{" + endpoint + ", pid=" + process.pid() + '}';
  }
}
