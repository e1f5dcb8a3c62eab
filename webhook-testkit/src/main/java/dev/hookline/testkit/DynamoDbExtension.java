package dev.hookline.testkit;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

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
 *   DYNAMODB.createTable(...); // returns once the table is ACTIVE
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

  /**
   * Creates a table and returns once it is {@code ACTIVE}. dynalite answers {@code CreateTable} with the table still
   * {@code CREATING} and activates it on a later turn of its event loop; an item call that arrives first is refused
   * with {@code ResourceNotFoundException}, so tests create tables through this method.
   *
   * @param request the table to create
   */
  public void createTable(CreateTableRequest request) {
    DynamoDbClient client = syncClient();
    client.createTable(request);
    String name = request.tableName();
    Await.until(
        java.time.Duration.ofSeconds(30),
        "table " + name + " is ACTIVE",
        () -> client.describeTable(b -> b.tableName(name)).table().tableStatus() == TableStatus.ACTIVE);
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
