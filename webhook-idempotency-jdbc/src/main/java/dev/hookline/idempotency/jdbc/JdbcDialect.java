package dev.hookline.idempotency.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * The SQL that differs between databases: the atomic "insert, or take over an expired row" of a claim, the batched
 * delete of expired rows, and the table's DDL. Everything else the store runs is portable SQL.
 *
 * <p>Thread-safety: immutable.
 */
public enum JdbcDialect {

  /** PostgreSQL 9.5 or later: {@code INSERT … ON CONFLICT (id) DO UPDATE … WHERE}. */
  POSTGRESQL {
    @Override
    String claimSql(String table) {
      return "INSERT INTO " + table + " (id, status, holder, expires_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, holder = EXCLUDED.holder,"
          + " expires_at = EXCLUDED.expires_at WHERE " + table + ".expires_at <= ? RETURNING holder";
    }

    @Override
    boolean claimReturnsHolder() {
      return true;
    }

    @Override
    void bindClaim(PreparedStatement s, String id, String holder, long expiresAt, long now) throws SQLException {
      s.setString(1, id);
      s.setString(2, JdbcIdempotencyStore.IN_PROGRESS);
      s.setString(3, holder);
      s.setLong(4, expiresAt);
      s.setLong(5, now);
    }

    @Override
    String deleteExpiredSql(String table) {
      return "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table + " WHERE expires_at <= ? LIMIT ?)";
    }

    @Override
    public String createTableSql(String table) {
      return "CREATE TABLE IF NOT EXISTS " + table + " (\n"
          + "  id         VARCHAR(255) NOT NULL PRIMARY KEY,\n"
          + "  status     VARCHAR(16)  NOT NULL,\n"
          + "  holder     VARCHAR(64)  NOT NULL,\n"
          + "  expires_at BIGINT       NOT NULL\n"
          + ");\n"
          + "CREATE INDEX IF NOT EXISTS " + indexName(table) + " ON " + table + " (expires_at);\n";
    }
  },

  /**
   * MySQL 5.7 or later and MariaDB 10.3 or later: {@code INSERT … ON DUPLICATE KEY UPDATE} whose assignments each
   * keep the old value unless the row has expired ({@code expires_at} assigned last, since MySQL evaluates them in
   * order), and {@code DELETE … LIMIT}. The id column is binary-collated: delivery ids are case-sensitive.
   */
  MYSQL {
    @Override
    String claimSql(String table) {
      return "INSERT INTO " + table + " (id, status, holder, expires_at) VALUES (?, ?, ?, ?)"
          + " ON DUPLICATE KEY UPDATE"
          + " status = IF(expires_at <= ?, ?, status),"
          + " holder = IF(expires_at <= ?, ?, holder),"
          + " expires_at = IF(expires_at <= ?, ?, expires_at)";
    }

    @Override
    void bindClaim(PreparedStatement s, String id, String holder, long expiresAt, long now) throws SQLException {
      s.setString(1, id);
      s.setString(2, JdbcIdempotencyStore.IN_PROGRESS);
      s.setString(3, holder);
      s.setLong(4, expiresAt);
      s.setLong(5, now);
      s.setString(6, JdbcIdempotencyStore.IN_PROGRESS);
      s.setLong(7, now);
      s.setString(8, holder);
      s.setLong(9, now);
      s.setLong(10, expiresAt);
    }

    @Override
    String deleteExpiredSql(String table) {
      return "DELETE FROM " + table + " WHERE expires_at <= ? LIMIT ?";
    }

    @Override
    public String createTableSql(String table) {
      return "CREATE TABLE IF NOT EXISTS " + table + " (\n"
          + "  id         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,\n"
          + "  status     VARCHAR(16)  NOT NULL,\n"
          + "  holder     VARCHAR(64)  NOT NULL,\n"
          + "  expires_at BIGINT       NOT NULL,\n"
          + "  INDEX " + indexName(table) + " (expires_at)\n"
          + ") ENGINE=InnoDB;\n";
    }
  };

  /**
   * Returns the claim statement: inserts the row, or overwrites it when its {@code expires_at} has passed, and
   * otherwise leaves it as it is. Bound by {@link #bindClaim}.
   */
  abstract String claimSql(String table);

  /**
   * Whether {@link #claimSql} is a query returning the row's holder when it inserted or took over the row (one round
   * trip when the claim is won); otherwise the store reads the row back.
   */
  boolean claimReturnsHolder() {
    return false;
  }

  /** Binds {@link #claimSql}'s parameters. */
  abstract void bindClaim(PreparedStatement s, String id, String holder, long expiresAt, long now)
      throws SQLException;

  /** Returns the statement deleting at most {@code ?2} rows whose {@code expires_at <= ?1}. */
  abstract String deleteExpiredSql(String table);

  /**
   * Returns the DDL that creates the store's table and its index on {@code expires_at} (for the batched clean-up),
   * as statements separated by {@code ;} and new lines. Run it with your migration tool; the store never creates
   * tables.
   *
   * @param table the table name
   * @return the DDL
   */
  public abstract String createTableSql(String table);

  /** The index on {@code expires_at}: named after the table, without its schema (index names are unqualified). */
  static String indexName(String table) {
    return table.substring(table.indexOf('.') + 1) + "_expires_at";
  }

  /**
   * Picks the dialect from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}.
   *
   * @param productName the product name, for example {@code PostgreSQL}, {@code MySQL} or {@code MariaDB}
   * @return the dialect, or empty for another database
   */
  public static Optional<JdbcDialect> forProductName(String productName) {
    String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
    if (name.contains("postgresql")) {
      return Optional.of(POSTGRESQL);
    }
    if (name.contains("mysql") || name.contains("mariadb")) {
      return Optional.of(MYSQL);
    }
    return Optional.empty();
  }
}
