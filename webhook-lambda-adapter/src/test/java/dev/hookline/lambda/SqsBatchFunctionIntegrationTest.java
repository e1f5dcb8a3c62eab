package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.hookline.core.PermanentFailureException;
import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.FailureReport;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.sqs.internal.DeadLetterFormat;
import dev.hookline.sqs.internal.SqsMessages;
import dev.hookline.testkit.ElasticMqExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The SQS function against ElasticMQ, with events built from messages it really delivered. */
class SqsBatchFunctionIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** What the handler does per delivery id: nothing (ok), or throw. */
  private final Map<String, RuntimeException> failWith = new ConcurrentHashMap<>();

  private final List<String> handled = Collections.synchronizedList(new ArrayList<>());
  private final WebhookHandler handler =
      (webhook, attempt) -> {
        handled.add(webhook.deliveryId());
        RuntimeException failure = failWith.get(webhook.deliveryId());
        if (failure != null) {
          throw failure;
        }
      };

  private SqsClient sqs;

  @BeforeEach
  void setUp() {
    sqs = SQS.syncClient();
  }

  private SqsBatchFunction.Builder function(String dlqUrl, Duration backoff) {
    return SqsBatchFunction.builder()
        .client(SQS.asyncClient())
        .processor(
            WebhookProcessor.builder()
                .handler(handler)
                .retryPolicy(RetryPolicy.builder().maxAttempts(3).backoff(Backoff.fixed(backoff)).build())
                .build())
        .deadLetterQueueUrl(dlqUrl);
  }

  private static Webhook webhook(String id, String source) {
    return Webhook.builder()
        .deliveryId(id)
        .source(source)
        .receivedAt(Instant.parse("2026-11-28T13:55:02Z"))
        .headers(WebhookHeaders.builder().add("Content-Type", "application/json").build())
        .contentType("application/json")
        .body(("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private void send(String queueUrl, Webhook webhook, String groupId) {
    EncodedEnvelope envelope = EnvelopeCodec.defaults().encode(webhook);
    Map<String, MessageAttributeValue> attributes = new java.util.LinkedHashMap<>();
    envelope
        .attributes()
        .forEach((k, v) -> attributes.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
    sqs.sendMessage(
        b -> {
          b.queueUrl(queueUrl).messageBody(envelope.body()).messageAttributes(attributes);
          if (groupId != null) {
            b.messageGroupId(groupId).messageDeduplicationId(webhook.deliveryId());
          }
        });
  }

  private static String idOf(Message m) {
    return m.messageAttributes().containsKey(EnvelopeCodec.ATTR_DELIVERY_ID)
        ? m.messageAttributes().get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue()
        : "raw";
  }

  private static Message byId(List<Message> messages, String deliveryId) {
    return messages.stream().filter(m -> idOf(m).equals(deliveryId)).findFirst().orElseThrow();
  }

  @Test
  void standardBatchAcksRetriesWithBackoffAndDeadLetters() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("lambda-std", 10, 30);
    String arn = SQS.queueArn(queues.queueUrl());
    send(queues.queueUrl(), webhook("ok-1", "github"), null);
    send(queues.queueUrl(), webhook("flaky-1", "github"), null);
    send(queues.queueUrl(), webhook("broken-1", "github"), null);
    sqs.sendMessage(b -> b.queueUrl(queues.queueUrl()).messageBody("<xml>not an envelope</xml>"));
    failWith.put("flaky-1", new IllegalStateException("downstream timeout"));
    failWith.put("broken-1", new PermanentFailureException("order 42 does not exist"));
    // No queue URL configured: it is looked up from the records' eventSourceARN.
    SqsBatchFunction function = function(queues.dlqUrl(), Duration.ofSeconds(1)).build();

    List<Message> received = SqsEvents.receive(sqs, queues.queueUrl(), 4, WAIT);
    assertThat(received).hasSize(4);
    SQSEvent event = SqsEvents.event("sqs-standard.json", arn, received);
    SQSBatchResponse response = function.handleRequest(event, TestContext.plenty());

    // Only the retried record is reported; the rest are done (handled or dead-lettered) and Lambda deletes them.
    assertThat(SqsEvents.failures(response)).containsExactly(byId(received, "flaky-1").messageId());
    assertThat(handled).containsExactlyInAnyOrder("ok-1", "flaky-1", "broken-1");
    assertThat(SqsEvents.lambdaDeletesSuccesses(sqs, queues.queueUrl(), event, response)).hasSize(3);

    List<Message> dead = SqsEvents.receive(sqs, queues.dlqUrl(), 2, WAIT);
    assertThat(dead).hasSize(2);
    Message permanent = byId(dead, "broken-1");
    assertThat(permanent.body()).isEqualTo(byId(received, "broken-1").body());
    assertThat(DeadLetterFormat.fields(SqsMessages.stringAttributes(permanent)).get("reason"))
        .isEqualTo(FailureReport.REASON_PERMANENT_FAILURE);
    assertThat(DeadLetterFormat.fields(SqsMessages.stringAttributes(permanent)).get("errorMessage"))
        .isEqualTo("order 42 does not exist");
    Message poison = dead.stream().filter(m -> m.body().startsWith("<xml>")).findFirst().orElseThrow();
    assertThat(DeadLetterFormat.fields(SqsMessages.stringAttributes(poison)).get("reason"))
        .isEqualTo(FailureReport.REASON_POISON_MESSAGE);
    assertThat(DeadLetterFormat.fields(SqsMessages.stringAttributes(poison)).get("originalMessageId"))
        .isEqualTo(received.stream().filter(m -> m.body().startsWith("<xml>")).findFirst().orElseThrow().messageId());

    // The retry delay (1 s) replaced the queue's 30 s visibility timeout: the record is back within seconds.
    failWith.clear();
    List<Message> again = SqsEvents.receive(sqs, queues.queueUrl(), 1, WAIT);
    assertThat(again).hasSize(1);
    assertThat(idOf(again.get(0))).isEqualTo("flaky-1");
    assertThat(again.get(0).attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).isEqualTo("2");
    SQSEvent retry = SqsEvents.event("sqs-standard.json", arn, again);
    SQSBatchResponse second = function.handleRequest(retry, TestContext.plenty());
    assertThat(second.getBatchItemFailures()).isEmpty();
    SqsEvents.lambdaDeletesSuccesses(sqs, queues.queueUrl(), retry, second);
    assertThat(SqsEvents.receive(sqs, queues.queueUrl(), 1, Duration.ofMillis(1_500))).isEmpty();
  }

  @Test
  void exhaustedAttemptsGoToTheDeadLetterQueueAndAreReportedDone() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("lambda-exhausted", 10, 30);
    send(queues.queueUrl(), webhook("always-fails", "stripe"), null);
    failWith.put("always-fails", new IllegalStateException("still down"));
    SqsBatchFunction function = function(queues.dlqUrl(), Duration.ofSeconds(30)).queueUrl(queues.queueUrl()).build();
    List<Message> received = SqsEvents.receive(sqs, queues.queueUrl(), 1, WAIT);

    // The third receive of a policy allowing three attempts.
    SQSEvent event =
        SqsEvents.withAttribute(
            "sqs-standard.json", SQS.queueArn(queues.queueUrl()), received, 0, "ApproximateReceiveCount", "3");
    SQSBatchResponse response = function.handleRequest(event, TestContext.plenty());

    assertThat(response.getBatchItemFailures()).isEmpty();
    Message dead = SqsEvents.receive(sqs, queues.dlqUrl(), 1, WAIT).get(0);
    assertThat(DeadLetterFormat.fields(SqsMessages.stringAttributes(dead)).get("reason"))
        .isEqualTo(FailureReport.REASON_ATTEMPTS_EXHAUSTED);
    assertThat(DeadLetterFormat.fields(SqsMessages.stringAttributes(dead)).get("attempts")).isEqualTo("3");
    assertThat(dead.messageAttributes().get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue()).isEqualTo("always-fails");
  }

  @Test
  void failedDeadLetterSendIsReportedAsFailureSoTheRecordIsKept() {
    String queueUrl = SQS.createQueue("lambda-nodlq");
    String missingDlq = queueUrl.substring(0, queueUrl.lastIndexOf('/') + 1) + "no-such-dlq";
    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("not an envelope"));
    SqsBatchFunction function = function(missingDlq, Duration.ofSeconds(30)).build();
    List<Message> received = SqsEvents.receive(sqs, queueUrl, 1, WAIT);

    SQSBatchResponse response =
        function.handleRequest(
            SqsEvents.event("sqs-standard.json", SQS.queueArn(queueUrl), received), TestContext.plenty());

    assertThat(SqsEvents.failures(response)).containsExactly(received.get(0).messageId());
  }

  @Test
  void aRecordThatIsNotAnEnvelopeIsDeadLetteredWithOnlyTheDlqUrlEvenWhenTheQueueUrlCannotBeFound() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("lambda-no-url", 10, 30);
    sqs.sendMessage(b -> b.queueUrl(queues.queueUrl()).messageBody("<xml>not an envelope</xml>"));
    List<Message> received = SqsEvents.receive(sqs, queues.queueUrl(), 1, WAIT);
    // No HOOKLINE_QUEUE_URL, and an event source ARN naming a queue GetQueueUrl cannot find.
    SqsBatchFunction function = function(queues.dlqUrl(), Duration.ofSeconds(1)).build();
    String unknownArn = SQS.queueArn(queues.queueUrl()).replace("lambda-no-url", "gone-lambda-no-url");

    SQSBatchResponse response =
        function.handleRequest(SqsEvents.event("sqs-standard.json", unknownArn, received), TestContext.plenty());

    assertThat(response.getBatchItemFailures()).isEmpty();
    Message dead = SqsEvents.receive(sqs, queues.dlqUrl(), 1, WAIT).get(0);
    assertThat(dead.body()).isEqualTo("<xml>not an envelope</xml>");
    assertThat(DeadLetterFormat.read(SqsMessages.stringAttributes(dead)).reason())
        .isEqualTo(FailureReport.REASON_POISON_MESSAGE);
  }

  @Test
  void fifoFailureHoldsBackItsGroupOnly() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("lambda-fifo.fifo", 10, 30);
    send(queues.queueUrl(), webhook("gh-1", "github"), "github");
    send(queues.queueUrl(), webhook("gh-2", "github"), "github");
    send(queues.queueUrl(), webhook("st-1", "stripe"), "stripe");
    send(queues.queueUrl(), webhook("st-2", "stripe"), "stripe");
    failWith.put("gh-1", new IllegalStateException("GitHub API rate limited"));
    SqsBatchFunction function = function(queues.dlqUrl(), Duration.ofSeconds(1)).queueUrl(queues.queueUrl()).build();
    List<Message> received = SqsEvents.receive(sqs, queues.queueUrl(), 4, WAIT);
    assertThat(received).hasSize(4);
    // Lambda keeps each group's order; interleave the groups as a batch may.
    List<Message> batch =
        List.of(byId(received, "gh-1"), byId(received, "st-1"), byId(received, "gh-2"), byId(received, "st-2"));

    SQSEvent event = SqsEvents.event("sqs-fifo.json", SQS.queueArn(queues.queueUrl()), batch);
    SQSBatchResponse response = function.handleRequest(event, TestContext.plenty());

    assertThat(SqsEvents.failures(response))
        .containsExactlyInAnyOrder(byId(received, "gh-1").messageId(), byId(received, "gh-2").messageId());
    assertThat(handled).containsExactly("gh-1", "st-1", "st-2");
    assertThat(SqsEvents.lambdaDeletesSuccesses(sqs, queues.queueUrl(), event, response)).hasSize(2);

    // The group comes back in order once the 1 s backoff has passed.
    failWith.clear();
    handled.clear();
    List<Message> again = SqsEvents.receive(sqs, queues.queueUrl(), 2, WAIT);
    assertThat(again).extracting(SqsBatchFunctionIntegrationTest::idOf).containsExactly("gh-1", "gh-2");
    SQSEvent retry = SqsEvents.event("sqs-fifo.json", SQS.queueArn(queues.queueUrl()), again);
    assertThat(function.handleRequest(retry, TestContext.plenty()).getBatchItemFailures()).isEmpty();
    assertThat(handled).containsExactly("gh-1", "gh-2");
  }

  @Test
  void recordsNotStartedBeforeTheTimeMarginAreReportedForRedelivery() {
    String queueUrl = SQS.createQueue("lambda-late");
    send(queueUrl, webhook("late-1", "github"), null);
    SqsBatchFunction function =
        function(queueUrl + "-dlq", Duration.ofSeconds(1)).timeMargin(Duration.ofSeconds(2)).build();
    List<Message> received = SqsEvents.receive(sqs, queueUrl, 1, WAIT);

    SQSBatchResponse response =
        function.handleRequest(
            SqsEvents.event("sqs-standard.json", SQS.queueArn(queueUrl), received), new TestContext(1_500));

    assertThat(SqsEvents.failures(response)).containsExactly(received.get(0).messageId());
    assertThat(handled).isEmpty();
  }

  @Test
  void aFailedRecordWithoutAMessageIdFailsTheWholeBatchRatherThanBeingDeleted() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("lambda-blank-ids", 10, 30);
    for (String id : List.of("named", "empty", "blank", "null", "ok")) {
      send(queues.queueUrl(), webhook(id, "github"), null);
      if (!id.equals("ok")) {
        failWith.put(id, new IllegalStateException("downstream timeout"));
      }
    }
    List<Message> received = SqsEvents.receive(sqs, queues.queueUrl(), 5, WAIT);
    assertThat(received).hasSize(5);
    List<Message> batch =
        List.of(
            byId(received, "named"), byId(received, "empty"), byId(received, "blank"), byId(received, "null"),
            byId(received, "ok"));
    Map<Integer, String> ids = new java.util.HashMap<>();
    ids.put(1, "");
    ids.put(2, " \t");
    ids.put(3, null);
    SQSEvent event = SqsEvents.withMessageIds("sqs-standard.json", SQS.queueArn(queues.queueUrl()), batch, ids);
    assertThat(event.getRecords())
        .extracting(SQSEvent.SQSMessage::getMessageId)
        .containsExactly(batch.get(0).messageId(), "", " \t", null, batch.get(4).messageId());

    SqsBatchFunction function =
        function(queues.dlqUrl(), Duration.ofSeconds(1)).queueUrl(queues.queueUrl()).build();

    // An empty or null itemIdentifier would make Lambda fail the whole batch anyway, and leaving the record out would
    // let Lambda delete a failed record: the function fails the invocation, so Lambda returns every record.
    assertThatThrownBy(() -> function.handleRequest(event, TestContext.plenty()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("3 failed record(s) without a messageId; the whole batch is returned to the queue");
    assertThat(handled).containsExactly("named", "empty", "blank", "null", "ok");

    // The same batch with every id present reports exactly the failed ones.
    SQSEvent named = SqsEvents.event("sqs-standard.json", SQS.queueArn(queues.queueUrl()), batch);
    SQSBatchResponse response = function.handleRequest(named, TestContext.plenty());
    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactlyInAnyOrder(
            batch.get(0).messageId(), batch.get(1).messageId(), batch.get(2).messageId(), batch.get(3).messageId());
  }

  @Test
  void directIntegrationRecordIsVerifiedAndHandled() {
    String queueUrl = SQS.createQueue("lambda-direct");
    // The form an API Gateway direct integration writes: raw body, headers as message attributes.
    Map<String, MessageAttributeValue> attributes =
        Map.of(
            EnvelopeCodec.ATTR_SOURCE, string("orders"),
            EnvelopeCodec.ATTR_DELIVERY_ID, string("direct-1"),
            EnvelopeCodec.ATTR_HEADER_PREFIX + "content-type", string("application/json"));
    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"order\":42}").messageAttributes(attributes));
    List<Webhook> seen = Collections.synchronizedList(new ArrayList<>());
    SqsBatchFunction function =
        SqsBatchFunction.builder()
            .client(SQS.asyncClient())
            .processor(
                WebhookProcessor.builder()
                    .handler((webhook, attempt) -> seen.add(webhook))
                    .verifier("orders", dev.hookline.core.signature.SignatureVerifier.insecureNoVerification())
                    .build())
            .deadLetterQueueUrl(queueUrl + "-dlq")
            .build();
    List<Message> received = SqsEvents.receive(sqs, queueUrl, 1, WAIT);

    SQSBatchResponse response =
        function.handleRequest(
            SqsEvents.event("sqs-standard.json", SQS.queueArn(queueUrl), received), TestContext.plenty());

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).source()).isEqualTo("orders");
    assertThat(seen.get(0).body()).isEqualTo("{\"order\":42}".getBytes(StandardCharsets.UTF_8));
    assertThat(seen.get(0).verification()).isNotEqualTo(Verification.DEFERRED);
  }

  @Test
  void emptyEventHasNoFailures() {
    SqsBatchFunction function = function("http://127.0.0.1:1/000000000000/dlq", Duration.ofSeconds(1)).build();

    assertThat(function.handleRequest(new SQSEvent(), TestContext.plenty()).getBatchItemFailures()).isEmpty();
  }

  @Test
  void builderNamesTheMissingField() {
    assertThatThrownBy(() -> SqsBatchFunction.builder().build()).hasMessageStartingWith("client");
    assertThatThrownBy(() -> SqsBatchFunction.builder().client(SQS.asyncClient()).build())
        .hasMessageStartingWith("processor");
    WebhookProcessor processor = WebhookProcessor.builder().handler(handler).build();
    assertThatThrownBy(() -> SqsBatchFunction.builder().client(SQS.asyncClient()).processor(processor).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("deadLetterQueueUrl");
    assertThatThrownBy(
            () ->
                SqsBatchFunction.builder()
                    .client(SQS.asyncClient())
                    .processor(processor)
                    .deadLetterQueueUrl("http://x/1/dlq")
                    .timeMargin(Duration.ofMillis(-1))
                    .build())
        .hasMessageStartingWith("timeMargin");
  }

  @Test
  void queueArnParsing() {
    assertThat(SqsBatchFunction.QueueArn.parse("arn:aws:sqs:eu-central-1:123456789012:orders.fifo"))
        .contains(new SqsBatchFunction.QueueArn("eu-central-1", "123456789012", "orders.fifo"));
    assertThat(SqsBatchFunction.QueueArn.parse("arn:aws:sns:eu-central-1:123456789012:topic")).isEmpty();
    assertThat(SqsBatchFunction.QueueArn.parse("")).isEmpty();
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
