package dev.hookline.testkit;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * JUnit 5 extension that gives a test class a dynalite server ({@link EmbeddedDynamoDb}) and SDK clients pointed at
 * it.
 *
 * <p>The server starts once per JVM (the first class that uses the extension starts it; JUnit stops it after the
 * last test). Table names from {@link #uniqueTableName} never repeat, so test classes never see each other's items.
 * When dynalite is not installed, the first test fails with a message saying to run {@code npm ci}.
 *
 * <pre>{@code
 * @RegisterExtension static final DynamoDbExtension DYNAMODB = new DynamoDbExtension();
 *
 * @Test void stores() {
 *   String table = DYNAMODB.uniqueTableName("claims");
 *   DYNAMODB.syncClient().createTable(...);
 * }
 * }</pre>
 *
 * <p>Thread-safety: the accessors are thread-safe after {@code beforeAll}.
 */
public final class DynamoDbExtension implements BeforeAllCallback {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private volatile Shared shared;

  /** Creates the extension; register it with {@code @RegisterExtension} on a static field. */
  public DynamoDbExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
    shared = store.getOrComputeIfAbsent(Shared.class, k -> new Shared(), Shared.class);
  }

  private Shared shared() {
    Shared s = shared;
    if (s == null) {
      throw new IllegalStateException("DynamoDbExtension is not started: register it on a static field");
    }
    return s;
  }

  /** Returns the running server. */
  public EmbeddedDynamoDb server() {
    return shared().server;
  }

  /** Returns a shared async client pointed at the server; do not close it. */
  public DynamoDbAsyncClient asyncClient() {
    return shared().async;
  }

  /** Returns a shared sync client pointed at the server; do not close it. */
  public DynamoDbClient syncClient() {
    return shared().sync;
  }

  /**
   * Returns a table name that starts with {@code prefix} and is unique in this JVM.
   *
   * @param prefix a readable prefix
   * @return the name
   */
  public String uniqueTableName(String prefix) {
    return prefix + "-" + COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The per-JVM server and clients; JUnit (5.13+) closes {@link AutoCloseable} store values with the root context. */
  private static final class Shared implements AutoCloseable {
    final EmbeddedDynamoDb server = EmbeddedDynamoDb.start();
    final DynamoDbAsyncClient async = server.newAsyncClient();
    final DynamoDbClient sync = server.newSyncClient();

    @Override
    public void close() {
      async.close();
      sync.close();
      server.close();
    }
  }
}
