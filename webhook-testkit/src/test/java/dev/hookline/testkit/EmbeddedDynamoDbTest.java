package dev.hookline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class EmbeddedDynamoDbTest {

  @RegisterExtension static final DynamoDbExtension DYNAMODB = new DynamoDbExtension();

  @Test
  void answersDynamoDbCallsOnItsOwnPort() {
    String table = DYNAMODB.uniqueTableName("kit");
    var client = DYNAMODB.syncClient();
    client.createTable(
        b ->
            b.tableName(table)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(
                    AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .billingMode("PAY_PER_REQUEST"));
    client.putItem(b -> b.tableName(table).item(java.util.Map.of("id", AttributeValue.fromS("a"))));

    assertThat(client.getItem(b -> b.tableName(table).key(java.util.Map.of("id", AttributeValue.fromS("a")))).item())
        .containsEntry("id", AttributeValue.fromS("a"));
    assertThat(DYNAMODB.server().endpoint().getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void aClientKilledMidRequestDoesNotTakeTheServerDown() throws Exception {
    EmbeddedDynamoDb server = EmbeddedDynamoDb.start();
    try {
      for (int i = 0; i < 3; i++) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.endpoint().getPort())) {
          socket
              .getOutputStream()
              .write(
                  ("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
                          + "Content-Type: application/x-amz-json-1.0\r\nContent-Length: 1000\r\n\r\n{\"Lim")
                      .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          Thread.sleep(50); // let the server start reading the body
          socket.setSoLinger(true, 0); // then reset, as a process killed with kill -9 mid-request does
        }
      }
      try (var client = server.newSyncClient()) {
        assertThat(client.listTables().tableNames()).isEmpty();
      }
    } finally {
      server.close();
    }
  }

  @Test
  void aSecondServerIsIndependentAndStopsOnClose() {
    EmbeddedDynamoDb second = EmbeddedDynamoDb.start();
    ProcessHandle child = ProcessHandle.of(second.pid()).orElseThrow();
    assertThat(second.endpoint()).isNotEqualTo(DYNAMODB.server().endpoint());
    second.close();
    assertThat(child.isAlive()).isFalse();
    second.close(); // idempotent
  }

  @Test
  void withoutNodeModulesTheFailureSaysToRunNpmCi(@TempDir Path empty) {
    String previous = System.getProperty(EmbeddedDynamoDb.HOME_PROPERTY);
    System.setProperty(EmbeddedDynamoDb.HOME_PROPERTY, empty.toString());
    try {
      assertThatThrownBy(EmbeddedDynamoDb::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("npm ci")
          .hasMessageContaining(empty.toString());
    } finally {
      if (previous == null) {
        System.clearProperty(EmbeddedDynamoDb.HOME_PROPERTY);
      } else {
        System.setProperty(EmbeddedDynamoDb.HOME_PROPERTY, previous);
      }
    }
  }
}
