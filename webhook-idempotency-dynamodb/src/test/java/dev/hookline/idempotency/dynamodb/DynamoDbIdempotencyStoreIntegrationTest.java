package dev.hookline.idempotency.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.Attempt;
import dev.hookline.core.HooklineException;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.idempotency.Claim;
import dev.hookline.core.retry.Decision;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.testkit.DynamoDbExtension;
import dev.hookline.testkit.EmbeddedDynamoDb;
import dev.hookline.testkit.Fault;
import dev.hookline.testkit.FaultProxy;
import dev.hookline.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class DynamoDbIdempotencyStoreIntegrationTest {

  @RegisterExtension static final DynamoDbExtension DYNAMODB = new DynamoDbExtension();

  private static final Duration TTL = Duration.ofMinutes(1);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00.250Z"));
  private String table;
  private FaultProxy proxy;
  private DynamoDbAsyncClient client;

  @BeforeEach
  void setUp() {
    table = DYNAMODB.uniqueTableName("store");
    DYNAMODB.createTable(IdempotencyTableProvisioner.createTableRequest(table));
    proxy = FaultProxy.start(DYNAMODB.server().endpoint());
    client = EmbeddedDynamoDb.newAsyncClientWithoutRetries(proxy.endpoint());
  }

  @AfterEach
  void tearDown() {
    client.close();
    proxy.close();
  }

  private DynamoDbIdempotencyStore.Builder store() {
    return DynamoDbIdempotencyStore.builder().client(client).tableName(table).clock(clock);
  }

  private Map<String, AttributeValue> item(String id) {
    return DYNAMODB.syncClient()
        .getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(id))).consistentRead(true))
        .item();
  }

  @Test
  void throttlingAnd5xxAreRetriedWithinTheBudget() {
    DynamoDbIdempotencyStore store = store().build();
    proxy.failNext(3, Fault.throttle(), "PutItem");
    Claim claim = store.claim("d-1", TTL);
    assertThat(claim.isAcquired()).isTrue();
    assertThat(proxy.requestCount("PutItem")).isEqualTo(4);

    proxy.failNext(2, Fault.serverError(), "UpdateItem");
    proxy.failNext(1, Fault.unavailable(), "UpdateItem");
    assertThat(store.complete((Claim.Acquired) claim)).isTrue();
    assertThat(proxy.requestCount("UpdateItem")).isEqualTo(4);
    assertThat(store.claim("d-1", TTL)).isEqualTo(new Claim.Done("d-1"));
  }

  @Test
  void aBudgetSpentOnThrottlingThrowsARetryableErrorAndTheMessageIsRetriedWithoutRunningTheHandler() {
    DynamoDbIdempotencyStore store = store().retryBudget(Duration.ofMillis(300)).build();
    proxy.failAlways(Fault.throttle(), "PutItem");

    assertThatThrownBy(() -> store.claim("d-1", TTL))
        .isInstanceOfSatisfying(HooklineException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("PutItem")
        .hasMessageContaining(table)
        .hasMessageContaining("budget");
    assertThat(proxy.requestCount("PutItem")).isGreaterThan(1);

    List<String> handled = new CopyOnWriteArrayList<>();
    WebhookProcessor processor =
        WebhookProcessor.builder()
            .handler((w, a) -> handled.add(w.deliveryId()))
            .idempotencyStore(store)
            .clock(clock)
            .build();
    Decision decision = processor.process(webhook("d-2"), new Attempt(1, clock.instant()));
    assertThat(decision.isRetry()).isTrue();
    assertThat(handled).isEmpty();

    proxy.clear();
    assertThat(processor.process(webhook("d-2"), new Attempt(2, clock.instant())).isAck()).isTrue();
    assertThat(handled).containsExactly("d-2");
  }

  @Test
  void aMissingTableFailsStartAndTheFirstCallNamingTableAndRegion() {
    DynamoDbIdempotencyStore store = store().tableName("no-such-table").build();
    assertThatThrownBy(store::start)
        .isInstanceOfSatisfying(HooklineException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("'no-such-table' does not exist in region us-east-1")
        .hasMessageContaining("hookline idempotency ensure-table");
    assertThatThrownBy(() -> store.claim("d-1", TTL))
        .hasMessageContaining("'no-such-table' does not exist in region us-east-1");
    assertThat(proxy.requestCount("PutItem")).isEqualTo(1); // not retried: waiting would not create it
  }

  @Test
  void startAcceptsTheStoresTableAndRefusesAnotherKey() {
    store().build().start();

    String other = DYNAMODB.uniqueTableName("wrong-key");
    DYNAMODB.createTable(
        CreateTableRequest.builder()
            .tableName(other)
            .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
            .attributeDefinitions(
                AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
            .billingMode("PAY_PER_REQUEST")
            .build());
    assertThatThrownBy(() -> store().tableName(other).build().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'id' of type S");
  }

  @Test
  void completionWritesTheRetentionAsExpiryAndAsTheTtlAttributeInSeconds() {
    DynamoDbIdempotencyStore store = store().retention(Duration.ofDays(7)).build();
    Claim.Acquired claim = (Claim.Acquired) store.claim("d-1", TTL);
    Map<String, AttributeValue> claimed = item("d-1");
    assertThat(claimed.get("status").s()).isEqualTo("IN_PROGRESS");
    assertThat(claimed.get("holder").s()).isEqualTo(claim.holder());
    Instant claimExpiry = clock.instant().plus(TTL);
    assertThat(claimed.get("expiresAt").n()).isEqualTo(Long.toString(claimExpiry.toEpochMilli()));
    // Rounded up: a dead holder's claim is never deleted before it lapsed.
    assertThat(claimed.get("ttl").n()).isEqualTo(Long.toString(claimExpiry.getEpochSecond() + 1));

    clock.advance(Duration.ofSeconds(3));
    assertThat(store.complete(claim)).isTrue();
    Map<String, AttributeValue> done = item("d-1");
    Instant forgetAt = clock.instant().plus(Duration.ofDays(7));
    assertThat(done.get("status").s()).isEqualTo("COMPLETED");
    assertThat(done.get("expiresAt").n()).isEqualTo(Long.toString(forgetAt.toEpochMilli()));
    assertThat(done.get("ttl").n()).isEqualTo(Long.toString(forgetAt.getEpochSecond() + 1));
  }

  @Test
  void aReleasedClaimIsDeletedSoTheRetryClaimsAgain() {
    DynamoDbIdempotencyStore store = store().build();
    Claim.Acquired claim = (Claim.Acquired) store.claim("d-1", TTL);
    assertThat(store.release(claim)).isTrue();
    assertThat(item("d-1")).isEmpty();
    assertThat(store.claim("d-1", TTL).isAcquired()).isTrue();
  }

  @Test
  void builderValidationNamesTheField() {
    assertThatThrownBy(() -> DynamoDbIdempotencyStore.builder().tableName(table).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("client");
    assertThatThrownBy(() -> DynamoDbIdempotencyStore.builder().client(client).build())
        .hasMessageStartingWith("tableName");
    assertThatThrownBy(() -> store().tableName("a b").build()).hasMessageStartingWith("tableName");
    assertThatThrownBy(() -> store().retention(Duration.ZERO).build()).hasMessageStartingWith("retention");
    assertThatThrownBy(() -> store().retryBudget(Duration.ofMillis(-1)).build())
        .hasMessageStartingWith("retryBudget");
    assertThatThrownBy(() -> store().build().claim("d-1", Duration.ZERO)).hasMessageStartingWith("ttl");
  }

  private static Webhook webhook(String id) {
    return Webhook.builder()
        .deliveryId(id)
        .source("test")
        .receivedAt(Instant.parse("2026-03-01T12:00:00Z"))
        .headers(WebhookHeaders.builder().build())
        .body("{}".getBytes(StandardCharsets.UTF_8))
        .build();
  }
}
