package dev.hookline.fleet;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.core.idempotency.InMemoryIdempotencyStore;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.idempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.hookline.idempotency.jdbc.JdbcIdempotencyStore;
import dev.hookline.sqs.SqsConsumerConfig;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.testkit.EmbeddedDynamoDb;
import dev.hookline.testkit.EmbeddedSqs;
import java.io.FileOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * One consumer of the fleet, in its own JVM: an {@link SqsConsumerRunner} with the idempotency store named on the
 * command line, whose handler appends each delivery id it handled successfully to a log file. Each line is written
 * with one unbuffered {@code write}, so it is in the kernel before the handler returns and survives a {@code kill
 * -9}. Prints {@code started} once the runner is running; stops when its standard input closes.
 *
 * <p>Arguments: {@code sqsEndpoint queueUrl dlqUrl logFile store [storeEndpoint table]}, where store is
 * {@code memory}, {@code dynamodb} (endpoint = dynalite's) or {@code jdbc} (endpoint = a JDBC URL).
 */
public final class ConsumerProcess {

  /** How long a dead consumer's claim blocks its delivery id. */
  static final Duration CLAIM_TTL = Duration.ofSeconds(6);

  /** Visibility timeout of the fleet's queue and runners: how soon a dead consumer's messages come back. */
  static final int VISIBILITY_SECONDS = 4;

  /** Messages each consumer holds at once; a kill can leave at most this many runs without their completion. */
  static final int MAX_IN_FLIGHT = 8;

  private ConsumerProcess() {}

  /**
   * Runs a store's start-up check, again after a failure, up to 6 times: a JVM started on a machine loaded with a
   * whole build may need longer than one check's budget for its first call, as a restarted container would retry.
   */
  private static void startPatiently(Runnable start) {
    for (int i = 1; ; i++) {
      try {
        start.run();
        return;
      } catch (RuntimeException e) {
        if (i == 6) {
          throw e;
        }
        System.out.println("store start-up check failed, trying again: " + e);
      }
    }
  }

  /**
   * Runs the consumer until standard input closes.
   *
   * @param args see the class description
   * @throws Exception when it cannot start
   */
  public static void main(String[] args) throws Exception {
    URI sqsEndpoint = URI.create(args[0]);
    String queueUrl = args[1];
    String dlqUrl = args[2];
    FileOutputStream log = new FileOutputStream(args[3], true);
    String kind = args[4];
    AutoCloseable resource = () -> {};
    IdempotencyStore store;
    switch (kind) {
      case "memory" -> store = InMemoryIdempotencyStore.builder().build();
      case "dynamodb" -> {
        DynamoDbAsyncClient client = EmbeddedDynamoDb.newAsyncClient(URI.create(args[5]));
        resource = client;
        DynamoDbIdempotencyStore s = DynamoDbIdempotencyStore.builder().client(client).tableName(args[6]).build();
        startPatiently(s::start);
        store = s;
      }
      case "jdbc" -> {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[5]);
        config.setMaximumPoolSize(MAX_IN_FLIGHT);
        HikariDataSource pool = new HikariDataSource(config);
        resource = pool;
        JdbcIdempotencyStore s = JdbcIdempotencyStore.builder().dataSource(pool).tableName(args[6]).build();
        startPatiently(s::start);
        store = s;
      }
      default -> throw new IllegalArgumentException("store must be memory, dynamodb or jdbc, was " + kind);
    }
    WebhookProcessor processor =
        WebhookProcessor.builder()
            .handler(
                (webhook, attempt) -> {
                  byte[] line = (webhook.deliveryId() + "\n").getBytes(StandardCharsets.UTF_8);
                  synchronized (log) {
                    log.write(line);
                  }
                })
            .idempotencyStore(store)
            .claimTtl(CLAIM_TTL)
            .build();
    try (SqsAsyncClient sqs = EmbeddedSqs.newAsyncClient(sqsEndpoint);
        SqsConsumerRunner runner =
            SqsConsumerRunner.builder()
                .client(sqs)
                .config(
                    SqsConsumerConfig.builder()
                        .queueUrl(queueUrl)
                        .deadLetterQueueUrl(dlqUrl)
                        .maxInFlight(MAX_IN_FLIGHT)
                        .pollers(2)
                        .waitTime(Duration.ofSeconds(1))
                        .visibilityTimeout(Duration.ofSeconds(VISIBILITY_SECONDS))
                        .shutdownTimeout(Duration.ofSeconds(2))
                        .build())
                .processor(processor)
                .build()) {
      runner.start();
      System.out.println("started");
      System.out.flush();
      while (System.in.read() >= 0) {
        // run until the test closes our input
      }
    } finally {
      resource.close();
    }
    log.close();
    System.exit(0);
  }

}
