package dev.hookline.sqs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.FailureReport;
import dev.hookline.testkit.ElasticMqExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

class MessageEffectsIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final FailureReport REPORT =
      new FailureReport(
          "attempts_exhausted",
          "java.lang.IllegalStateException",
          "no",
          5,
          Instant.parse("2026-01-01T00:00:00Z"),
          Instant.parse("2026-01-01T00:10:00Z"));

  /** Counts batch calls and their entries on the way to the real server. */
  private static final class CountingClient implements SqsAsyncClient {
    final SqsAsyncClient delegate = SQS.asyncClient();
    final AtomicInteger deleteCalls = new AtomicInteger();
    final AtomicInteger visibilityCalls = new AtomicInteger();
    final AtomicInteger sendCalls = new AtomicInteger();
    final List<Integer> entriesPerCall = new ArrayList<>();

    @Override
    public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(
        DeleteMessageBatchRequest request) {
      deleteCalls.incrementAndGet();
      synchronized (entriesPerCall) {
        entriesPerCall.add(request.entries().size());
      }
      return delegate.deleteMessageBatch(request);
    }

    @Override
    public CompletableFuture<ChangeMessageVisibilityBatchResponse> changeMessageVisibilityBatch(
        ChangeMessageVisibilityBatchRequest request) {
      visibilityCalls.incrementAndGet();
      return delegate.changeMessageVisibilityBatch(request);
    }

    @Override
    public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
      sendCalls.incrementAndGet();
      return delegate.sendMessage(request);
    }

    @Override
    public String serviceName() {
      return delegate.serviceName();
    }

    @Override
    public void close() {}
  }

  private List<Message> sendAndReceive(String url, int count) {
    for (int i = 0; i < count; i++) {
      int n = i;
      SQS.syncClient().sendMessage(b -> b.queueUrl(url).messageBody("m" + n));
    }
    List<Message> received = new ArrayList<>();
    while (received.size() < count) {
      received.addAll(
          SQS.syncClient()
              .receiveMessage(
                  b ->
                      b.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .visibilityTimeout(30)
                          .messageAttributeNames("All")
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
              .messages());
    }
    return received;
  }

  @Test
  void deletesInChunksOfTen() {
    String url = SQS.createQueue("effects-delete");
    List<Message> messages = sendAndReceive(url, 23);
    CountingClient client = new CountingClient();
    MessageEffects effects = new MessageEffects(client, url, SQS.createQueue("effects-delete-dlq"));

    BatchOutcome outcome = effects.delete(messages).join();

    assertThat(outcome.failed()).isEmpty();
    assertThat(outcome.succeeded()).hasSize(23);
    assertThat(client.entriesPerCall).containsExactlyInAnyOrder(10, 10, 3);
  }

  @Test
  void aStaleReceiptHandleIsReportedAndNotRetried() {
    String url = SQS.createQueue("effects-stale");
    List<Message> messages = sendAndReceive(url, 2);
    Message stale = messages.get(0).toBuilder().receiptHandle("not-a-receipt-handle").build();
    CountingClient client = new CountingClient();
    MessageEffects effects = new MessageEffects(client, url, SQS.createQueue("effects-stale-dlq"));

    BatchOutcome outcome =
        effects
            .changeVisibility(List.of(new VisibilityChange(stale, 0), new VisibilityChange(messages.get(1), 0)))
            .join();

    assertThat(outcome.succeeded(messages.get(1).messageId())).isTrue();
    assertThat(outcome.failed()).containsOnlyKeys(stale.messageId());
    assertThat(client.visibilityCalls.get()).as("sender faults are not retried").isEqualTo(1);
  }

  @Test
  void sendsToTheDeadLetterQueueWithTheBodyUnchangedAndTheFailureAttributes() {
    String url = SQS.createQueue("effects-dlq-src");
    String dlq = SQS.createQueue("effects-dlq");
    SQS.syncClient()
        .sendMessage(
            b ->
                b.queueUrl(url)
                    .messageBody("{\"raw\": \"body ✓\"}")
                    .messageAttributes(
                        Map.of(
                            "tenant", MessageAttributeValue.builder().dataType("String").stringValue("t1").build())));
    Message original =
        SQS.syncClient()
            .receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1).messageAttributeNames("All"))
            .messages()
            .get(0);
    MessageEffects effects = new MessageEffects(SQS.asyncClient(), url, dlq);

    assertThat(effects.sendToDeadLetterQueue(original, REPORT).join()).isTrue();

    Message dead =
        SQS.syncClient()
            .receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(1).messageAttributeNames("All"))
            .messages()
            .get(0);
    assertThat(dead.body()).isEqualTo("{\"raw\": \"body ✓\"}");
    assertThat(dead.messageAttributes().get(MessageEffects.ATTR_ORIGINAL_MESSAGE_ID).stringValue())
        .isEqualTo(original.messageId());
    assertThat(dead.messageAttributes().get(FailureReport.ATTR_ATTEMPTS).stringValue()).isEqualTo("5");
    assertThat(dead.messageAttributes().get("tenant").stringValue()).isEqualTo("t1");
  }

  @Test
  void sendsToAFifoDeadLetterQueueInTheOriginalGroup() {
    String url = SQS.createFifoQueue("effects-fifo-src");
    String dlq = SQS.createFifoQueue("effects-fifo-dlq");
    SQS.syncClient()
        .sendMessage(b -> b.queueUrl(url).messageBody("x").messageGroupId("g7").messageDeduplicationId("d1"));
    Message original =
        SQS.syncClient()
            .receiveMessage(
                b ->
                    b.queueUrl(url)
                        .waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID))
            .messages()
            .get(0);
    MessageEffects effects = new MessageEffects(SQS.asyncClient(), url, dlq);

    assertThat(effects.sendToDeadLetterQueue(original, REPORT).join()).isTrue();

    Message dead =
        SQS.syncClient()
            .receiveMessage(
                b ->
                    b.queueUrl(dlq)
                        .waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID))
            .messages()
            .get(0);
    assertThat(dead.attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "g7");
  }

  @Test
  void aMissingDeadLetterQueueIsReportedAsFalseNotThrown() {
    String url = SQS.createQueue("effects-missing");
    Message original = Message.builder().messageId("m-1").receiptHandle("r").body("b").build();
    MessageEffects effects = new MessageEffects(SQS.asyncClient(), url, url + "-does-not-exist");

    assertThat(effects.sendToDeadLetterQueue(original, REPORT).join()).isFalse();
  }

  @Test
  void deadLetterAttributesPutTheFailureFirstThenTheEnvelopeThenWhatFits() {
    Map<String, MessageAttributeValue> originals = new LinkedHashMap<>();
    for (int i = 0; i < 9; i++) {
      originals.put("user-" + i, MessageAttributeValue.builder().dataType("String").stringValue("v" + i).build());
    }
    originals.put(
        FailureReport.ATTR_REASON, MessageAttributeValue.builder().dataType("String").stringValue("old").build());
    Message original = Message.builder().messageId("m-9").body("b").messageAttributes(originals).build();
    Webhook webhook =
        Webhook.builder().deliveryId("d-1").source("github").receivedAt(Instant.EPOCH).build();

    Map<String, MessageAttributeValue> attributes =
        MessageEffects.deadLetterAttributes(original, REPORT, webhook);

    // SQS allows at most 10 message attributes (SQS developer guide, message attributes).
    assertThat(attributes).hasSize(10);
    assertThat(attributes.keySet())
        .containsSequence(
            FailureReport.ATTR_REASON,
            FailureReport.ATTR_ERROR_TYPE,
            FailureReport.ATTR_ERROR_MESSAGE,
            FailureReport.ATTR_ATTEMPTS,
            FailureReport.ATTR_FIRST_RECEIVED_AT,
            FailureReport.ATTR_LAST_FAILED_AT,
            MessageEffects.ATTR_ORIGINAL_MESSAGE_ID,
            EnvelopeCodec.ATTR_DELIVERY_ID,
            EnvelopeCodec.ATTR_SOURCE,
            "user-0");
    assertThat(attributes.get(FailureReport.ATTR_REASON).stringValue()).isEqualTo("attempts_exhausted");
    assertThat(attributes.get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue()).isEqualTo("d-1");

    Map<String, MessageAttributeValue> undecoded =
        MessageEffects.deadLetterAttributes(original, REPORT);
    assertThat(undecoded).hasSize(10).containsKeys("user-0", "user-1", "user-2");
  }

  @Test
  void aDirectIntegrationMessageIsDeadLetteredAsAnEnvelopeThatKeepsItsHeadersAndReceiptTime() {
    String url = SQS.createQueue("effects-direct-src");
    String dlq = SQS.createQueue("effects-direct-dlq");
    Message original = sendAndReceiveDirect(url);
    Webhook decoded = EnvelopeCodec.defaults().decode(original.body(), SqsMessages.stringAttributes(original));
    MessageEffects effects = new MessageEffects(SQS.asyncClient(), url, dlq);

    assertThat(effects.sendToDeadLetterQueue(original, REPORT, decoded).join()).isTrue();

    Message dead = receiveOne(dlq);
    // Failure report (6) + original id + delivery id + source + envelope version: the headers would not have fitted.
    assertThat(dead.messageAttributes()).hasSize(10).containsKey(EnvelopeCodec.ATTR_VERSION);
    assertThat(dead.messageAttributes().get(FailureReport.ATTR_ATTEMPTS).stringValue()).isEqualTo("5");
    // Redriven, the copy decodes to the same webhook, still to be verified, as of the same receipt time.
    Webhook again = EnvelopeCodec.defaults().decode(dead.body(), SqsMessages.stringAttributes(dead));
    assertThat(again).isEqualTo(decoded);
    assertThat(again.headers().first("Stripe-Signature")).contains("t=1767225600,v1=abc123");
    assertThat(again.receivedAt()).isEqualTo(Instant.ofEpochMilli(1767225600123L));
    assertThat(again.verification()).isEqualTo(Verification.DEFERRED);
  }

  @Test
  void theDeadLetterEnvelopeIsWrittenWithTheConsumersCodec() {
    String url = SQS.createQueue("effects-direct-codec-src");
    String dlq = SQS.createQueue("effects-direct-codec-dlq");
    EnvelopeCodec codec = EnvelopeCodec.builder().sensitiveHeaders(List.of("X-Request-Id")).build();
    Message original = sendAndReceiveDirect(url);
    Webhook decoded = EnvelopeCodec.defaults().decode(original.body(), SqsMessages.stringAttributes(original));
    assertThat(decoded.headers().first("x-request-id")).contains("req-1");

    assertThat(new MessageEffects(SQS.asyncClient(), url, dlq, codec).sendToDeadLetterQueue(original, REPORT, decoded)
            .join())
        .isTrue();

    Message dead = receiveOne(dlq);
    Webhook again = codec.decode(dead.body(), SqsMessages.stringAttributes(dead));
    assertThat(again.headers().first("x-request-id")).isEmpty();
    assertThat(again.headers().first("Stripe-Signature")).contains("t=1767225600,v1=abc123");
  }

  /** Puts a message on the queue as the API Gateway mapping template writes it, and receives it. */
  private static Message sendAndReceiveDirect(String url) {
    Map<String, MessageAttributeValue> direct = new LinkedHashMap<>();
    direct.put(EnvelopeCodec.ATTR_SOURCE, string("stripe"));
    direct.put(EnvelopeCodec.ATTR_RECEIVED_AT, string("1767225600123"));
    direct.put(EnvelopeCodec.ATTR_CONTENT_TYPE, string("application/json"));
    direct.put(EnvelopeCodec.ATTR_HEADER_PREFIX + "stripe-signature", string("t=1767225600,v1=abc123"));
    direct.put(EnvelopeCodec.ATTR_HEADER_PREFIX + "x-request-id", string("req-1"));
    String body = "{\"id\":\"evt_1\",\"note\":\"a & b + 100% ✓\"}";
    SQS.syncClient().sendMessage(b -> b.queueUrl(url).messageBody(body).messageAttributes(direct));
    return receiveOne(url);
  }

  private static Message receiveOne(String url) {
    return SQS.syncClient()
        .receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1).messageAttributeNames("All"))
        .messages()
        .get(0);
  }

  @Test
  void anEnvelopesDeadLetterCopyKeepsItsVersionAttributeAheadOfOtherAttributes() {
    Map<String, MessageAttributeValue> originals = new LinkedHashMap<>();
    originals.put(EnvelopeCodec.ATTR_DELIVERY_ID, string("d-1"));
    originals.put(EnvelopeCodec.ATTR_SOURCE, string("github"));
    originals.put("a-user-attribute", string("sorted first"));
    originals.put(EnvelopeCodec.ATTR_VERSION, string("1"));
    Message original = Message.builder().messageId("m-1").body("{}").messageAttributes(originals).build();
    Webhook webhook = Webhook.builder().deliveryId("d-1").source("github").receivedAt(Instant.EPOCH).build();

    Map<String, MessageAttributeValue> attributes = MessageEffects.deadLetterAttributes(original, REPORT, webhook);

    assertThat(attributes).hasSize(10).containsEntry(EnvelopeCodec.ATTR_VERSION, string("1"));
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
