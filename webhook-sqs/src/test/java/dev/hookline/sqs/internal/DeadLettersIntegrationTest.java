package dev.hookline.sqs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.retry.FailureReport;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.EmbeddedSqs;
import dev.hookline.testkit.FaultProxy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class DeadLettersIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final FailureReport REPORT =
      new FailureReport(
          "attempts_exhausted",
          "java.lang.IllegalStateException",
          "no",
          5,
          Instant.parse("2026-01-01T00:00:00Z"),
          Instant.parse("2026-01-01T00:10:00Z"));

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
    Message original = receiveOne(url);
    DeadLetters effects = new DeadLetters(SQS.asyncClient(), dlq, EnvelopeCodec.defaults());

    assertThat(effects.send(original, REPORT, Optional.empty()).join()).isTrue();

    Message dead = receiveOne(dlq);
    assertThat(dead.body()).isEqualTo("{\"raw\": \"body ✓\"}");
    Map<String, String> failure = DeadLetterFormat.fields(SqsMessages.stringAttributes(dead));
    assertThat(failure).containsEntry("originalMessageId", original.messageId()).containsEntry("attempts", "5");
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
    DeadLetters effects = new DeadLetters(SQS.asyncClient(), dlq, EnvelopeCodec.defaults());

    assertThat(effects.send(original, REPORT, Optional.empty()).join()).isTrue();

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
    DeadLetters effects = new DeadLetters(SQS.asyncClient(), url + "-does-not-exist", EnvelopeCodec.defaults());

    assertThat(effects.send(original, REPORT, Optional.empty()).join()).isFalse();
  }

  @Test
  void aCopyCarriesTheFailureInOneAttributeThenTheEnvelopeThenWhatFitsLeavingThreeSlotsFree() {
    Map<String, MessageAttributeValue> originals = new LinkedHashMap<>();
    for (int i = 0; i < 9; i++) {
      originals.put("user-" + i, string("v" + i));
    }
    originals.put("hookline-failure-reason", string("old"));
    Message original = Message.builder().messageId("m-9").body("b").messageAttributes(originals).build();
    Webhook webhook =
        Webhook.builder().deliveryId("d-1").source("github").receivedAt(Instant.EPOCH).build();

    Map<String, MessageAttributeValue> attributes =
        DeadLetters.copyOf(original, REPORT, Optional.of(webhook), EnvelopeCodec.defaults()).attributes();

    // SQS allows at most 10 message attributes; a copy uses at most 7, so 3 stay free for later additions.
    assertThat(attributes).hasSize(7);
    assertThat(attributes.keySet())
        .containsSequence(
            DeadLetterFormat.ATTR_FAILURE,
            EnvelopeCodec.ATTR_DELIVERY_ID,
            EnvelopeCodec.ATTR_SOURCE,
            "user-0")
        .doesNotContain("hookline-failure-reason");
    DeadLetterFormat.Failure failure = DeadLetterFormat.read(SqsMessages.stringAttributes(
        Message.builder().messageAttributes(attributes).build()));
    assertThat(failure.reason()).isEqualTo("attempts_exhausted");
    assertThat(failure.attempts()).hasValue(5);
    assertThat(failure.originalMessageId()).contains("m-9");
    assertThat(failure.firstReceivedAt()).contains(REPORT.firstReceivedAt());
    assertThat(attributes.get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue()).isEqualTo("d-1");

    Map<String, MessageAttributeValue> undecoded =
        DeadLetters.copyOf(original, REPORT, Optional.empty(), EnvelopeCodec.defaults()).attributes();
    assertThat(undecoded).hasSize(7).containsKeys("user-0", "user-5").doesNotContainKey("user-6");
  }

  @Test
  void aDeadLetterThatWouldBeTooLargeStillArrivesWithItsReasonAndItsBodyUnchanged() {
    String url = SQS.createQueue("effects-large-src");
    String dlq = SQS.createQueue("effects-large-dlq");
    try (FaultProxy proxy = FaultProxy.start(SQS.server().endpoint());
        SqsAsyncClient client = EmbeddedSqs.newAsyncClientWithoutRetries(proxy.endpoint())) {
      proxy.enforceMessageSizeLimit();
      // The original fits with 150 bytes to spare (within 200 of the limit); the copy's failure attribute, with a
      // 1,000-character error message, would not.
      Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
      attributes.put("tenant", string("t1"));
      int attributeBytes = "tenant".length() + "String".length() + "t1".length();
      String body = "x".repeat(SqsLimits.MAX_MESSAGE_BYTES - 150 - attributeBytes);
      client.sendMessage(b -> b.queueUrl(url).messageBody(body).messageAttributes(attributes)).join();
      Message original = receiveOne(url);
      FailureReport longReport =
          new FailureReport(
              "attempts_exhausted", "java.lang.IllegalStateException", "why ".repeat(250), 5, Instant.EPOCH,
              Instant.EPOCH);
      DeadLetters.Copy unshortened =
          new DeadLetters.Copy(
              body,
              Map.of(
                  DeadLetterFormat.ATTR_FAILURE,
                  string(DeadLetterFormat.failureJson(longReport, original.messageId(), 1024))));
      assertThat(unshortened.size()).as("the full report would not fit").isGreaterThan(SqsLimits.MAX_MESSAGE_BYTES);
      assertThat(client.sendMessage(b -> b.queueUrl(dlq).messageBody(body).messageAttributes(unshortened.attributes()))
              .handle((r, e) -> e))
          .as("SQS (here the proxy) refuses it")
          .succeedsWithin(java.time.Duration.ofSeconds(10))
          .isNotNull();

      DeadLetters deadLetters = new DeadLetters(client, dlq, EnvelopeCodec.defaults());
      assertThat(deadLetters.send(original, longReport, Optional.empty()).join()).isTrue();

      Message dead = receiveOne(dlq);
      assertThat(dead.body()).isEqualTo(body);
      DeadLetterFormat.Failure failure = DeadLetterFormat.read(SqsMessages.stringAttributes(dead));
      assertThat(failure.reason()).isEqualTo("attempts_exhausted");
      assertThat(failure.attempts()).hasValue(5);
      assertThat(failure.errorMessage().orElse("")).hasSizeLessThan(longReport.errorMessage().length());
    }
  }

  @Test
  void aDirectIntegrationMessageIsDeadLetteredAsAnEnvelopeThatKeepsItsHeadersAndReceiptTime() {
    String url = SQS.createQueue("effects-direct-src");
    String dlq = SQS.createQueue("effects-direct-dlq");
    Message original = sendAndReceiveDirect(url);
    Webhook decoded = EnvelopeCodec.defaults().decode(original.body(), SqsMessages.stringAttributes(original));
    DeadLetters effects = new DeadLetters(SQS.asyncClient(), dlq, EnvelopeCodec.defaults());

    assertThat(effects.send(original, REPORT, Optional.of(decoded)).join()).isTrue();

    Message dead = receiveOne(dlq);
    // Failure + delivery id + source + envelope version: the headers travel inside the envelope.
    assertThat(dead.messageAttributes()).hasSize(4).containsKey(EnvelopeCodec.ATTR_VERSION);
    assertThat(DeadLetterFormat.read(SqsMessages.stringAttributes(dead)).attempts()).hasValue(5);
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

    assertThat(new DeadLetters(SQS.asyncClient(), dlq, codec).send(original, REPORT, Optional.of(decoded)).join())
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

    Map<String, MessageAttributeValue> attributes =
        DeadLetters.copyOf(original, REPORT, Optional.of(webhook), EnvelopeCodec.defaults()).attributes();

    assertThat(attributes).hasSize(5).containsEntry(EnvelopeCodec.ATTR_VERSION, string("1"));
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
