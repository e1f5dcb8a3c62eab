package dev.hookline.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The MySQL/MariaDB statements, checked as text: this build has no MySQL server to run them on (PostgreSQL's run
 * for real in the conformance suite).
 */
class JdbcDialectTest {

  @Test
  void mysqlClaimKeepsTheRowUnlessExpiredAndAssignsExpiryLast() {
    String sql = JdbcDialect.MYSQL.claimSql("t");
    assertThat(sql).startsWith("INSERT INTO t (id, status, holder, expires_at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY");
    // MySQL evaluates the assignments left to right: expires_at must come last, so the other two test its old value.
    assertThat(sql.indexOf("expires_at = IF")).isGreaterThan(sql.indexOf("holder = IF"));
    assertThat(sql.indexOf("holder = IF")).isGreaterThan(sql.indexOf("status = IF"));
    assertThat(sql.chars().filter(c -> c == '?').count()).isEqualTo(10);
    assertThat(sql).doesNotContain("VALUES(").doesNotContain(" AS new");
  }

  @Test
  void mysqlDdlIsCaseSensitiveForIdsAndIndexesExpiry() {
    assertThat(JdbcDialect.MYSQL.createTableSql("app.claims"))
        .contains("COLLATE utf8mb4_bin")
        .contains("INDEX claims_expires_at (expires_at)");
    assertThat(JdbcDialect.MYSQL.deleteExpiredSql("t")).isEqualTo("DELETE FROM t WHERE expires_at <= ? LIMIT ?");
  }

  @Test
  void postgresqlStatements() {
    assertThat(JdbcDialect.POSTGRESQL.claimSql("t")).contains("ON CONFLICT (id) DO UPDATE").endsWith("WHERE t.expires_at <= ? RETURNING holder");
    assertThat(JdbcDialect.POSTGRESQL.createTableSql("s.t")).contains("CREATE INDEX IF NOT EXISTS t_expires_at ON s.t");
  }

  @Test
  void dialectFromTheProductName() {
    assertThat(JdbcDialect.forProductName("PostgreSQL")).contains(JdbcDialect.POSTGRESQL);
    assertThat(JdbcDialect.forProductName("MySQL")).contains(JdbcDialect.MYSQL);
    assertThat(JdbcDialect.forProductName("MariaDB")).contains(JdbcDialect.MYSQL);
    assertThat(JdbcDialect.forProductName("H2")).isEqualTo(Optional.empty());
  }
}
