package dev.hookline.idempotency.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Test helpers: a small pool on a test database, and a table made from the dialect's own DDL. */
final class PostgresTables {

  private PostgresTables() {}

  static HikariDataSource pool(DataSource database, int size) {
    return pool(database, size, true);
  }

  static HikariDataSource pool(DataSource database, int size, boolean autoCommit) {
    HikariConfig config = new HikariConfig();
    config.setAutoCommit(autoCommit);
    config.setDataSource(database);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.setPoolName("hookline-test-pool");
    return new HikariDataSource(config);
  }

  static void create(DataSource dataSource, String table) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String statement : JdbcDialect.POSTGRESQL.createTableSql(table).split(";")) {
        if (!statement.isBlank()) {
          s.execute(statement);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
