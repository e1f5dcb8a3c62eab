package dev.hookline.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.idempotency.Claim;
import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.core.idempotency.InMemoryIdempotencyStore;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.idempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.hookline.idempotency.jdbc.JdbcDialect;
import dev.hookline.idempotency.jdbc.JdbcIdempotencyStore;
import dev.hookline.sqs.SqsConsumerConfig;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.testkit.EmbeddedDynamoDb;
import dev.hookline.testkit.EmbeddedSqs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Measures the idempotency stores against their test servers, side by side in one JVM: claims + completes per
 * second and per-call p50/p99 for the in-memory store, the DynamoDB store on dynalite and the JDBC store on an
 * embedded PostgreSQL, each shared store beside a hand-written loop doing the same conditional writes with the same
 * client (the best a user could write by hand); then the consumer runner's throughput with each store on, beside no
 * store and the in-memory store. Prints Markdown tables.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.hookline.benchmarks.IdempotencyStoreHarness [--pairs N] [--threads T]
 *     [--messages M]
 * </pre>
 *
 * <p>dynalite comes from the repository's {@code node_modules} ({@code npm ci}); run from the repository root.
 */
public final class IdempotencyStoreHarness {

  private static final Duration TTL = Duration.ofMinutes(5);

  private final int pairs;
  private final int threads;
  private final int messages;
  private final List<String> storeRows = new ArrayList<>();
  private final List<String> runnerRows = new ArrayList<>();
  private final AtomicInteger idSeq = new AtomicInteger();

  private IdempotencyStoreHarness(int pairs, int threads, int messages) {
    this.pairs = pairs;
    this.threads = threads;
    this.messages = messages;
  }

