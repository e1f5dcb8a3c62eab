package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.hookline.core.Attempt;
import dev.hookline.core.Tracing;
import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.Decision;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.testkit.ElasticMqExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The Lambda function settles through the same traced path as the runner: queue name, X-Ray header, span current. */
class SqsBatchFunctionTracingIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String XRAY = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  private static final Map<String, String> CONTEXT =
      Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

  @Test
  void eachRecordIsProcessedInsideItsSpanWithTheQueueNameAndTheAwsTraceHeader() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("lambda-trace", 10, 30);
    String arn = SQS.queueArn(queues.queueUrl());
    Webhook webhook =
        Webhook.builder()
            .deliveryId("traced-1")
            .source("github")
            .receivedAt(Instant.parse("2026-11-28T13:55:02Z"))
            .body("{}".getBytes(StandardCharsets.UTF_8))
            .traceContext(CONTEXT)
            .build();
    EncodedEnvelope envelope = EnvelopeCodec.defaults().encode(webhook);
    Map<String, MessageAttributeValue> attributes = new java.util.LinkedHashMap<>();
    envelope
        .attributes()
        .forEach((k, v) -> attributes.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
    SQS.syncClient()
        .sendMessage(b -> b.queueUrl(queues.queueUrl()).messageBody(envelope.body()).messageAttributes(attributes));

    List<String> events = new CopyOnWriteArrayList<>();
    boolean[] inside = {false};
    Tracing tracing =
        new Tracing() {
          @Override
          public ProcessSpan process(Webhook w, Attempt attempt, QueueMessage message) {
            events.add(
                "start:" + message.destination() + ":" + message.awsTraceHeader().orElse("-") + ":" + w.traceContext());
            return new ProcessSpan() {
              @Override
              public Scope makeCurrent() {
                inside[0] = true;
                return () -> inside[0] = false;
              }

              @Override
              public void end(Decision decision) {
                events.add("end:" + decision.isAck());
              }
            };
          }
        };
    SqsBatchFunction function =
        SqsBatchFunction.builder()
            .client(SQS.asyncClient())
            .processor(
                WebhookProcessor.builder()
                    .handler((w, a) -> events.add("handler:" + inside[0]))
                    .tracing(tracing)
                    .build())
            .deadLetterQueueUrl(queues.dlqUrl())
            .build();

    List<Message> received = SqsEvents.receive(SQS.syncClient(), queues.queueUrl(), 1, Duration.ofSeconds(10));
    SQSEvent event = SqsEvents.withAttribute("sqs-standard.json", arn, received, 0, "AWSTraceHeader", XRAY);
    SQSBatchResponse response = function.handleRequest(event, TestContext.plenty());

    assertThat(SqsEvents.failures(response)).isEmpty();
    String queueName = queues.queueUrl().substring(queues.queueUrl().lastIndexOf('/') + 1);
    assertThat(events)
        .containsExactly("start:" + queueName + ":" + XRAY + ":" + CONTEXT, "handler:true", "end:true");
  }
}
