package dev.hookline.idempotency.dynamodb;

import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.testkit.DynamoDbExtension;
import dev.hookline.testkit.IdempotencyStoreContract;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite against dynalite: every holder is its own store instance on one table per test. */
class DynamoDbIdempotencyStoreConformanceTest extends IdempotencyStoreContract {

  @RegisterExtension static final DynamoDbExtension DYNAMODB = new DynamoDbExtension();

  private String table;

  @BeforeEach
  void newTable() {
    table = DYNAMODB.uniqueTableName("conformance");
    // dynalite has no UpdateTimeToLive, so the table is made without the provisioner's TTL step.
    DYNAMODB.createTable(IdempotencyTableProvisioner.createTableRequest(table));
  }

  @Override
  protected IdempotencyStore holder(Clock clock) {
    return DynamoDbIdempotencyStore.builder()
        .client(DYNAMODB.asyncClient())
        .tableName(table)
        .clock(clock)
        .retention(RETENTION)
        .build();
  }
}
