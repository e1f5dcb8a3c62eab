package dev.hookline.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Turns messages really received from ElasticMQ into the SQS event Lambda would deliver: each record is the
 * template's record ({@code events/sqs-standard.json} or {@code events/sqs-fifo.json}, shaped like AWS's sample
 * events) with the message's id, receipt handle, body, MD5, system attributes and message attributes, serialized to
 * JSON and read back with the runtime's serializer.
 */
public final class SqsEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SqsEvents() {}

  /** Builds the event JSON for messages from a queue with the given ARN. */
  public static String json(String template, String queueArn, List<Message> messages) {
    try {
      ObjectNode event = (ObjectNode) JSON.readTree(Events.template(template));
      ObjectNode sample = (ObjectNode) event.withArray("Records").get(0);
      ArrayNode records = JSON.createArrayNode();
      for (Message m : messages) {
        ObjectNode record = sample.deepCopy();
        record.put("messageId", m.messageId());
        record.put("receiptHandle", m.receiptHandle());
        record.put("body", m.body());
        record.put("md5OfBody", m.md5OfBody());
        record.put("eventSourceARN", queueArn);
        ObjectNode attributes = record.putObject("attributes");
        m.attributesAsStrings().forEach(attributes::put);
        ObjectNode messageAttributes = record.putObject("messageAttributes");
        for (Map.Entry<String, MessageAttributeValue> e : m.messageAttributes().entrySet()) {
          ObjectNode value = messageAttributes.putObject(e.getKey());
          value.put("stringValue", e.getValue().stringValue());
          value.putArray("stringListValues");
          value.putArray("binaryListValues");
          value.put("dataType", e.getValue().dataType());
        }
        records.add(record);
      }
      event.set("Records", records);
      return JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Builds and deserializes the event as the Lambda Java runtime does. */
  public static SQSEvent event(String template, String queueArn, List<Message> messages) {
    return Events.parse(json(template, queueArn, messages), SQSEvent.class);
  }

  /** Returns the event with one system attribute of one record replaced, as JSON read back by the runtime. */
  public static SQSEvent withAttribute(
      String template, String queueArn, List<Message> messages, int index, String name, String value) {
    try {
      ObjectNode event = (ObjectNode) JSON.readTree(json(template, queueArn, messages));
      ((ObjectNode) event.withArray("Records").get(index).get("attributes")).put(name, value);
      return Events.parse(JSON.writeValueAsString(event), SQSEvent.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns the event with the {@code messageId} of some records replaced (a null value writes JSON null), as JSON
   * read back by the runtime.
   */
  public static SQSEvent withMessageIds(String template, String queueArn, List<Message> messages, Map<Integer, String> ids) {
    try {
      ObjectNode event = (ObjectNode) JSON.readTree(json(template, queueArn, messages));
      ids.forEach((index, id) -> ((ObjectNode) event.withArray("Records").get(index)).put("messageId", id));
      return Events.parse(JSON.writeValueAsString(event), SQSEvent.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ids the function reported as failures. */
  public static Set<String> failures(SQSBatchResponse response) {
    return response.getBatchItemFailures().stream()
        .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .collect(Collectors.toSet());
  }

  /** Does what Lambda does after a partial batch response: deletes every record not reported as failed. */
  public static List<String> lambdaDeletesSuccesses(SqsClient sqs, String queueUrl, SQSEvent event, SQSBatchResponse response) {
    Set<String> failed = failures(response);
    List<String> deleted = new ArrayList<>();
    for (SQSEvent.SQSMessage record : event.getRecords()) {
      if (!failed.contains(record.getMessageId())) {
        sqs.deleteMessage(DeleteMessageRequest.builder().queueUrl(queueUrl).receiptHandle(record.getReceiptHandle()).build());
        deleted.add(record.getMessageId());
      }
    }
    return deleted;
  }

  /** Receives up to {@code count} messages with all attributes, polling until a deadline. */
  public static List<Message> receive(SqsClient sqs, String queueUrl, int count, java.time.Duration within) {
    List<Message> received = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (received.size() < count && System.nanoTime() < deadline) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L);
      received.addAll(
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .maxNumberOfMessages(Math.min(10, count - received.size()))
                          .waitTimeSeconds((int) Math.min(2, left))
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                          .messageAttributeNames("All"))
              .messages());
    }
    return received;
  }
}
