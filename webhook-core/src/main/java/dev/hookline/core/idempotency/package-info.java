/** Skipping deliveries that were already handled: the {@link dev.hookline.core.idempotency.IdempotencyStore} port and
 * a bounded in-memory store. */
package dev.hookline.core.idempotency;
