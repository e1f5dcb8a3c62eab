package dev.hookline.idempotency.dynamodb;

import static dev.hookline.idempotency.dynamodb.ItemSchema.COMPLETED;
import static dev.hookline.idempotency.dynamodb.ItemSchema.EXPIRES_AT;
import static dev.hookline.idempotency.dynamodb.ItemSchema.HOLDER;
import static dev.hookline.idempotency.dynamodb.ItemSchema.ID;
import static dev.hookline.idempotency.dynamodb.ItemSchema.IN_PROGRESS;
import static dev.hookline.idempotency.dynamodb.ItemSchema.STATUS;
import static dev.hookline.idempotency.dynamodb.ItemSchema.TTL;

import dev.hookline.core.HooklineException;
import dev.hookline.core.idempotency.Claim;
import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.core.internal.FreshRandom;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.Jitter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * An {@link IdempotencyStore} on a DynamoDB table, shared by every consumer that points at it: several service
 * instances running {@code SqsConsumerRunner}, or a Lambda function's execution environments.
 *
 * <p>One item per delivery id (the layout is in the README; {@link IdempotencyTableProvisioner} creates the table):
 *
 * <ul>
 *   <li><b>claim</b> — a {@code PutItem} on condition that no item exists or its {@code expiresAt} has passed; when
 *       the condition fails, a consistent {@code GetItem} tells {@link Claim.Done} from {@link Claim.InProgress} and
 *       how long the other claim lasts.
 *   <li><b>complete</b> — an {@code UpdateItem} on condition that the item is still in progress under this claim's
 *       holder token; it sets the retention expiry ({@code expiresAt}, and {@code ttl} for DynamoDB's TTL deletion).
 *   <li><b>release</b> — a {@code DeleteItem} on the same condition.
 * </ul>
 *
 * <p>Expiry is decided by the store from {@code expiresAt} and its {@link Builder#clock clock}, never left to TTL
 * deletion, which happens only eventually. IAM: {@code dynamodb:PutItem}, {@code GetItem}, {@code UpdateItem},
 * {@code DeleteItem} on the table, and {@code DescribeTable} for {@link #start()}.
 *
 * <p><b>Errors.</b> Throttling, 5xx answers, connection errors and calls slower than the budget are retried with
 * an exponential backoff with full jitter within the {@link Builder#retryBudget retry budget} (default 2 s); then
 * the method throws a retryable {@link HooklineException}, so the processor retries the message later (a claim that
 * fails never runs the handler). A missing table throws a non-retryable {@link HooklineException} that names the
 * table and the region, from {@link #start()} or the first call.
 *
 * <pre>{@code
 * DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.builder()
 *     .client(DynamoDbAsyncClient.create())
 *     .tableName("hookline-idempotency")
 *     .build();
 * store.start(); // fails now, not at the first webhook, if the table is missing
 * WebhookProcessor processor = WebhookProcessor.builder().handler(handler).idempotencyStore(store).build();
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; each call blocks its thread until DynamoDB answers or the budget is spent. The
 * client is yours: the store never closes it, and holds nothing else to close.
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {

  private static final Logger log = LoggerFactory.getLogger(DynamoDbIdempotencyStore.class);

  /** Default time a completed id is remembered: 7 days. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  /** Default time budget of one store call, retries included: 2 seconds. */
  public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofSeconds(2);

  /** Rounds of put-then-read a claim makes when the item changes under it; each change means progress elsewhere. */
  private static final int CLAIM_ROUNDS = 5;

  private static final String NOW = ":now";

  /** The least time {@link #start()} allows its check, retries included. */
  private static final Duration START_BUDGET = Duration.ofSeconds(10);

  private final DynamoDbAsyncClient client;
  private final String tableName;
  private final Duration retention;
  private final Duration retryBudget;
  private final Clock clock;
  private final DynamoDbCalls calls;

  private DynamoDbIdempotencyStore(Builder b) {
    this.client = b.client;
    this.tableName = b.tableName;
    this.retention = b.retention;
    this.retryBudget = b.retryBudget;
    this.clock = b.clock;
    Region region = client.serviceClientConfiguration().region();
    Backoff backoff = Backoff.exponential(
            Duration.ofMillis(20),
            2.0,
            Duration.ofMillis(500),
            Jitter.FULL,
            b.random != null ? b.random : new FreshRandom());
    this.calls = new DynamoDbCalls(tableName, region == null ? "(no region)" : region.id(), retryBudget, backoff);
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
   * Checks that the table exists and has the store's key ({@code id}, a string), with {@code DescribeTable}.
   * Optional: without it, the first claim reports a missing table. Call it at start-up (a Lambda function's INIT) so
   * a wrong table name fails the deploy instead of the first webhook.
   *
   * @throws HooklineException naming the table and the region when it does not exist, or when it cannot be checked
   *     within the retry budget (at least 10 seconds here: a new client's first call sets up its connections)
   * @throws IllegalStateException when the table's key is not {@code id} of type string
   */
  public void start() {
    TableDescription table =
        calls
            .call("DescribeTable", () -> client.describeTable(b -> b.tableName(tableName)), startBudget())
            .table();
    boolean keyOk =
        table.keySchema().size() == 1
            && table.keySchema().get(0).keyType() == KeyType.HASH
            && ID.equals(table.keySchema().get(0).attributeName())
            && table.attributeDefinitions().stream()
                .anyMatch(d -> ID.equals(d.attributeName()) && "S".equals(d.attributeTypeAsString()));
    if (!keyOk) {
      throw new IllegalStateException(
          "DynamoDB table '"
              + tableName
              + "' must have the partition key 'id' of type S and no sort key, has "
              + table.keySchema().stream().map(KeySchemaElement::toString).toList());
    }
    log.info("DynamoDB idempotency table ready. table={} status={}", tableName, table.tableStatusAsString());
  }

  /** The first call of a new client also sets up its connection pool (and TLS): give it more than a claim gets. */
  private Duration startBudget() {
    return retryBudget.compareTo(START_BUDGET) > 0 ? retryBudget : START_BUDGET;
  }

  @Override
  public Claim claim(String id, Duration ttl) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    String holder = UUID.randomUUID().toString();
    for (int round = 0; round < CLAIM_ROUNDS; round++) {
      Instant now = clock.instant();
      Instant expiresAt = now.plus(ttl);
      try {
        calls.call(
            "PutItem",
            () ->
                client.putItem(
                    b ->
                        b.tableName(tableName)
                            .item(item(id, IN_PROGRESS, holder, expiresAt))
                            .conditionExpression("attribute_not_exists(#id) OR #exp <= " + NOW)
                            .expressionAttributeNames(Map.of("#id", ID, "#exp", EXPIRES_AT))
                            .expressionAttributeValues(Map.of(NOW, millis(now)))));
        return new Claim.Acquired(id, holder, expiresAt);
      } catch (ConditionalCheckFailedException held) {
        Optional<Map<String, AttributeValue>> item = read(id);
        if (item.isEmpty()) {
          continue; // released or deleted since: claim again
        }
        Map<String, AttributeValue> existing = item.get();
        Instant existingExpiry = Instant.ofEpochMilli(Long.parseLong(existing.get(EXPIRES_AT).n()));
        if (holder.equals(existing.get(HOLDER).s()) && IN_PROGRESS.equals(existing.get(STATUS).s())) {
          // An earlier try of this same put went through (its answer was lost and it was retried).
          return new Claim.Acquired(id, holder, existingExpiry);
        }
        if (!existingExpiry.isAfter(now)) {
          continue; // it lapsed between the put and the read: claim again
        }
        if (COMPLETED.equals(existing.get(STATUS).s())) {
          return new Claim.Done(id);
        }
        return new Claim.InProgress(id, Duration.between(now, existingExpiry));
      }
    }
    throw new HooklineException(
        "DynamoDB claim of a delivery id on table '" + tableName + "' kept changing under " + CLAIM_ROUNDS + " tries",
        true);
  }

  @Override
  public boolean complete(Claim.Acquired claim) {
    Objects.requireNonNull(claim, "claim");
    Instant forgetAt = clock.instant().plus(retention);
    try {
      calls.call(
          "UpdateItem",
          () ->
              client.updateItem(
                  b ->
                      b.tableName(tableName)
                          .key(Map.of(ID, AttributeValue.fromS(claim.id())))
                          .updateExpression("SET #st = :done, #exp = :exp, #ttl = :ttl")
                          .conditionExpression("#h = :h AND #st = :progress")
                          .expressionAttributeNames(
                              Map.of("#st", STATUS, "#exp", EXPIRES_AT, "#ttl", TTL, "#h", HOLDER))
                          .expressionAttributeValues(
                              Map.of(
                                  ":done", AttributeValue.fromS(COMPLETED),
                                  ":progress", AttributeValue.fromS(IN_PROGRESS),
                                  ":exp", millis(forgetAt),
                                  ":ttl", epochSecondsRoundedUp(forgetAt),
                                  ":h", AttributeValue.fromS(claim.holder())))));
      return true;
    } catch (ConditionalCheckFailedException refused) {
      // Completed by this holder already (a retried update whose first answer was lost), or no longer ours.
      return read(claim.id())
          .filter(i -> claim.holder().equals(i.get(HOLDER).s()) && COMPLETED.equals(i.get(STATUS).s()))
          .isPresent();
    }
  }

  @Override
  public boolean release(Claim.Acquired claim) {
    Objects.requireNonNull(claim, "claim");
    try {
      calls.call(
          "DeleteItem",
          () ->
              client.deleteItem(
                  b ->
                      b.tableName(tableName)
                          .key(Map.of(ID, AttributeValue.fromS(claim.id())))
                          .conditionExpression("#h = :h AND #st = :progress")
                          .expressionAttributeNames(Map.of("#st", STATUS, "#h", HOLDER))
                          .expressionAttributeValues(
                              Map.of(
                                  ":progress", AttributeValue.fromS(IN_PROGRESS),
                                  ":h", AttributeValue.fromS(claim.holder())))));
      return true;
    } catch (ConditionalCheckFailedException refused) {
      return false;
    }
  }

  private Optional<Map<String, AttributeValue>> read(String id) {
    Map<String, AttributeValue> item =
        calls.call(
                "GetItem",
                () ->
                    client.getItem(
                        b -> b.tableName(tableName).key(Map.of(ID, AttributeValue.fromS(id))).consistentRead(true)))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  private static Map<String, AttributeValue> item(String id, String status, String holder, Instant expiresAt) {
    return Map.of(
        ID, AttributeValue.fromS(id),
        STATUS, AttributeValue.fromS(status),
        HOLDER, AttributeValue.fromS(holder),
        EXPIRES_AT, millis(expiresAt),
        TTL, epochSecondsRoundedUp(expiresAt));
  }

  private static AttributeValue millis(Instant instant) {
    return AttributeValue.fromN(Long.toString(instant.toEpochMilli()));
  }

  private static AttributeValue epochSecondsRoundedUp(Instant instant) {
    long seconds = instant.getEpochSecond() + (instant.getNano() > 0 ? 1 : 0);
    return AttributeValue.fromN(Long.toString(seconds));
  }

  /** Returns the table's name. */
  public String tableName() {
    return tableName;
  }

  @Override
  public String toString() {
    return "DynamoDbIdempotencyStore{table="
        + tableName
        + ", retention="
        + retention
        + ", retryBudget="
        + retryBudget
        + '}';
  }

  /**
   * Builds a {@link DynamoDbIdempotencyStore}. Not thread-safe; setters only record and {@link #build()} validates.
   */
  public static final class Builder {
    private DynamoDbAsyncClient client;
    private String tableName;
    private Duration retention = DEFAULT_RETENTION;
    private Duration retryBudget = DEFAULT_RETRY_BUDGET;
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random;

    private Builder() {}

    /**
     * Sets the DynamoDB client. Required; yours: the store never closes it. Its region is the table's, and its own
     * retry settings apply to each try inside the store's budget.
     *
     * @param client the client
     * @return this builder
     */
    public Builder client(DynamoDbAsyncClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the table's name. Required.
     *
     * @param tableName the name
     * @return this builder
     */
    public Builder tableName(String tableName) {
      this.tableName = Objects.requireNonNull(tableName, "tableName");
      return this;
    }

    /**
     * Sets how long a completed id is remembered. Default 7 days; set it to at least how long senders keep retrying
     * plus your queue's retention, since a duplicate arriving later is handled again.
     *
     * @param retention positive
     * @return this builder
     */
    public Builder retention(Duration retention) {
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /**
     * Sets how long one store call may take, retries of throttling and 5xx included. Default 2 seconds; past it the
     * message is retried later. Raise it when throttling is common and your handler's time allows.
     *
     * @param retryBudget positive
     * @return this builder
     */
    public Builder retryBudget(Duration retryBudget) {
      this.retryBudget = Objects.requireNonNull(retryBudget, "retryBudget");
      return this;
    }

    /**
     * Sets the clock that claim and retention expiry instants come from. Default {@link Clock#systemUTC()}. Every
     * consumer sharing the table should keep its clock synchronized (NTP): a skew of {@code s} moves expiry by
     * {@code s}.
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
    public DynamoDbIdempotencyStore build() {
      if (client == null) {
        throw new IllegalArgumentException("client must be set");
      }
      ItemSchema.checkTableName(tableName);
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be positive, was " + retention);
      }
      if (retryBudget.isNegative() || retryBudget.isZero()) {
        throw new IllegalArgumentException("retryBudget must be positive, was " + retryBudget);
      }
      return new DynamoDbIdempotencyStore(this);
    }
  }
}