  /**
   * Runs the harness.
   *
   * @param args {@code --pairs N} (4,000 claim+complete pairs per store), {@code --threads T} (8), {@code --messages
   *     M} (5,000 per runner scenario)
   * @throws Exception when a server cannot start
   */
  public static void main(String[] args) throws Exception {
    int pairs = 4_000;
    int threads = 8;
    int messages = 5_000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pairs" -> pairs = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--messages" -> messages = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: IdempotencyStoreHarness [--pairs N] [--threads T] [--messages M]");
          System.exit(2);
        }
      }
    }
    new IdempotencyStoreHarness(pairs, threads, messages).run();
  }

  /** One claim and one complete, timed separately; implemented by the stores and by the hand-written loops. */
  private interface Pair {
    void run(String id, long[] claimNanos, long[] completeNanos, int slot) throws Exception;
  }

  private static Pair ofStore(IdempotencyStore store) {
    return (id, claimNanos, completeNanos, slot) -> {
      long t0 = System.nanoTime();
      Claim claim = store.claim(id, TTL);
      long t1 = System.nanoTime();
      if (!store.complete((Claim.Acquired) claim)) {
        throw new IllegalStateException("complete refused for " + id);
      }
      long t2 = System.nanoTime();
      claimNanos[slot] = t1 - t0;
      completeNanos[slot] = t2 - t1;
    };
  }

  private void run() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "Date: %s UTC; %d cores; Java %s; %d pairs per store, %d threads; runner: %d messages%n%n",
        Instant.now().toString().substring(0, 19),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        pairs,
        threads,
        messages);
    try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start();
        DynamoDbAsyncClient dynamoClient = dynamo.newAsyncClient();
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        HikariDataSource pool = pool(postgres, threads * 2);
        EmbeddedSqs sqs = EmbeddedSqs.start();
        SqsAsyncClient sqsClient = sqs.newAsyncClient()) {
      String table = "bench-claims";
      try (var sync = dynamo.newSyncClient()) {
        sync.createTable(createTable(table));
      }
      createPgTable(pool, "bench_claims");
      createPgTable(pool, "raw_claims");

      IdempotencyStore memory = InMemoryIdempotencyStore.builder().maxEntries(1_000_000).build();
      IdempotencyStore dynamoStore =
          DynamoDbIdempotencyStore.builder().client(dynamoClient).tableName(table).build();
      IdempotencyStore jdbcStore = JdbcIdempotencyStore.builder().dataSource(pool).tableName("bench_claims").build();
      Pair rawDynamo = rawDynamo(dynamoClient, table);
      Pair rawJdbc = rawJdbc(pool);

      // Warm-up, not printed: every path once through the JIT.
      for (Pair p : List.of(ofStore(memory), ofStore(dynamoStore), rawDynamo, ofStore(jdbcStore), rawJdbc)) {
        measure(p, Math.min(pairs, 1_000));
      }
      storeRows.clear();
      double memoryRate = storeRow("in-memory", ofStore(memory), Double.NaN);
      double rawDynamoRate = storeRow("raw DynamoDB loop (conditional PutItem + UpdateItem)", rawDynamo, Double.NaN);
      storeRow("DynamoDbIdempotencyStore", ofStore(dynamoStore), rawDynamoRate);
      double rawJdbcRate = storeRow("raw JDBC loop (INSERT … ON CONFLICT DO NOTHING + UPDATE)", rawJdbc, Double.NaN);
      storeRow("JdbcIdempotencyStore (PostgreSQL)", ofStore(jdbcStore), rawJdbcRate);

      System.out.println("### Store calls (claim + complete of new ids)");
      System.out.println();
      System.out.println(
          "| Store | pairs/s | vs hand-written | claim p50 ms | claim p99 ms | complete p50 ms | complete p99 ms |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|");
      storeRows.forEach(System.out::println);
      System.out.printf(Locale.ROOT, "%nIn-memory pairs/s for scale: %,.0f%n%n", memoryRate);

      // Runner throughput: no store, in-memory, DynamoDB, JDBC; same queue server and client. Warm-up first.
      runnerRow(sqsClient, "warm-up", InMemoryIdempotencyStore.builder().build(), Double.NaN);
      runnerRows.clear();
      double none = runnerRow(sqsClient, "no store", null, Double.NaN);
      double inMemory =
          runnerRow(sqsClient, "in-memory", InMemoryIdempotencyStore.builder().maxEntries(1_000_000).build(), none);
      runnerRow(sqsClient, "DynamoDB (dynalite)", dynamoStore, inMemory);
      runnerRow(sqsClient, "JDBC (PostgreSQL)", jdbcStore, inMemory);
      System.out.println("### SqsConsumerRunner drain with each store (no-op handler, 4 pollers, 32 in flight)");
      System.out.println();
      System.out.println("| Store | msgs/s | vs in-memory |");
      System.out.println("|---|---:|---:|");
      runnerRows.forEach(System.out::println);
    }
  }

  private double storeRow(String name, Pair pair, double rawRate) throws Exception {
    Measured m = measure(pair, pairs);
    storeRows.add(
        String.format(
            Locale.ROOT,
            "| %s | %,.0f | %s | %.2f | %.2f | %.2f | %.2f |",
            name,
            m.rate,
            Double.isNaN(rawRate) ? "–" : String.format(Locale.ROOT, "%.2f×", m.rate / rawRate),
            percentile(m.claims, 50),
            percentile(m.claims, 99),
            percentile(m.completes, 50),
            percentile(m.completes, 99)));
    return m.rate;
  }

  private record Measured(double rate, long[] claims, long[] completes) {}

  private Measured measure(Pair pair, int n) throws Exception {
    long[] claims = new long[n];
    long[] completes = new long[n];
    AtomicInteger next = new AtomicInteger();
    String prefix = "id-" + idSeq.incrementAndGet() + "-";
    List<Thread> workers = new ArrayList<>();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          new Thread(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                  try {
                    pair.run(prefix + i, claims, completes, i);
                  } catch (Exception | Error e) {
                    errors.add(e);
                    return;
                  }
                }
              },
              "bench-store-" + t));
    }
    long start = System.nanoTime();
    workers.forEach(Thread::start);
    for (Thread w : workers) {
      w.join();
    }
    long elapsed = System.nanoTime() - start;
    if (!errors.isEmpty()) {
      throw new IllegalStateException("a pair failed", errors.get(0));
    }
    return new Measured(n / (elapsed / 1e9), claims, completes);
  }

  private static double percentile(long[] nanos, int p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }

  /** By hand, with the same client: a conditional PutItem and a conditional UpdateItem, no read-back, no retries. */
  private static Pair rawDynamo(DynamoDbAsyncClient client, String table) {
    return (id, claimNanos, completeNanos, slot) -> {
      long t0 = System.nanoTime();
      client
          .putItem(
              b ->
                  b.tableName(table)
                      .item(
                          Map.of(
                              "id", AttributeValue.fromS(id),
                              "status", AttributeValue.fromS("IN_PROGRESS"),
                              "holder", AttributeValue.fromS("h"),
                              "expiresAt", AttributeValue.fromN("1")))
                      .conditionExpression("attribute_not_exists(id)"))
          .join();
      long t1 = System.nanoTime();
      client
          .updateItem(
              b ->
                  b.tableName(table)
                      .key(Map.of("id", AttributeValue.fromS(id)))
                      .updateExpression("SET #s = :done")
                      .conditionExpression("holder = :h")
                      .expressionAttributeNames(Map.of("#s", "status"))
                      .expressionAttributeValues(
                          Map.of(":done", AttributeValue.fromS("COMPLETED"), ":h", AttributeValue.fromS("h"))))
          .join();
      long t2 = System.nanoTime();
      claimNanos[slot] = t1 - t0;
      completeNanos[slot] = t2 - t1;
    };
  }

  /** By hand, with the same pool: an insert that does nothing on conflict and an update, no read-back. */
  private static Pair rawJdbc(HikariDataSource pool) {
    return (id, claimNanos, completeNanos, slot) -> {
      long t0 = System.nanoTime();
      try (Connection c = pool.getConnection();
          PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO raw_claims (id, status, holder, expires_at) VALUES (?, 'IN_PROGRESS', 'h', 1)"
                      + " ON CONFLICT (id) DO NOTHING")) {
        s.setString(1, id);
        if (s.executeUpdate() != 1) {
          throw new IllegalStateException("not claimed: " + id);
        }
      }
      long t1 = System.nanoTime();
      try (Connection c = pool.getConnection();
          PreparedStatement s =
              c.prepareStatement("UPDATE raw_claims SET status = 'COMPLETED' WHERE id = ? AND holder = 'h'")) {
        s.setString(1, id);
        s.executeUpdate();
      }
      long t2 = System.nanoTime();
      claimNanos[slot] = t1 - t0;
      completeNanos[slot] = t2 - t1;
    };
  }

  private double runnerRow(SqsAsyncClient client, String name, IdempotencyStore store, double baseline)
      throws Exception {
    String queue = client.createQueue(b -> b.queueName("bench-store-" + idSeq.incrementAndGet())).join().queueUrl();
    String dlq = client.createQueue(b -> b.queueName("bench-store-dlq-" + idSeq.incrementAndGet())).join().queueUrl();
    fill(client, queue, messages, "run-" + idSeq.incrementAndGet() + "-");
    AtomicInteger handled = new AtomicInteger();
    WebhookProcessor.Builder processor = WebhookProcessor.builder().handler((w, a) -> handled.incrementAndGet());
    if (store != null) {
      processor.idempotencyStore(store);
    }
    SqsConsumerRunner runner =
        SqsConsumerRunner.builder()
            .client(client)
            .config(
                SqsConsumerConfig.builder().queueUrl(queue).deadLetterQueueUrl(dlq).pollers(4).maxInFlight(32).build())
            .processor(processor.build())
            .build();
    long start = System.nanoTime();
    runner.start();
    long lastProgress = System.nanoTime();
    int seen = 0;
    while (handled.get() < messages) {
      Thread.sleep(5);
      int now = handled.get();
      if (now != seen) {
        seen = now;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > Duration.ofSeconds(30).toNanos()) {
        runner.close();
        throw new IllegalStateException(name + ": no progress for 30 s at " + now + "/" + messages);
      }
    }
    double rate = messages / ((System.nanoTime() - start) / 1e9);
    runner.close();
    runnerRows.add(
        String.format(
            Locale.ROOT,
            "| %s | %,.0f | %s |",
            name,
            rate,
            Double.isNaN(baseline) ? "–" : String.format(Locale.ROOT, "%.2f×", rate / baseline)));
    return rate;
  }

  private static void fill(SqsAsyncClient client, String queue, int n, String prefix) {
    EnvelopeCodec codec = EnvelopeCodec.defaults();
    String body = Bodies.json(1024);
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int from = 0; from < n; from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 10); i++) {
        Webhook w =
            Webhook.builder()
                .deliveryId(prefix + i)
                .source("bench")
                .receivedAt(Instant.now())
                .headers(WebhookHeaders.builder().build())
                .contentType("application/json")
                .body(body.getBytes(StandardCharsets.UTF_8))
                .build();
        EncodedEnvelope e = codec.encode(w);
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
      sends.add(client.sendMessageBatch(b -> b.queueUrl(queue).entries(entries)));
      if (sends.size() >= 16) {
        CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).join();
        sends.clear();
      }
    }
    CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).join();
  }

  private static software.amazon.awssdk.services.dynamodb.model.CreateTableRequest createTable(String table) {
    return software.amazon.awssdk.services.dynamodb.model.CreateTableRequest.builder()
        .tableName(table)
        .keySchema(
            software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder()
                .attributeName("id")
                .keyType("HASH")
                .build())
        .attributeDefinitions(
            software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder()
                .attributeName("id")
                .attributeType("S")
                .build())
        .billingMode("PAY_PER_REQUEST")
        .build();
  }

  private static HikariDataSource pool(EmbeddedPostgres postgres, int size) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(postgres.getPostgresDatabase());
    config.setMaximumPoolSize(size);
    config.setPoolName("hookline-bench");
    return new HikariDataSource(config);
  }

  private static void createPgTable(HikariDataSource pool, String table) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      for (String statement : JdbcDialect.POSTGRESQL.createTableSql(table).split(";")) {
        if (!statement.isBlank()) {
          s.execute(statement);
        }
      }
    }
  }
}
