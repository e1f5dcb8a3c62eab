package dev.hookline.idempotency.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.testkit.IdempotencyStoreContract;
import dev.hookline.testkit.PostgresExtension;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite against a real PostgreSQL: every holder is its own store on one table per test. */
class JdbcIdempotencyStoreConformanceTest extends IdempotencyStoreContract {

  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static HikariDataSource pool;

  private String table;

  @BeforeAll
  static void database() {
    pool = PostgresTables.pool(POSTGRES.newDatabase("conformance"), RACERS + 2);
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

  @Override
  protected IdempotencyStore holder(Clock clock) {
    return JdbcIdempotencyStore.builder()
        .dataSource(pool)
        .tableName(table)
        .clock(clock)
        .retention(RETENTION)
        .build();
  }
}
