package dev.hookline.sqs.admin;

import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.sqs.internal.DeadLetterFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
  static final int MAX_BATCH = SqsLimits.MAX_BATCH_ENTRIES;

  /** Attributes that describe a failure, dropped when a message is redriven. */
  static final Set<String> FAILURE_ATTRIBUTES = DeadLetterFormat.FAILURE_ATTRIBUTES;

  private DlqMessages() {}

  /**
   * The builders' shared checks of the client and the queue URL.
   *
   * @throws IllegalArgumentException starting with {@code sqsClient} or {@code dlqUrl} when one is missing
   */
  static void requireClientAndQueue(SqsClient sqsClient, String dlqUrl) {
    if (sqsClient == null) {
      throw new IllegalArgumentException("sqsClient must be set");
    }
    if (dlqUrl == null || dlqUrl.isBlank()) {
      throw new IllegalArgumentException("dlqUrl must be set");
    }
  }

  /**
   * Checks a receive visibility timeout against SQS's range, 1 s (we need some time to act) to 12 hours.
   *
   * @throws IllegalArgumentException starting with {@code field} when it is out of range
   */
  static void requireVisibility(Duration visibility, String field) {
    if (visibility.compareTo(Duration.ofSeconds(1)) < 0 || visibility.compareTo(SqsLimits.MAX_VISIBILITY) > 0) {
      throw new IllegalArgumentException(field + " must be 1s..12h, was " + visibility);
    }
  }

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
   * One pass over a queue: pages of messages not seen before in this pass, until {@code maxMessages} were seen or
   * the queue looks empty. A message received again (its visibility ran out during a long pass) is not handed out a
   * second time; its receipt handle goes to the caller's release list. Not thread-safe.
   */
  static final class Scan {
    private final SqsClient sqs;
    private final String queueUrl;
    private final int pageSize;
    private final int maxMessages;
    private final int visibilitySeconds;
    private final int waitSeconds;
    private final int emptyLimit;
    private final Set<String> seen = new HashSet<>();
    private int emptyInARow;

    Scan(SqsClient sqs, String queueUrl, int pageSize, int maxMessages, Duration visibility, Duration wait) {
      this.sqs = sqs;
      this.queueUrl = queueUrl;
      this.pageSize = pageSize;
      this.maxMessages = maxMessages;
      this.visibilitySeconds = (int) visibility.getSeconds();
      this.waitSeconds = (int) wait.getSeconds();
      // Short polls sample a subset of SQS servers and may come back empty while messages remain, so two answers in
      // a row without a new message end the pass; a long poll asks every server, so one is enough.
      this.emptyLimit = waitSeconds == 0 ? 2 : 1;
    }

    /** Returns whether another page should be received. */
    boolean hasMore() {
      return seen.size() < maxMessages && emptyInARow < emptyLimit;
    }

    /**
     * Receives the next page.
     *
     * @param release collects the receipt handles of messages received again, to be released by the caller
     * @return the messages seen for the first time, in the order received
     */
    List<Message> next(List<String> release) {
      List<Message> page =
          receive(sqs, queueUrl, Math.min(pageSize, maxMessages - seen.size()), visibilitySeconds, waitSeconds);
      List<Message> fresh = new ArrayList<>(page.size());
      for (Message m : page) {
        if (seen.add(m.messageId())) {
          fresh.add(m);
        } else {
          release.add(m.receiptHandle());
        }
      }
      emptyInARow = fresh.isEmpty() ? emptyInARow + 1 : 0;
      return fresh;
    }
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
