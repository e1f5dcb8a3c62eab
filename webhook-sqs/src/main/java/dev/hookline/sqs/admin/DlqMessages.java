package dev.hookline.sqs.admin;

import dev.hookline.core.retry.FailureReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/** Receiving and releasing DLQ messages, shared by the inspector and the redriver. */
final class DlqMessages {

  private static final Logger log = LoggerFactory.getLogger(DlqMessages.class);

  /** SQS allows at most 10 entries per batch request. */
  static final int MAX_BATCH = 10;

  /** Attributes that describe a failure, dropped when a message is redriven. */
  static final Set<String> FAILURE_ATTRIBUTES =
      Set.of(
          FailureReport.ATTR_REASON,
          FailureReport.ATTR_ERROR_TYPE,
          FailureReport.ATTR_ERROR_MESSAGE,
          FailureReport.ATTR_ATTEMPTS,
          FailureReport.ATTR_FIRST_RECEIVED_AT,
          FailureReport.ATTR_LAST_FAILED_AT,
          DeadLetterInfo.ATTR_ORIGINAL_MESSAGE_ID);

  private DlqMessages() {}

  static Map<String, String> stringAttributes(Message m) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, MessageAttributeValue> e : m.messageAttributes().entrySet()) {
      if (e.getValue().stringValue() != null) {
        out.put(e.getKey(), e.getValue().stringValue());
      }
    }
    return out;
  }

  static List<Message> receive(SqsClient sqs, String queueUrl, int max, int visibilitySeconds, int waitSeconds) {
    return sqs.receiveMessage(
            ReceiveMessageRequest.builder()
                .queueUrl(queueUrl)
                .maxNumberOfMessages(max)
                .visibilityTimeout(visibilitySeconds)
                .waitTimeSeconds(waitSeconds)
                .messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .build())
        .messages();
  }

  /**
   * Makes the messages visible again at once (visibility 0), in batches. Failures are logged: such a message
   * becomes visible again when its visibility timeout ends, so nothing is lost.
   *
   * @return how many could not be released
   */
  static int release(SqsClient sqs, String queueUrl, List<String> receiptHandles) {
    int failed = 0;
    for (int from = 0; from < receiptHandles.size(); from += MAX_BATCH) {
      List<String> chunk = receiptHandles.subList(from, Math.min(receiptHandles.size(), from + MAX_BATCH));
      List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        entries.add(
            ChangeMessageVisibilityBatchRequestEntry.builder()
                .id(Integer.toString(i))
                .receiptHandle(chunk.get(i))
                .visibilityTimeout(0)
                .build());
      }
      try {
        failed +=
            sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries)).failed().size();
      } catch (SdkException e) {
        failed += chunk.size();
        log.warn("Could not release DLQ messages count={} queueUrl={}", chunk.size(), queueUrl, e);
      }
    }
    return failed;
  }
}
