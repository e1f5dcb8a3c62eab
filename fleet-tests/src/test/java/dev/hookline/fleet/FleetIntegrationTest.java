package dev.hookline.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.idempotency.jdbc.JdbcDialect;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.DynamoDbExtension;
import dev.hookline.testkit.EmbeddedSqs;
import dev.hookline.testkit.PostgresExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The fleet test: three consumer JVMs, each an {@code SqsConsumerRunner} with the same idempotency store, against one
 * SQS (ElasticMQ) in a JVM of its own. Webhooks are sent once, a fifth of them twice (a sender retrying), in a seeded
 * random order; each consumer is killed with {@code kill -9} once, at a seeded random point of the run's progress,
 * and restarted. Then, per delivery id, the handler's successful runs are counted from the consumers' logs.
 *
 * <p>With a shared store (DynamoDB on dynalite, JDBC on PostgreSQL): every id handled (0 lost), 0 dead letters, and
 * every id handled exactly once except where a consumer was killed after its handler returned and before the
 * completion was recorded — a second run is allowed only when the other runs were among the last {@value
 * ConsumerProcess#MAX_IN_FLIGHT} lines a killed consumer wrote (it held at most that many messages). With the
 * in-memory store, the same count shows the duplicates a per-process store lets through; both lines are printed.
 *
 * <p>Size: {@value #DEFAULT_WEBHOOKS} webhooks by default, so the class fits in about two minutes of a busy 2-core
 * machine; {@code -Dhookline.fleet.webhooks=2000} (or more) for a longer run. Waits are on progress: a run fails when
 * nothing moves for {@link #STALL}.
 */
class FleetIntegrationTest {

  @RegisterExtension static final DynamoDbExtension DYNAMODB = new DynamoDbExtension();
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  static final int DEFAULT_WEBHOOKS = 1_000;
  private static final int WEBHOOKS = Integer.getInteger("hookline.fleet.webhooks", DEFAULT_WEBHOOKS);
  private static final long SEED = Long.getLong("hookline.fleet.seed", 16L);
  private static final int CONSUMERS = 3;
  /** No new handler run and no change of the queue's depth for this long fails the run. */
  private static final Duration STALL = Duration.ofSeconds(60);
  /** A JVM that has not said it started within this long (and is still alive) fails the run. */
  private static final Duration START = Duration.ofSeconds(120);

  private static final List<String> SUMMARY = new CopyOnWriteArrayList<>();
  private static Jvm sqsServer;
  private static URI sqsEndpoint;
  private static SqsClient sqs;

  /** Kept after the run (under target/), so a failure's consumer logs and output can be read. */
  private static Path logs;

  @BeforeAll
  static void startSqs() throws IOException {
    logs = Files.createDirectories(Paths.get("target", "fleet-logs", Long.toString(System.currentTimeMillis())));
    sqsServer = Jvm.start(SqsServerProcess.class, logs.resolve("sqs.out"), List.of());
    String port = sqsServer.awaitLine("port ", START).substring("port ".length()).trim();
    sqsEndpoint = URI.create("http://127.0.0.1:" + port);
    sqs = EmbeddedSqs.newSyncClient(sqsEndpoint);
  }

  @AfterAll
  static void stopSqs() {
    if (sqs != null) {
      sqs.close();
    }
    if (sqsServer != null) {
      sqsServer.stop();
    }
    SUMMARY.forEach(System.out::println);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES) // a bound; the run fails earlier when progress stalls
  void dynamoDbStoreHandlesEachDeliveryOnceAcrossAKilledFleet() {
    String table = DYNAMODB.uniqueTableName("fleet");
    DYNAMODB.createTable(
        CreateTableRequest.builder()
            .tableName(table)
            .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
            .attributeDefinitions(
                AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
            .billingMode("PAY_PER_REQUEST")
            .build());
    Counts counts = run("dynamodb", List.of(DYNAMODB.server().endpoint().toString(), table));
    counts.assertExactlyOnceButForCrashWindows();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void jdbcStoreHandlesEachDeliveryOnceAcrossAKilledFleet() throws SQLException {
    String database = POSTGRES.createDatabase("fleet");
    String url = POSTGRES.jdbcUrl(database);
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      for (String statement : JdbcDialect.POSTGRESQL.createTableSql("fleet_claims").split(";")) {
        if (!statement.isBlank()) {
          s.execute(statement);
        }
      }
    }
    Counts counts = run("jdbc", List.of(url, "fleet_claims"));
    counts.assertExactlyOnceButForCrashWindows();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void inMemoryStoresLoseNothingButLetDuplicatesThrough() {
    Counts counts = run("memory", List.of());
    assertThat(counts.lost).as("lost").isZero();
    assertThat(counts.deadLetters).as("dead letters").isZero();
  }

  // -----------------------------------------------------------------------------------------------------------------

  private Counts run(String store, List<String> storeArgs) {
    long started = System.nanoTime();
    Random random = new Random(SEED + store.hashCode());
    String dlq = sqs.createQueue(b -> b.queueName("fleet-" + store + "-dlq")).queueUrl();
    String dlqArn =
        sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String queue =
        sqs.createQueue(
                b ->
                    b.queueName("fleet-" + store)
                        .attributes(
                            Map.of(
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                Integer.toString(ConsumerProcess.VISIBILITY_SECONDS),
                                // Far above the processor's own attempts: the redrive is only a safety net here.
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"100\"}")))
            .queueUrl();
    int sent = send(queue, store, random);

    Path dir = logs.resolve(store);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> consumerArgs = new ArrayList<>(List.of(sqsEndpoint.toString(), queue, dlq));
    // Each consumer is killed once, when the fleet's handler runs reach a seeded point between 10% and 70%.
    int[] killAt = new int[CONSUMERS];
    Jvm[] consumers = new Jvm[CONSUMERS];
    boolean[] killed = new boolean[CONSUMERS];
    List<Path> killedLogs = new ArrayList<>();
    List<Path> allLogs = new ArrayList<>();
    for (int i = 0; i < CONSUMERS; i++) {
      killAt[i] = (int) (WEBHOOKS * (0.1 + 0.6 * random.nextDouble()));
      Path log = dir.resolve("consumer-" + i + "-first.log");
      allLogs.add(log);
      consumers[i] = startConsumer(consumerArgs, log, store, storeArgs, dir.resolve("consumer-" + i + "-first.out"));
    }
    for (Jvm c : consumers) {
      c.awaitLine("started", START);
    }

    long lastProgress = System.nanoTime();
    long lastRuns = -1;
    int lastDepth = -1;
    while (true) {
      Map<String, Integer> runs = runs(allLogs);
      long total = runs.values().stream().mapToLong(Integer::longValue).sum();
      for (int i = 0; i < CONSUMERS; i++) {
        if (!killed[i] && total >= killAt[i]) {
          consumers[i].kill();
          killed[i] = true;
          killedLogs.add(allLogs.get(i));
          Path log = dir.resolve("consumer-" + i + "-restarted.log");
          allLogs.add(log);
          consumers[i] =
              startConsumer(consumerArgs, log, store, storeArgs, dir.resolve("consumer-" + i + "-restarted.out"));
        }
      }
      int depth = depth(queue);
      boolean allKilled = killed[0] && killed[1] && killed[2];
      if (allKilled && runs.size() == WEBHOOKS && depth == 0) {
        break;
      }
      if (total != lastRuns || depth != lastDepth) {
        lastRuns = total;
        lastDepth = depth;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
        for (Jvm c : consumers) {
          c.stop();
        }
        throw new AssertionError(
            store + ": no progress for " + STALL + "; handled ids=" + runs.size() + "/" + WEBHOOKS + " runs=" + total
                + " queue depth=" + depth + " killed=" + java.util.Arrays.toString(killed) + "; logs in " + dir);
      }
      for (Jvm c : consumers) {
        c.assertAlive();
      }
      pause();
    }
    for (Jvm c : consumers) {
      c.stop();
    }
    int deadLetters = Await.drain(sqs, dlq).size();
    Counts counts = Counts.of(store, runs(allLogs), killedLogs, sent, deadLetters, dir);
    SUMMARY.add(counts.line(Duration.ofNanos(System.nanoTime() - started)));
    System.out.println(counts.line(Duration.ofNanos(System.nanoTime() - started)));
    return counts;
  }

  private static Jvm startConsumer(
      List<String> consumerArgs, Path log, String store, List<String> storeArgs, Path out) {
    List<String> args = new ArrayList<>(consumerArgs);
    args.add(log.toString());
    args.add(store);
    args.addAll(storeArgs);
    return Jvm.start(ConsumerProcess.class, out, args);
  }

  /** Sends every webhook once and a fifth of them twice, in a seeded random order; returns the messages sent. */
  private static int send(String queue, String store, Random random) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < WEBHOOKS; i++) {
      String id = store + "-" + i;
      ids.add(id);
      if (i % 5 == 0) {
        ids.add(id); // a sender's retry: same delivery id
      }
    }
    Collections.shuffle(ids, random);
    EnvelopeCodec codec = EnvelopeCodec.defaults();
    Instant now = Instant.now();
    for (int from = 0; from < ids.size(); from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(ids.size(), from + 10); i++) {
        EncodedEnvelope e =
            codec.encode(
                Webhook.builder()
                    .deliveryId(ids.get(i))
                    .source("fleet")
                    .receivedAt(now)
                    .body(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))
                    .build());
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        e.attributes()
            .forEach(
                (k, v) -> attributes.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id(Integer.toString(i - from))
                .messageBody(e.body())
                .messageAttributes(attributes)
                .build());
      }
      assertThat(sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries)).failed()).isEmpty();
    }
    return ids.size();
  }

  private static int depth(String queue) {
    Map<QueueAttributeName, String> a =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(queue)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
            .attributes();
    return a.values().stream().mapToInt(Integer::parseInt).sum();
  }

  /** Delivery id → number of successful handler runs, from every log. */
  private static Map<String, Integer> runs(List<Path> logs) {
    Map<String, Integer> runs = new HashMap<>();
    for (Path log : logs) {
      for (String id : lines(log)) {
        runs.merge(id, 1, Integer::sum);
      }
    }
    return runs;
  }

  /** The complete lines of a log (a line cut by a kill has no newline yet and is left out). */
  static List<String> lines(Path log) {
    if (!Files.exists(log)) {
      return List.of();
    }
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** What one run counted. */
  private static final class Counts {
    final String store;
    final int sent;
    final int handledIds;
    final int runs;
    final int lost;
    final int deadLetters;
    final int kills;
    final int handledMoreThanOnce;
    final int crashWindowReruns;
    final List<String> unexplained;
    final Path dir;

    private Counts(
        String store, int sent, int handledIds, int runs, int deadLetters, int kills, int handledMoreThanOnce,
        int crashWindowReruns, List<String> unexplained, Path dir) {
      this.store = store;
      this.sent = sent;
      this.handledIds = handledIds;
      this.runs = runs;
      this.lost = WEBHOOKS - handledIds;
      this.deadLetters = deadLetters;
      this.kills = kills;
      this.handledMoreThanOnce = handledMoreThanOnce;
      this.crashWindowReruns = crashWindowReruns;
      this.unexplained = unexplained;
      this.dir = dir;
    }

    static Counts of(
        String store, Map<String, Integer> runs, List<Path> killedLogs, int sent, int deadLetters, Path dir) {
      // A killed consumer held at most MAX_IN_FLIGHT messages: only among its last lines can a handler have
      // returned without its completion being recorded.
      Map<String, Integer> crashWindow = new HashMap<>();
      for (Path log : killedLogs) {
        List<String> lines = lines(log);
        for (String id : lines.subList(Math.max(0, lines.size() - ConsumerProcess.MAX_IN_FLIGHT), lines.size())) {
          crashWindow.merge(id, 1, Integer::sum);
        }
      }
      int more = 0;
      int explained = 0;
      List<String> unexplained = new ArrayList<>();
      for (Map.Entry<String, Integer> e : runs.entrySet()) {
        int n = e.getValue();
        if (n > 1) {
          more++;
          int inWindow = crashWindow.getOrDefault(e.getKey(), 0);
          if (n - Math.min(inWindow, n - 1) > 1) {
            unexplained.add(e.getKey() + " ran " + n + " times, " + inWindow + " in a killed consumer's last lines");
          } else {
            explained += n - 1;
          }
        }
      }
      int total = runs.values().stream().mapToInt(Integer::intValue).sum();
      return new Counts(
          store, sent, runs.size(), total, deadLetters, killedLogs.size(), more, explained, unexplained, dir);
    }

    void assertExactlyOnceButForCrashWindows() {
      assertThat(lost).as("%s: delivery ids never handled (logs in %s)", store, dir).isZero();
      assertThat(deadLetters).as("%s: dead letters", store).isZero();
      assertThat(kills).as("%s: consumers killed", store).isEqualTo(CONSUMERS);
      assertThat(unexplained).as("%s: ids handled more than once outside a kill's window (logs in %s)", store, dir)
          .isEmpty();
      assertThat(crashWindowReruns).isLessThanOrEqualTo(CONSUMERS * ConsumerProcess.MAX_IN_FLIGHT);
    }

    String line(Duration took) {
      return String.format(
          Locale.ROOT,
          "fleet %-8s webhooks=%d sent=%d kills=%d handler runs=%d handled once=%d handled more than once=%d"
              + " (of which a killed consumer's unrecorded run: %d) lost=%d dlq=%d in %ds",
          store,
          WEBHOOKS,
          sent,
          kills,
          runs,
          handledIds - handledMoreThanOnce,
          handledMoreThanOnce,
          crashWindowReruns,
          lost,
          deadLetters,
          took.toSeconds());
    }
  }

  /** A JVM child process running one of this module's main classes with the test class path. */
  static final class Jvm {
    private final Process process;
    private final Path out;

    private Jvm(Process process, Path out) {
      this.process = process;
      this.out = out;
    }

    static Jvm start(Class<?> main, Path out, List<String> args) {
      String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      List<String> command = new ArrayList<>();
      command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
      // Small and quick to start: these JVMs run briefly, on a shared 2-core machine.
      command.addAll(
          List.of(
              "-XX:TieredStopAtLevel=1",
              "-XX:+UseSerialGC",
              "-Xmx256m",
              "-Xss512k",
              "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
              "-cp",
              classPath,
              main.getName()));
      command.addAll(args);
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .start();
        return new Jvm(p, out);
      } catch (IOException e) {
        throw new UncheckedIOException("could not start " + main.getSimpleName(), e);
      }
    }

    /** Waits until the process printed a line starting with {@code prefix}; fails at once if it died. */
    String awaitLine(String prefix, Duration within) {
      long end = System.nanoTime() + within.toNanos();
      while (true) {
        for (String line : lines(out)) {
          if (line.startsWith(prefix)) {
            return line;
          }
        }
        if (!process.isAlive()) {
          throw new AssertionError("process exited before printing '" + prefix + "':\n" + text());
        }
        if (System.nanoTime() - end > 0) {
          throw new AssertionError("no '" + prefix + "' within " + within + ":\n" + text());
        }
        pause();
      }
    }

    void assertAlive() {
      if (!process.isAlive()) {
        throw new AssertionError("a consumer exited on its own:\n" + text());
      }
    }

    /** {@code kill -9}: no shutdown hook, no close, no flush. */
    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Closes its input (it stops and exits), then kills it if it is still there after a few seconds. */
    void stop() {
      try {
        process.getOutputStream().close();
      } catch (IOException e) {
        // gone already
      }
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          kill();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }

    private String text() {
      try {
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "(no output)";
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }
  }
}
