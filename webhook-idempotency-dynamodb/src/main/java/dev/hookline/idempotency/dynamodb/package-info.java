/**
 * An {@link dev.hookline.core.idempotency.IdempotencyStore} on Amazon DynamoDB, shared by every consumer of a fleet
 * ({@link dev.hookline.idempotency.dynamodb.DynamoDbIdempotencyStore}), and the provisioner of its table
 * ({@link dev.hookline.idempotency.dynamodb.IdempotencyTableProvisioner}).
 */
package dev.hookline.idempotency.dynamodb;
