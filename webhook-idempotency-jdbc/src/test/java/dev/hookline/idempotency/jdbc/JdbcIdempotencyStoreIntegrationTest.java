package dev.hookline.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.hookline.core.HooklineException;
import dev.hookline.core.idempotency.Claim;
import dev.hookline.testkit.MutableClock;
import dev.hookline.testkit.PostgresExtension;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcIdempotencyStoreIntegrationTest {

  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final Duration TTL = Duration.ofMinutes(1);
  private static HikariDataSource pool;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private String table;

  @BeforeAll
  static void database() {
    pool = PostgresTables.pool(POSTGRES.newDatabase("store"), 4);
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  @BeforeEach
  void newTable() {
    table = "claims_" + TABLES.incrementAndGet();
    PostgresTables.create(pool, table);
  }

  private JdbcIdempotencyStore.Builder store() {
    return JdbcIdempotencyStore.builder().dataSource(pool).tableName(table).clock(clock);
  }

  private int rows() throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + table);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getInt(1);
    }
  }

  @Test
  void startDetectsPostgresqlAndAMissingTableIsReportedWithItsDdl() {
    JdbcIdempotencyStore store = store().build();
    store.start();
    assertThat(store.toString()).contains("dialect=POSTGRESQL");

    JdbcIdempotencyStore missing = store().tableName("no_such_table").build();
    assertThatThrownBy(missing::start)
        .isInstanceOfSatisfying(HooklineException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("Table 'no_such_table' does not exist")
        .hasMessageContaining("CREATE TABLE IF NOT EXISTS no_such_table");
    assertThatThrownBy(() -> missing.claim("d-1", TTL)).hasMessageContaining("'no_such_table' does not exist");
  }

  @Test
  void deleteExpiredRemovesOnlyExpiredRowsInBoundedBatches() throws SQLException {
    JdbcIdempotencyStore store = store().cleanupBatchSize(7).retention(Duration.ofHours(1)).build();
    for (int i = 0; i < 23; i++) {
      store.complete((Claim.Acquired) store.claim("old-" + i, TTL));
    }
    store.claim("dead-holder", TTL);
    clock.advance(Duration.ofMinutes(30));
    Claim.Acquired live = (Claim.Acquired) store.claim("live", Duration.ofHours(2));
    store.complete((Claim.Acquired) store.claim("recent", TTL));
    clock.advance(Duration.ofMinutes(31)); // the 23 completions and the dead claim have expired; two rows have not

    assertThat(store.deleteExpired()).isEqualTo(24);
    assertThat(rows()).isEqualTo(2);
    assertThat(store.deleteExpired()).isZero();
    assertThat(store.claim("recent", TTL)).isEqualTo(new Claim.Done("recent"));
    assertThat(store.complete(live)).isTrue();
  }

  @Test
  void connectionsWithAutoCommitOffAreCommittedByTheStore() throws SQLException {
    try (HikariDataSource manual = PostgresTables.pool(pool, 2, false)) {
      JdbcIdempotencyStore store = store().dataSource(manual).build();
      Claim.Acquired claim = (Claim.Acquired) store.claim("d-1", TTL);
      assertThat(store.complete(claim)).isTrue();
    }
    assertThat(store().build().claim("d-1", TTL)).isEqualTo(new Claim.Done("d-1"));
  }

  @Test
  void transientConnectionFailuresAreRetriedWithinTheBudgetAndThenReportedAsRetryable() {
    FlakyDataSource flaky = new FlakyDataSource(pool, 3);
    JdbcIdempotencyStore store = store().dataSource(flaky).build();
    assertThat(store.claim("d-1", TTL).isAcquired()).isTrue();
    assertThat(flaky.calls.get()).isEqualTo(4);

    FlakyDataSource down = new FlakyDataSource(pool, Integer.MAX_VALUE);
    JdbcIdempotencyStore failing = store().dataSource(down).retryBudget(Duration.ofMillis(200)).build();
    assertThatThrownBy(() -> failing.claim("d-2", TTL))
        .isInstanceOfSatisfying(HooklineException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("budget");
    assertThat(down.calls.get()).isGreaterThan(1);
  }

  @Test
  void builderValidationNamesTheField() {
    assertThatThrownBy(() -> JdbcIdempotencyStore.builder().build()).hasMessageStartingWith("dataSource");
    assertThatThrownBy(() -> store().tableName("x; DROP TABLE y").build()).hasMessageStartingWith("tableName");
    assertThatThrownBy(() -> store().retention(Duration.ZERO).build()).hasMessageStartingWith("retention");
    assertThatThrownBy(() -> store().retryBudget(Duration.ZERO).build()).hasMessageStartingWith("retryBudget");
    assertThatThrownBy(() -> store().cleanupBatchSize(0).build()).hasMessageStartingWith("cleanupBatchSize");
    assertThat(store().tableName("public.claims").build().tableName()).isEqualTo("public.claims");
  }

  /** A data source whose first {@code failures} connections fail as an exhausted pool's do. */
  private static final class FlakyDataSource implements DataSource {
    final DataSource delegate;
    final int failures;
    final AtomicInteger calls = new AtomicInteger();

    FlakyDataSource(DataSource delegate, int failures) {
      this.delegate = delegate;
      this.failures = failures;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (calls.incrementAndGet() <= failures) {
        throw new SQLTransientConnectionException("Connection is not available, request timed out", "08001");
      }
      return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
