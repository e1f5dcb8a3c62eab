package dev.hookline.sqs;

import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.testkit.ElasticMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Sending and inspecting test queues through the extension's sync client. */
final class SqsTestQueues {

  private final ElasticMqExtension sqs;

  SqsTestQueues(ElasticMqExtension sqs) {
    this.sqs = sqs;
  }

  /** Sends one webhook message per id, 10 per batch call; for FIFO queues {@code group} picks each id's group. */
  void send(String queueUrl, List<String> ids, Function<String, String> group) {
    for (int from = 0; from < ids.size(); from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(ids.size(), from + 10); i++) {
        String id = ids.get(i);
        EncodedEnvelope envelope = TestWebhooks.envelope(id);
        SendMessageBatchRequestEntry.Builder e =
            SendMessageBatchRequestEntry.builder()
                .id("e" + i)
                .messageBody(envelope.body())
                .messageAttributes(strings(envelope.attributes()));
        if (group != null) {
          e.messageGroupId(group.apply(id)).messageDeduplicationId(id);
        }
        entries.add(e.build());
      }
      var response = sqs.syncClient().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      if (!response.failed().isEmpty()) {
        throw new AssertionError("send failed: " + response.failed());
      }
    }
  }

  void send(String queueUrl, List<String> ids) {
    send(queueUrl, ids, null);
  }

  /** Sends a raw body that is not an envelope. */
  void sendRaw(String queueUrl, String body, Map<String, String> attributes) {
    sqs.syncClient()
        .sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).messageAttributes(strings(attributes)));
  }

  static Map<String, MessageAttributeValue> strings(Map<String, String> values) {
    Map<String, MessageAttributeValue> result = new HashMap<>();
    values.forEach(
        (k, v) -> result.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
    return result;
  }

  /** Returns visible plus in-flight (and delayed) messages on a queue. */
  int depth(String queueUrl) {
    return sqs.depth(queueUrl);
  }

  /** Receives (and deletes) messages from a queue until {@code count} arrived or the timeout passed. */
  List<Message> drain(String queueUrl, int count, Duration timeout) {
    List<Message> result = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (result.size() < count && System.nanoTime() < deadline) {
      List<Message> got =
          sqs.syncClient()
              .receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageAttributeNames("All")
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
              .messages();
      for (Message m : got) {
        result.add(m);
        sqs.syncClient().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
      }
    }
    return result;
  }
}
