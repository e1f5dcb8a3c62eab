package dev.hookline.idempotency.jdbc;

import dev.hookline.core.HooklineException;
import dev.hookline.core.idempotency.Claim;
import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.core.internal.FreshRandom;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.Jitter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IdempotencyStore} on one table of a SQL database, shared by every consumer that uses the same database:
 * for teams whose system of record is SQL. PostgreSQL, MySQL and MariaDB are supported ({@link JdbcDialect}).
 *
 * <p>The table (DDL from {@link JdbcDialect#createTableSql}; the store never creates it) has one row per delivery
 * id: {@code id}, {@code status} ({@code IN_PROGRESS} or {@code COMPLETED}), {@code holder} (the claim's token) and
 * {@code expires_at} (epoch milliseconds, from the store's {@link Builder#clock clock}).
 *
 * <ul>
 *   <li><b>claim</b> — one upsert that inserts the row or takes over an expired one and otherwise changes nothing;
 *       the row is this claim's when it carries this claim's holder token (PostgreSQL returns it from the upsert,
 *       MySQL and MariaDB read it back), and when it is another's, the read tells done from in progress.
 *   <li><b>complete</b> — {@code UPDATE … WHERE id = ? AND holder = ? AND status = 'IN_PROGRESS'}, setting the
 *       retention expiry.
 *   <li><b>release</b> — {@code DELETE} on the same condition.
 *   <li><b>clean-up</b> — {@link #deleteExpired()} deletes expired rows in bounded batches; schedule it (for example
 *       hourly). Expired rows never count, so the clean-up only keeps the table small.
 * </ul>
 *
 * <p>Each statement runs on its own connection from the data source and is committed at once (the store commits
 * itself if the pool hands out connections with auto-commit off). Transient failures (a deadlock, a lost
 * connection; SQL states {@code 08}, {@code 40}) are retried with an exponential backoff with full jitter within
 * the {@link Builder#retryBudget retry budget}; then, as for any other database error, a
 * {@link HooklineException} is thrown and the processor retries the message later. A missing table is reported
 * with its name and the DDL to create it.
 *
 * <pre>{@code
 * JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().dataSource(pooledDataSource).build();
 * store.start(); // detects the dialect and checks the table
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; each call blocks its thread for its statements. The data source is yours: the
 * store never closes it.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {

  private static final Logger log = LoggerFactory.getLogger(JdbcIdempotencyStore.class);

  /** The default table name. */
  public static final String DEFAULT_TABLE_NAME = "hookline_idempotency";

  /** Default time a completed id is remembered: 7 days. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  /** Default time budget of one store call, retries included: 2 seconds. */
  public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofSeconds(2);

  /** Default number of rows one clean-up statement deletes. */
  public static final int DEFAULT_CLEANUP_BATCH_SIZE = 1_000;

  static final String IN_PROGRESS = "IN_PROGRESS";
  static final String COMPLETED = "COMPLETED";

  /** Rounds of upsert-then-read a claim makes when the row changes under it; each change is progress elsewhere. */
  private static final int CLAIM_ROUNDS = 5;

  private final DataSource dataSource;
  private final String table;
  private final Duration retention;
  private final Duration retryBudget;
  private final int cleanupBatchSize;
  private final Clock clock;
  private final Backoff backoff;
  private volatile JdbcDialect dialect;

  private JdbcIdempotencyStore(Builder b) {
    this.dataSource = b.dataSource;
    this.table = b.tableName;
    this.retention = b.retention;
    this.retryBudget = b.retryBudget;
    this.cleanupBatchSize = b.cleanupBatchSize;
    this.clock = b.clock;
    this.dialect = b.dialect;
    this.backoff =
        Backoff.exponential(
            Duration.ofMillis(20),
            2.0,
            Duration.ofMillis(500),
            Jitter.FULL,
            b.random != null ? b.random : new FreshRandom());
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Detects the dialect (unless set) and checks that the table exists. Optional: the first call does both. Call it
   * at start-up so a missing table fails the deploy instead of the first webhook.
   *
   * @throws HooklineException when the table is missing (the message holds its DDL) or the database cannot be
   *     reached within the retry budget
   */
  public void start() {
    run(
        "check table",
        c -> {
          dialect(c);
          try (PreparedStatement s = c.prepareStatement("SELECT id FROM " + table + " WHERE 1 = 0");
              ResultSet r = s.executeQuery()) {
            return r.next();
          }
        });
    log.info("JDBC idempotency table ready. table={} dialect={}", table, dialect);
  }

  /** Returns the dialect, detecting it on the first call when it was not set. */
  private JdbcDialect dialect(Connection c) throws SQLException {
    JdbcDialect d = dialect;
    if (d == null) {
      String product = c.getMetaData().getDatabaseProductName();
      d =
          JdbcDialect.forProductName(product)
              .orElseThrow(
                  () ->
                      new HooklineException(
                          "No JDBC dialect for database '" + product + "': set one with JdbcIdempotencyStore.Builder"
                              + ".dialect(..), or use PostgreSQL, MySQL or MariaDB",
                          false));
      dialect = d;
    }
    return d;
  }

  @Override
  public Claim claim(String id, Duration ttl) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    String holder = UUID.randomUUID().toString();
    return run(
        "claim",
        c -> {
          JdbcDialect d = dialect(c);
          for (int round = 0; round < CLAIM_ROUNDS; round++) {
            Instant now = clock.instant();
            Instant expiresAt = now.plus(ttl);
            boolean won = false;
            try (PreparedStatement s = c.prepareStatement(d.claimSql(table))) {
              d.bindClaim(s, id, holder, expiresAt.toEpochMilli(), now.toEpochMilli());
              if (d.claimReturnsHolder()) {
                try (ResultSet r = s.executeQuery()) {
                  won = r.next() && holder.equals(r.getString(1));
                }
              } else {
                s.executeUpdate();
              }
            }
            commit(c);
            if (won) {
              return new Claim.Acquired(id, holder, expiresAt);
            }
            Optional<Row> row = read(c, id);
            if (row.isEmpty() || !row.get().expiresAt.isAfter(now)) {
              continue; // released, cleaned up or lapsed meanwhile: claim again
            }
            Row existing = row.get();
            if (holder.equals(existing.holder) && IN_PROGRESS.equals(existing.status)) {
              return new Claim.Acquired(id, holder, existing.expiresAt);
            }
            if (COMPLETED.equals(existing.status)) {
              return new Claim.Done(id);
            }
            return new Claim.InProgress(id, Duration.between(now, existing.expiresAt));
          }
          throw new HooklineException(
              "Claim of a delivery id in table '" + table + "' kept changing under " + CLAIM_ROUNDS + " tries", true);
        });
  }

  @Override
  public boolean complete(Claim.Acquired claim) {
    Objects.requireNonNull(claim, "claim");
    return run(
        "complete",
        c -> {
          long forgetAt = clock.instant().plus(retention).toEpochMilli();
          int updated;
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE " + table + " SET status = ?, expires_at = ? WHERE id = ? AND holder = ? AND status = ?")) {
            s.setString(1, COMPLETED);
            s.setLong(2, forgetAt);
            s.setString(3, claim.id());
            s.setString(4, claim.holder());
            s.setString(5, IN_PROGRESS);
            updated = s.executeUpdate();
          }
          commit(c);
          if (updated > 0) {
            return true;
          }
          // Completed by this holder already (a retry after a lost answer), or no longer ours.
          return read(c, claim.id())
              .filter(r -> claim.holder().equals(r.holder) && COMPLETED.equals(r.status))
              .isPresent();
        });
  }

  @Override
  public boolean release(Claim.Acquired claim) {
    Objects.requireNonNull(claim, "claim");
    return run(
        "release",
        c -> {
          int deleted;
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM " + table + " WHERE id = ? AND holder = ? AND status = ?")) {
            s.setString(1, claim.id());
            s.setString(2, claim.holder());
            s.setString(3, IN_PROGRESS);
            deleted = s.executeUpdate();
          }
          commit(c);
          return deleted > 0;
        });
  }

  /**
   * Deletes the rows that have expired (completions past their retention, claims past their ttl), in statements
   * of at most {@link Builder#cleanupBatchSize} rows each, each committed on its own, until a statement deletes
   * fewer. Expired rows are ignored by the store either way: this only keeps the table small. Call it on a schedule
   * of your own (for example hourly, from one instance or all: batches from several callers do not conflict).
   *
   * @return how many rows were deleted
   * @throws HooklineException when the database fails; the rows deleted so far stay deleted
   */
  public long deleteExpired() {
    long total = 0;
    while (true) {
      int deleted =
          run(
              "delete expired",
              c -> {
                int n;
                try (PreparedStatement s = c.prepareStatement(dialect(c).deleteExpiredSql(table))) {
                  s.setLong(1, clock.instant().toEpochMilli());
                  s.setInt(2, cleanupBatchSize);
                  n = s.executeUpdate();
                }
                commit(c);
                return n;
              });
      total += deleted;
      if (deleted < cleanupBatchSize) {
        log.debug("Deleted expired idempotency rows. table={} rows={}", table, total);
        return total;
      }
    }
  }

  private Optional<Row> read(Connection c, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT status, holder, expires_at FROM " + table + " WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        Optional<Row> row =
            r.next()
                ? Optional.of(new Row(r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3))))
                : Optional.empty();
        commit(c);
        return row;
      }
    }
  }

  private static void commit(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private record Row(String status, String holder, Instant expiresAt) {}

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on a fresh connection; transient failures are tried again within the budget. */
  private <T> T run(String operation, Work<T> work) {
    long deadline = System.nanoTime() + retryBudget.toNanos();
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        return work.run(c);
      } catch (SQLException e) {
        if (isMissingTable(e)) {
          throw new HooklineException(
              "Table '" + table + "' does not exist; create it (" + dialectName() + "):\n"
                  + (dialect != null ? dialect.createTableSql(table) : JdbcDialect.POSTGRESQL.createTableSql(table)),
              e,
              false);
        }
        boolean transientFailure = isTransient(e);
        Duration wait = backoff.delay(attempt);
        if (!transientFailure || System.nanoTime() + wait.toNanos() >= deadline) {
          throw new HooklineException(
              "Idempotency " + operation + " in table '" + table + "' failed"
                  + (transientFailure ? " within its " + retryBudget + " budget after " + attempt + " attempt(s)" : "")
                  + ": " + e.getMessage(),
              e,
              transientFailure || e.getSQLState() == null);
        }
        sleep(wait);
      }
    }
  }

  private String dialectName() {
    return dialect == null ? "PostgreSQL shown; see JdbcDialect for others" : dialect.name();
  }

  private static void sleep(Duration wait) {
    try {
      TimeUnit.NANOSECONDS.sleep(wait.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HooklineException("Interrupted while retrying an idempotency call", e, true);
    }
  }

  /** A deadlock, a serialization failure, a lost connection: the same statement may work on another try. */
  static boolean isTransient(SQLException e) {
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
      return true;
    }
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("40"));
  }

  /** PostgreSQL's {@code 42P01} and MySQL's {@code 42S02}: undefined table. */
  static boolean isMissingTable(SQLException e) {
    String state = e.getSQLState();
    return "42P01".equals(state) || "42S02".equals(state);
  }

  /** Returns the table's name. */
  public String tableName() {
    return table;
  }

  @Override
  public String toString() {
    return "JdbcIdempotencyStore{table=" + table + ", dialect=" + dialect + ", retention=" + retention + '}';
  }

  /** Builds a {@link JdbcIdempotencyStore}. Not thread-safe; setters only record and {@link #build()} validates. */
  public static final class Builder {
    private DataSource dataSource;
    private String tableName = DEFAULT_TABLE_NAME;
    private JdbcDialect dialect;
    private Duration retention = DEFAULT_RETENTION;
    private Duration retryBudget = DEFAULT_RETRY_BUDGET;
    private int cleanupBatchSize = DEFAULT_CLEANUP_BATCH_SIZE;
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random;

    private Builder() {}

    /**
     * Sets the data source. Required; yours: the store never closes it. Use a pool (HikariCP, your framework's):
     * every store call takes a connection.
     *
     * @param dataSource the data source
     * @return this builder
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * Sets the table's name, optionally schema-qualified. Default {@value JdbcIdempotencyStore#DEFAULT_TABLE_NAME}.
     *
     * @param tableName letters, digits and {@code _}, with at most one {@code .}
     * @return this builder
     */
    public Builder tableName(String tableName) {
      this.tableName = Objects.requireNonNull(tableName, "tableName");
      return this;
    }

    /**
     * Sets the dialect. Default: detected from the database's product name on the first call.
     *
     * @param dialect the dialect
     * @return this builder
     */
    public Builder dialect(JdbcDialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Sets how long a completed id is remembered. Default 7 days; set it to at least how long senders keep retrying
     * plus your queue's retention.
     *
     * @param retention positive
     * @return this builder
     */
    public Builder retention(Duration retention) {
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /**
     * Sets how long one store call may take, retries of transient failures included. Default 2 seconds.
     *
     * @param retryBudget positive
     * @return this builder
     */
    public Builder retryBudget(Duration retryBudget) {
      this.retryBudget = Objects.requireNonNull(retryBudget, "retryBudget");
      return this;
    }

    /**
     * Sets the most rows one clean-up statement deletes. Default 1,000: short statements that hold few locks.
     *
     * @param cleanupBatchSize at least 1
     * @return this builder
     */
    public Builder cleanupBatchSize(int cleanupBatchSize) {
      this.cleanupBatchSize = cleanupBatchSize;
      return this;
    }

    /**
     * Sets the clock that expiry instants come from. Default {@link Clock#systemUTC()}. Keep every consumer's clock
     * synchronized (NTP): a skew of {@code s} moves expiry by {@code s}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the source of the retry backoff's jitter. Default: a generator seeded from {@code SecureRandom} at its
     * first draw (so Lambda SnapStart environments restored from one snapshot draw differently); tests pass a seeded one.
     *
     * @param random the generator; used under a lock, so it need not be thread-safe
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Returns the store.
     *
     * @return the store
     * @throws IllegalArgumentException naming the missing or invalid field
     */
    public JdbcIdempotencyStore build() {
      if (dataSource == null) {
        throw new IllegalArgumentException("dataSource must be set");
      }
      // The name is put into SQL text, so only plain identifiers are allowed.
      if (!tableName.matches("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?")) {
        throw new IllegalArgumentException(
            "tableName must be an identifier of letters, digits and _ (optionally schema.table), was '"
                + tableName + "'");
      }
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be positive, was " + retention);
      }
      if (retryBudget.isNegative() || retryBudget.isZero()) {
        throw new IllegalArgumentException("retryBudget must be positive, was " + retryBudget);
      }
      if (cleanupBatchSize < 1) {
        throw new IllegalArgumentException("cleanupBatchSize must be >= 1, was " + cleanupBatchSize);
      }
      return new JdbcIdempotencyStore(this);
    }
  }
}
