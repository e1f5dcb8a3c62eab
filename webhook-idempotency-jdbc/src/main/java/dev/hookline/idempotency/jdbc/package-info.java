/**
 * An {@link dev.hookline.core.idempotency.IdempotencyStore} on one table of a SQL database reached through a
 * {@link javax.sql.DataSource}: {@link dev.hookline.idempotency.jdbc.JdbcIdempotencyStore}, with the SQL of each
 * supported database in {@link dev.hookline.idempotency.jdbc.JdbcDialect}.
 */
package dev.hookline.idempotency.jdbc;
