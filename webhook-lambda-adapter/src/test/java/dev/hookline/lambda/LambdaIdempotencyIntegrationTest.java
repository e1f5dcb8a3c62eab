package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.testkit.DynamoDbExtension;
import dev.hookline.testkit.ElasticMqExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code HOOKLINE_IDEMPOTENCY_TABLE}: two execution environments of the SQS function, each built from the
 * environment as the runtime builds it, share one DynamoDB table (dynalite), so a delivery that reaches both is
 * handled once.
 */
class LambdaIdempotencyIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();
  @RegisterExtension static final DynamoDbExtension DYNAMODB = new DynamoDbExtension();

  private static String table() {
    String table = DYNAMODB.uniqueTableName("lambda");
    DYNAMODB.syncClient()
        .createTable(
            b ->
                b.tableName(table)
                    .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                    .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                    .billingMode("PAY_PER_REQUEST"));
    return table;
  }

  private static SqsBatchFunction function(Map<String, String> variables, List<String> handled) {
    return LambdaWiring.sqsBatchFunction(
            new LambdaEnvironment(variables), (w, a) -> handled.add(w.deliveryId()), SQS::asyncClient,
            DYNAMODB::asyncClient)
        .build();
  }

  private static void send(String queueUrl, String deliveryId) {
    String envelope =
        EnvelopeCodec.defaults()
            .encode(
                Webhook.builder()
                    .deliveryId(deliveryId)
                    .source("github")
                    .receivedAt(Instant.now())
                    .body("{}".getBytes(StandardCharsets.UTF_8))
                    .build())
            .body();
    SQS.syncClient().sendMessage(b -> b.queueUrl(queueUrl).messageBody(envelope));
  }

  @Test
  void twoExecutionEnvironmentsSharingTheTableHandleADuplicateOnce() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("lambda-idem", 10, 30);
    Map<String, String> variables =
        Map.of(
            "HOOKLINE_DLQ_URL", queues.dlqUrl(),
            "HOOKLINE_QUEUE_URL", queues.queueUrl(),
            "HOOKLINE_IDEMPOTENCY_TABLE", table());
    List<String> handled = new CopyOnWriteArrayList<>();
    SqsBatchFunction first = function(variables, handled);
    SqsBatchFunction second = function(variables, handled);

    send(queues.queueUrl(), "dup-1");
    send(queues.queueUrl(), "dup-1"); // the sender retried
    List<Message> received = SqsEvents.receive(SQS.syncClient(), queues.queueUrl(), 2, Duration.ofSeconds(10));
    String arn = SQS.queueArn(queues.queueUrl());
    SQSBatchResponse a =
        first.handleRequest(SqsEvents.event("sqs-standard.json", arn, received.subList(0, 1)), TestContext.plenty());
    SQSBatchResponse b =
        second.handleRequest(SqsEvents.event("sqs-standard.json", arn, received.subList(1, 2)), TestContext.plenty());

    assertThat(a.getBatchItemFailures()).isEmpty();
    assertThat(b.getBatchItemFailures()).isEmpty(); // a skipped duplicate is a success: Lambda deletes it
    assertThat(handled).containsExactly("dup-1");
  }

  @Test
  void aMissingTableFailsInitNamingTheVariableTheTableAndTheRegion() {
    Map<String, String> variables =
        Map.of(
            "HOOKLINE_DLQ_URL", "http://127.0.0.1/1/dlq",
            "HOOKLINE_IDEMPOTENCY_TABLE", "missing-table");
    assertThatThrownBy(() -> function(variables, new CopyOnWriteArrayList<>()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("HOOKLINE_IDEMPOTENCY_TABLE: DynamoDB table 'missing-table' does not exist in region"
            + " us-east-1");
    assertThatThrownBy(
            () ->
                function(
                    Map.of("HOOKLINE_DLQ_URL", "http://127.0.0.1/1/dlq", "HOOKLINE_IDEMPOTENCY_TABLE", "x"),
                    new CopyOnWriteArrayList<>()))
        .hasMessageStartingWith("HOOKLINE_IDEMPOTENCY_TABLE: tableName");
  }
}
