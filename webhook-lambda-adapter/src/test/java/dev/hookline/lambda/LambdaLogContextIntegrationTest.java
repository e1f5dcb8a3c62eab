package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.testkit.ElasticMqExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The log context on Lambda: the invocation's {@code AWSRequestId} beside Hookline's keys, in the receiver functions
 * (where the sink stores) and in the SQS batch function (where the handler runs), and nothing left on the thread after.
 * This module's tests log through Logback, whose MDC works.
 */
class LambdaLogContextIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String REQUEST_ID = TestContext.plenty().getAwsRequestId();

  @AfterEach
  void clear() {
    MDC.clear();
  }

  private static void assertThreadClean() {
    Map<String, String> after = MDC.getCopyOfContextMap();
    assertThat(after == null || after.isEmpty()).as("MDC after: %s", after).isTrue();
  }

  @Test
  void theReceiverFunctionsSinkSeesTheRequestIdSourceAndDeliveryId() {
    AtomicReference<Map<String, String>> seen = new AtomicReference<>();
    HttpApiReceiverFunction function =
        new HttpApiReceiverFunction(
            HttpApiReceiverFunctionTest.receiver(
                (webhook, budget) -> {
                  seen.set(MDC.getCopyOfContextMap());
                  return CompletableFuture.completedFuture(null);
                }));
    Map<String, String> values =
        HttpApiReceiverFunctionTest.signed("{\"zen\":\"ok\"}".getBytes(StandardCharsets.UTF_8));

    APIGatewayV2HTTPResponse response =
        function.handleRequest(
            Events.load("apigw-http-v2-github.json", values, APIGatewayV2HTTPEvent.class), TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(202);
    assertThat(seen.get())
        .containsEntry("AWSRequestId", REQUEST_ID)
        .containsEntry("hookline.source", "github")
        .containsEntry("hookline.delivery_id", values.get("DELIVERY_ID"));
    assertThreadClean();
  }

  @Test
  void theBatchFunctionsHandlerSeesTheRequestIdAndTheFourKeys() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("lambda-mdc", 10, 30);
    Webhook webhook =
        Webhook.builder()
            .deliveryId("mdc-1")
            .source("github")
            .receivedAt(Instant.parse("2026-12-01T00:00:00Z"))
            .body("{}".getBytes(StandardCharsets.UTF_8))
            .build();
    EncodedEnvelope envelope = EnvelopeCodec.defaults().encode(webhook);
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    envelope
        .attributes()
        .forEach(
            (k, v) -> attributes.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
    SQS.syncClient()
        .sendMessage(b -> b.queueUrl(queues.queueUrl()).messageBody(envelope.body()).messageAttributes(attributes));
    AtomicReference<Map<String, String>> seen = new AtomicReference<>();
    SqsBatchFunction function =
        SqsBatchFunction.builder()
            .client(SQS.asyncClient())
            .processor(WebhookProcessor.builder().handler((w, a) -> seen.set(MDC.getCopyOfContextMap())).build())
            .deadLetterQueueUrl(queues.dlqUrl())
            .build();

    List<Message> received = SqsEvents.receive(SQS.syncClient(), queues.queueUrl(), 1, Duration.ofSeconds(10));
    SQSEvent event = SqsEvents.event("sqs-standard.json", SQS.queueArn(queues.queueUrl()), received);
    SQSBatchResponse response = function.handleRequest(event, TestContext.plenty());

    assertThat(SqsEvents.failures(response)).isEmpty();
    assertThat(seen.get())
        .containsEntry("AWSRequestId", REQUEST_ID)
        .containsEntry("hookline.delivery_id", "mdc-1")
        .containsEntry("hookline.source", "github")
        .containsEntry("hookline.attempt", "1")
        .containsEntry("messaging.message.id", received.get(0).messageId());
    assertThreadClean();
  }
}
