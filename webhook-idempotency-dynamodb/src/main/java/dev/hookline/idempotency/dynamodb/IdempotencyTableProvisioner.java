package dev.hookline.idempotency.dynamodb;

import dev.hookline.core.HooklineException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * Creates the table a {@link DynamoDbIdempotencyStore} needs, if missing: partition key {@code id} (string),
 * on-demand capacity, and TTL on the {@code ttl} attribute. Idempotent: an existing table is checked (its key must
 * match) and its TTL turned on if it is off. The same as {@code hookline idempotency ensure-table}.
 *
 * <pre>{@code
 * IdempotencyTableProvisioner.Result r = IdempotencyTableProvisioner.builder()
 *     .client(dynamoDbClient)
 *     .tableName("hookline-idempotency")
 *     .build()
 *     .provision();
 * }</pre>
 *
 * <p>IAM: {@code dynamodb:DescribeTable}, {@code CreateTable}, {@code DescribeTimeToLive} and
 * {@code UpdateTimeToLive}. Thread-safety: immutable; {@link #provision()} may be called from any thread. The client
 * is yours.
 */
public final class IdempotencyTableProvisioner {

  private static final Logger log = LoggerFactory.getLogger(IdempotencyTableProvisioner.class);

  /** How long {@link #provision()} waits for a new table to become active. */
  private static final Duration ACTIVE_TIMEOUT = Duration.ofMinutes(5);

  private final DynamoDbClient client;
  private final String tableName;

  private IdempotencyTableProvisioner(Builder b) {
    this.client = b.client;
    this.tableName = b.tableName;
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
   * What {@link #provision()} did.
   *
   * @param tableName the table
   * @param created whether the table was created now
   * @param ttlEnabled whether TTL was turned on now (false when it already was)
   */
  public record Result(String tableName, boolean created, boolean ttlEnabled) {}

  /**
   * Ensures the table exists with the store's key, is active, and has TTL on {@code ttl}.
   *
   * @return what was done
   * @throws HooklineException when the existing table's key differs or its TTL is on another attribute (DynamoDB
   *     allows one), not retryable; AWS SDK exceptions propagate
   */
  public Result provision() {
    boolean created = false;
    TableDescription table;
    try {
      table = client.describeTable(b -> b.tableName(tableName)).table();
    } catch (ResourceNotFoundException missing) {
      try {
        client.createTable(createTableRequest(tableName));
        created = true;
        log.info("Created the DynamoDB idempotency table. table={}", tableName);
      } catch (ResourceInUseException raced) {
        // Someone else created it meanwhile: fine.
      }
      try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(client).build()) {
        waiter.waitUntilTableExists(
            b -> b.tableName(tableName), o -> o.waitTimeout(ACTIVE_TIMEOUT));
      }
      table = client.describeTable(b -> b.tableName(tableName)).table();
    }
    checkKey(table);
    boolean ttlEnabled = ensureTtl();
    return new Result(tableName, created, ttlEnabled);
  }

  private void checkKey(TableDescription table) {
    boolean ok =
        table.keySchema().size() == 1
            && table.keySchema().get(0).keyType() == KeyType.HASH
            && ItemSchema.ID.equals(table.keySchema().get(0).attributeName())
            && table.attributeDefinitions().stream()
                .anyMatch(d -> ItemSchema.ID.equals(d.attributeName()) && d.attributeType() == ScalarAttributeType.S);
    if (!ok) {
      throw new HooklineException(
          "DynamoDB table '" + tableName + "' exists with another key " + table.keySchema()
              + "; the idempotency store needs the partition key 'id' (S) and no sort key",
          false);
    }
  }

  /** Turns TTL on for the {@code ttl} attribute unless it is on (or being turned on) already. */
  private boolean ensureTtl() {
    TimeToLiveDescription ttl =
        client.describeTimeToLive(b -> b.tableName(tableName)).timeToLiveDescription();
    TimeToLiveStatus status = ttl == null ? null : ttl.timeToLiveStatus();
    boolean on = status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
    if (on && ItemSchema.TTL.equals(ttl.attributeName())) {
      return false;
    }
    if (on) {
      throw new HooklineException(
          "DynamoDB table '" + tableName + "' has TTL on attribute '" + ttl.attributeName()
              + "'; the idempotency store writes its expiry to '" + ItemSchema.TTL + "'",
          false);
    }
    client.updateTimeToLive(
        b ->
            b.tableName(tableName)
                .timeToLiveSpecification(s -> s.attributeName(ItemSchema.TTL).enabled(true)));
    log.info("Turned on TTL for the DynamoDB idempotency table. table={} attribute={}", tableName, ItemSchema.TTL);
    return true;
  }

  /** The table as the store needs it: {@code id} (S) as the partition key, on-demand capacity. */
  static CreateTableRequest createTableRequest(String tableName) {
    return CreateTableRequest.builder()
        .tableName(tableName)
        .keySchema(KeySchemaElement.builder().attributeName(ItemSchema.ID).keyType(KeyType.HASH).build())
        .attributeDefinitions(
            AttributeDefinition.builder()
                .attributeName(ItemSchema.ID)
                .attributeType(ScalarAttributeType.S)
                .build())
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .build();
  }

  @Override
  public String toString() {
    return "IdempotencyTableProvisioner{table=" + tableName + '}';
  }

  /**
   * Builds an {@link IdempotencyTableProvisioner}. Not thread-safe; setters only record and {@link #build()}
   * validates.
   */
  public static final class Builder {
    private DynamoDbClient client;
    private String tableName;

    private Builder() {}

    /**
     * Sets the DynamoDB client. Required; yours.
     *
     * @param client the client
     * @return this builder
     */
    public Builder client(DynamoDbClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the table's name. Required.
     *
     * @param tableName 3 to 255 characters of letters, digits, {@code _}, {@code -} and {@code .}
     * @return this builder
     */
    public Builder tableName(String tableName) {
      this.tableName = Objects.requireNonNull(tableName, "tableName");
      return this;
    }

    /**
     * Returns the provisioner.
     *
     * @return the provisioner
     * @throws IllegalArgumentException naming the missing or invalid field
     */
    public IdempotencyTableProvisioner build() {
      if (client == null) {
        throw new IllegalArgumentException("client must be set");
      }
      ItemSchema.checkTableName(tableName);
      return new IdempotencyTableProvisioner(this);
    }
  }
}
