package dev.hookline.idempotency.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.HooklineException;
import dev.hookline.testkit.DynamoDbExtension;
import dev.hookline.testkit.EmbeddedDynamoDb;
import dev.hookline.testkit.Fault;
import dev.hookline.testkit.FaultProxy;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The provisioner against dynalite, through a fault proxy that stands in for {@code UpdateTimeToLive} (dynalite
 * does not implement it): the TTL call is checked as the request the SDK put on the wire.
 */
class IdempotencyTableProvisionerIntegrationTest {

  @RegisterExtension static final DynamoDbExtension DYNAMODB = new DynamoDbExtension();
  private static final ObjectMapper JSON = new ObjectMapper();

  private FaultProxy proxy;
  private DynamoDbClient client;

  @BeforeEach
  void setUp() {
    proxy = FaultProxy.start(DYNAMODB.server().endpoint());
    client = EmbeddedDynamoDb.newSyncClient(proxy.endpoint());
    proxy.failAlways(Fault.reply("{\"TimeToLiveSpecification\":{\"AttributeName\":\"ttl\",\"Enabled\":true}}"),
        "UpdateTimeToLive");
  }

  @AfterEach
  void tearDown() {
    client.close();
    proxy.close();
  }

  private IdempotencyTableProvisioner provisioner(String table) {
    return IdempotencyTableProvisioner.builder().client(client).tableName(table).build();
  }

  @Test
  void createsAnOnDemandTableKeyedByIdAndTurnsOnTtl() throws Exception {
    String table = DYNAMODB.uniqueTableName("provisioned");
    IdempotencyTableProvisioner.Result result = provisioner(table).provision();

    assertThat(result).isEqualTo(new IdempotencyTableProvisioner.Result(table, true, true));
    TableDescription created = DYNAMODB.syncClient().describeTable(b -> b.tableName(table)).table();
    assertThat(created.keySchema())
        .containsExactly(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build());
    assertThat(created.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    List<FaultProxy.RecordedRequest> ttl = proxy.requests("UpdateTimeToLive");
    assertThat(ttl).hasSize(1);
    JsonNode body = JSON.readTree(ttl.get(0).body());
    assertThat(body)
        .isEqualTo(
            JSON.readTree(
                "{\"TableName\":\"" + table
                    + "\",\"TimeToLiveSpecification\":{\"AttributeName\":\"ttl\",\"Enabled\":true}}"));

    // A store on it works.
    DynamoDbIdempotencyStore.builder().client(DYNAMODB.asyncClient()).tableName(table).build().start();
  }

  @Test
  void anExistingTableIsKeptAndTtlAlreadyOnIsLeftAlone() {
    String table = DYNAMODB.uniqueTableName("existing");
    DYNAMODB.createTable(IdempotencyTableProvisioner.createTableRequest(table));
    proxy.failAlways(
        Fault.reply("{\"TimeToLiveDescription\":{\"TimeToLiveStatus\":\"ENABLED\",\"AttributeName\":\"ttl\"}}"),
        "DescribeTimeToLive");

    assertThat(provisioner(table).provision()).isEqualTo(new IdempotencyTableProvisioner.Result(table, false, false));
    assertThat(proxy.requestCount("CreateTable")).isZero();
    assertThat(proxy.requestCount("UpdateTimeToLive")).isZero();
  }

  @Test
  void ttlOnAnotherAttributeOrAnotherKeyIsAnError() {
    String table = DYNAMODB.uniqueTableName("other-ttl");
    DYNAMODB.createTable(IdempotencyTableProvisioner.createTableRequest(table));
    proxy.failAlways(
        Fault.reply("{\"TimeToLiveDescription\":{\"TimeToLiveStatus\":\"ENABLED\",\"AttributeName\":\"expires\"}}"),
        "DescribeTimeToLive");
    assertThatThrownBy(() -> provisioner(table).provision())
        .isInstanceOf(HooklineException.class)
        .hasMessageContaining("TTL on attribute 'expires'");

    String wrong = DYNAMODB.uniqueTableName("wrong-key");
    DYNAMODB.createTable(
            IdempotencyTableProvisioner.createTableRequest(wrong).toBuilder()
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build(),
                    KeySchemaElement.builder().attributeName("id2").keyType(KeyType.RANGE).build())
                .attributeDefinitions(
                    software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder()
                        .attributeName("id").attributeType("S").build(),
                    software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder()
                        .attributeName("id2").attributeType("S").build())
                .build());
    assertThatThrownBy(() -> provisioner(wrong).provision())
        .isInstanceOf(HooklineException.class)
        .hasMessageContaining("another key");
  }

  @Test
  void builderValidationNamesTheField() {
    assertThatThrownBy(() -> IdempotencyTableProvisioner.builder().tableName("t-1").build())
        .hasMessageStartingWith("client");
    assertThatThrownBy(() -> IdempotencyTableProvisioner.builder().client(client).build())
        .hasMessageStartingWith("tableName");
    assertThatThrownBy(() -> IdempotencyTableProvisioner.builder().client(client).tableName("x").build())
        .hasMessageStartingWith("tableName");
  }
}
