package dev.hookline.sqs.admin;

import dev.hookline.core.envelope.EnvelopeCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskRequest;

/**
 * Moves dead-lettered messages back to be processed again, in one of two ways.
 *
 * <ul>
 *   <li>{@link #startMoveTask}/{@link #redriveAll}: everything, by SQS's message move task
 *       ({@code StartMessageMoveTask}); SQS copies each message as it is, failure attributes included. Progress via
 *       {@link #moveTaskStatus()}, stop with {@link #cancelMoveTask(String)}.
 *   <li>{@link #redriveMatching}: only the messages a {@link DeadLetterFilter} selects. Each is sent to the target
 *       queue with the same body and envelope attributes but without the failure attributes (so the consumer counts
 *       attempts afresh), and only then deleted from the DLQ. A failure between the two steps leaves the message in
 *       both queues: a redrive may duplicate, it never loses. The consumer's idempotency store absorbs duplicates by
 *       delivery id.
 * </ul>
 *
 * <p>FIFO targets: the message group id is the DLQ message's own group id if it has one, else its source, else
 * {@code "hookline-redrive"}; the deduplication id is {@code redrive-<dlqMessageId>}. It must differ from the
 * original's (SQS drops a message whose deduplication id was seen in the last five minutes), and being tied to the
 * DLQ message it also absorbs the duplicate sent when a redrive is retried after a failed delete, within those five
 * minutes.
 *
 * <p>Thread-safety: immutable and thread-safe, but run one redrive per DLQ at a time. The client belongs to the
 * caller.
 */
public final class DlqRedriver {

  private static final Logger log = LoggerFactory.getLogger(DlqRedriver.class);

  /** Group id used for FIFO targets when a message has neither a group id nor a source. */
  static final String DEFAULT_GROUP_ID = "hookline-redrive";

  private static final Set<String> FINISHED = Set.of("COMPLETED", "CANCELLED", "FAILED");

  private final SqsClient sqsClient;
  private final String dlqUrl;
  private final Duration visibility;
  private final int maxMessages;
  private final Duration pollInterval;

  private DlqRedriver(Builder b) {
    this.sqsClient = b.sqsClient;
    this.dlqUrl = b.dlqUrl;
    this.visibility = b.visibility;
    this.maxMessages = b.maxMessages;
    this.pollInterval = b.pollInterval;
  }

  /**
   * Returns a new builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts an SQS message move task from the DLQ.
   *
   * @param destinationQueueUrl the queue to move to; empty moves each message back to the queue it came from
   *     (only known for messages that SQS itself dead-lettered)
   * @param maxMessagesPerSecond a rate limit, if any (SQS allows 1 to 500)
   * @return the task handle
   * @throws software.amazon.awssdk.core.exception.SdkException if SQS refuses (for example a task already runs)
   */
  public String startMoveTask(Optional<String> destinationQueueUrl, Optional<Integer> maxMessagesPerSecond) {
    StartMessageMoveTaskRequest.Builder req = StartMessageMoveTaskRequest.builder().sourceArn(arn(dlqUrl));
    destinationQueueUrl.ifPresent(url -> req.destinationArn(arn(url)));
    maxMessagesPerSecond.ifPresent(req::maxNumberOfMessagesPerSecond);
    String handle = sqsClient.startMessageMoveTask(req.build()).taskHandle();
    log.info("Started DLQ move task dlqUrl={} destination={}", dlqUrl, destinationQueueUrl.orElse("(original)"));
    return handle;
  }

  /**
   * Returns the most recent move task of this DLQ, if any.
   *
   * @return its status
   */
  public Optional<MoveTaskStatus> moveTaskStatus() {
    List<ListMessageMoveTasksResultEntry> tasks =
        sqsClient.listMessageMoveTasks(b -> b.sourceArn(arn(dlqUrl)).maxResults(1)).results();
    return tasks.isEmpty() ? Optional.empty() : Optional.of(MoveTaskStatus.of(tasks.get(0)));
  }

  /**
   * Cancels a running move task; messages already moved stay moved.
   *
   * @param taskHandle the handle from {@link #startMoveTask}
   * @return the number of messages moved so far, as SQS reports it
   */
  public long cancelMoveTask(String taskHandle) {
    Objects.requireNonNull(taskHandle, "taskHandle");
    Long moved = sqsClient.cancelMessageMoveTask(b -> b.taskHandle(taskHandle)).approximateNumberOfMessagesMoved();
    return moved == null ? 0 : moved;
  }

  /**
   * Starts a move task and waits until it finishes, reporting each status seen.
   *
   * @param destinationQueueUrl as for {@link #startMoveTask}
   * @param maxMessagesPerSecond as for {@link #startMoveTask}
   * @param timeout how long to wait; the task goes on running after a timeout
   * @param progress called with each status (a throwing callback is logged and ignored)
   * @return the last status seen (finished unless the timeout passed)
   * @throws InterruptedException if interrupted while waiting
   */
  public MoveTaskStatus redriveAll(
      Optional<String> destinationQueueUrl,
      Optional<Integer> maxMessagesPerSecond,
      Duration timeout,
      Consumer<MoveTaskStatus> progress)
      throws InterruptedException {
    Objects.requireNonNull(progress, "progress");
    startMoveTask(destinationQueueUrl, maxMessagesPerSecond);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<MoveTaskStatus> status = moveTaskStatus();
      if (status.isPresent()) {
        try {
          progress.accept(status.get());
        } catch (RuntimeException e) {
          log.warn("Move task progress callback threw; ignored", e);
        }
        if (status.get().finished() || System.nanoTime() - deadline >= 0) {
          return status.get();
        }
      } else if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException("move task for " + dlqUrl + " not listed before the timeout");
      }
      Thread.sleep(pollInterval.toMillis());
    }
  }

  /**
   * Sends every message that matches {@code filter} to {@code targetQueueUrl} with its attempt information reset,
   * then deletes it from the DLQ. Messages that do not match are made visible again. At most
   * {@link Builder#maxMessages(int)} messages are examined.
   *
   * @param filter which messages to redrive
   * @param targetQueueUrl the queue to send them to, normally the source queue
   * @return what was moved, skipped and failed
   */
  public RedriveReport redriveMatching(DeadLetterFilter filter, String targetQueueUrl) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(targetQueueUrl, "targetQueueUrl");
    boolean fifo = targetQueueUrl.endsWith(".fifo");
    List<String> release = new ArrayList<>();
    List<String> failedIds = new ArrayList<>();
    int moved = 0;
    int skipped = 0;
    try {
      // Short polls (no wait): a redrive should not stall on an empty queue.
      DlqMessages.Scan scan =
          new DlqMessages.Scan(sqsClient, dlqUrl, DlqMessages.MAX_BATCH, maxMessages, visibility, Duration.ZERO);
      while (scan.hasMore()) {
        List<Message> matching = new ArrayList<>();
        for (Message m : scan.next(release)) {
          if (filter.matches(DeadLetterInfo.from(m))) {
            matching.add(m);
          } else {
            skipped++;
            release.add(m.receiptHandle());
          }
        }
        if (!matching.isEmpty()) {
          moved += moveBatch(matching, targetQueueUrl, fifo, release, failedIds);
        }
      }
    } finally {
      DlqMessages.release(sqsClient, dlqUrl, release);
    }
    RedriveReport report = new RedriveReport(moved, skipped, failedIds);
    log.info("Redrove DLQ messages dlqUrl={} moved={} skipped={} failed={}", dlqUrl, moved, skipped, failedIds.size());
    return report;
  }

  /** Sends one batch, then deletes what was sent. Returns how many were sent and deleted. */
  private int moveBatch(
      List<Message> batch, String targetQueueUrl, boolean fifo, List<String> release, List<String> failedIds) {
    Map<String, Message> byEntry = new LinkedHashMap<>();
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Message m = batch.get(i);
      String id = Integer.toString(i);
      byEntry.put(id, m);
      SendMessageBatchRequestEntry.Builder e =
          SendMessageBatchRequestEntry.builder().id(id).messageBody(m.body()).messageAttributes(keptAttributes(m));
      if (fifo) {
        e.messageGroupId(groupId(m)).messageDeduplicationId("redrive-" + m.messageId());
      }
      entries.add(e.build());
    }
    List<Message> sent = new ArrayList<>();
    try {
      SendMessageBatchResponse response =
          sqsClient.sendMessageBatch(b -> b.queueUrl(targetQueueUrl).entries(entries));
      response.successful().forEach(s -> sent.add(byEntry.get(s.id())));
      response.failed().forEach(f -> {
        Message m = byEntry.get(f.id());
        failedIds.add(m.messageId());
        release.add(m.receiptHandle());
        log.warn("Redrive send failed messageId={} code={}", m.messageId(), f.code());
      });
    } catch (SdkException e) {
      for (Message m : batch) {
        failedIds.add(m.messageId());
        release.add(m.receiptHandle());
      }
      log.warn("Redrive send failed count={} targetQueueUrl={}", batch.size(), targetQueueUrl, e);
      return 0;
    }
    if (sent.isEmpty()) {
      return 0;
    }
    // Sent but not yet deleted: a failure from here on leaves the message in both queues (a duplicate, never a
    // loss). It is made visible in the DLQ again (or becomes so when its visibility ends) and can be redriven or
    // deleted later.
    Map<String, Message> deleting = new HashMap<>();
    List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
    for (int i = 0; i < sent.size(); i++) {
      deleting.put(Integer.toString(i), sent.get(i));
      deletes.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(sent.get(i).receiptHandle())
              .build());
    }
    try {
      DeleteMessageBatchResponse response = sqsClient.deleteMessageBatch(b -> b.queueUrl(dlqUrl).entries(deletes));
      response.failed().forEach(f -> {
        Message m = deleting.get(f.id());
        failedIds.add(m.messageId());
        release.add(m.receiptHandle());
        log.warn("Redrive delete failed; message is now in both queues messageId={} code={}", m.messageId(), f.code());
      });
      return response.successful().size();
    } catch (SdkException e) {
      sent.forEach(m -> {
        failedIds.add(m.messageId());
        release.add(m.receiptHandle());
      });
      log.warn("Redrive delete failed; messages are now in both queues count={}", sent.size(), e);
      return 0;
    }
  }

  private static Map<String, MessageAttributeValue> keptAttributes(Message m) {
    Map<String, MessageAttributeValue> kept = new LinkedHashMap<>();
    m.messageAttributes().forEach((k, v) -> {
      if (!DlqMessages.FAILURE_ATTRIBUTES.contains(k)) {
        kept.put(k, v);
      }
    });
    return kept;
  }

  private static String groupId(Message m) {
    String group = m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    if (group != null && !group.isEmpty()) {
      return group;
    }
    MessageAttributeValue source = m.messageAttributes().get(EnvelopeCodec.ATTR_SOURCE);
    return source != null && source.stringValue() != null ? source.stringValue() : DEFAULT_GROUP_ID;
  }

  private String arn(String queueUrl) {
    return sqsClient
        .getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes()
        .get(QueueAttributeName.QUEUE_ARN);
  }

  @Override
  public String toString() {
    return "DlqRedriver{dlqUrl=" + dlqUrl + ", maxMessages=" + maxMessages + "}";
  }

  /**
   * The state of an SQS message move task.
   *
   * @param taskHandle the handle (present only while the task runs)
   * @param status {@code RUNNING}, {@code COMPLETED}, {@code CANCELLING}, {@code CANCELLED} or {@code FAILED}
   * @param moved approximately how many messages were moved
   * @param toMove approximately how many messages were to be moved when the task started
   * @param failureReason why the task failed, if it did
   */
  public record MoveTaskStatus(
      Optional<String> taskHandle, String status, long moved, long toMove, Optional<String> failureReason) {

    static MoveTaskStatus of(ListMessageMoveTasksResultEntry e) {
      return new MoveTaskStatus(
          Optional.ofNullable(e.taskHandle()),
          e.status() == null ? "UNKNOWN" : e.status(),
          e.approximateNumberOfMessagesMoved() == null ? 0 : e.approximateNumberOfMessagesMoved(),
          e.approximateNumberOfMessagesToMove() == null ? 0 : e.approximateNumberOfMessagesToMove(),
          Optional.ofNullable(e.failureReason()));
    }

    /**
     * Tells whether the task has ended (completed, cancelled or failed).
     *
     * @return true if it will move no more messages
     */
    public boolean finished() {
      return FINISHED.contains(status);
    }
  }

  /**
   * The outcome of a selective redrive.
   *
   * @param moved messages sent to the target and deleted from the DLQ
   * @param skipped messages that did not match the filter, left in the DLQ
   * @param failedMessageIds DLQ message ids not moved, or sent but not deleted (then in both queues)
   */
  public record RedriveReport(int moved, int skipped, List<String> failedMessageIds) {

    /**
     * Copies the list.
     *
     * @param moved messages sent to the target and deleted from the DLQ
     * @param skipped messages that did not match the filter, left in the DLQ
     * @param failedMessageIds DLQ message ids not moved, or sent but not deleted (then in both queues)
     */
    public RedriveReport {
      failedMessageIds = List.copyOf(failedMessageIds);
    }

    /**
     * Returns how many messages failed.
     *
     * @return the count
     */
    public int failed() {
      return failedMessageIds.size();
    }
  }

  /** Builds a {@link DlqRedriver}; not thread-safe. */
  public static final class Builder {
    private SqsClient sqsClient;
    private String dlqUrl;
    private Duration visibility = Duration.ofSeconds(30);
    private int maxMessages = 10_000;
    private Duration pollInterval = Duration.ofSeconds(1);

    private Builder() {}

    /**
     * Sets the SQS client (required; the caller closes it).
     *
     * @param sqsClient the client
     * @return this builder
     */
    public Builder sqsClient(SqsClient sqsClient) {
      this.sqsClient = Objects.requireNonNull(sqsClient, "sqsClient");
      return this;
    }

    /**
     * Sets the dead-letter queue's URL (required).
     *
     * @param dlqUrl the URL
     * @return this builder
     */
    public Builder dlqUrl(String dlqUrl) {
      this.dlqUrl = Objects.requireNonNull(dlqUrl, "dlqUrl");
      return this;
    }

    /**
     * Sets how long messages stay hidden while a selective redrive examines them, 1 s to 12 h (default 30 s).
     *
     * @param visibility the visibility timeout used when receiving
     * @return this builder
     */
    public Builder visibility(Duration visibility) {
      this.visibility = Objects.requireNonNull(visibility, "visibility");
      return this;
    }

    /**
     * Sets the most messages one selective redrive examines (default 10,000).
     *
     * @param maxMessages the bound, at least 1
     * @return this builder
     */
    public Builder maxMessages(int maxMessages) {
      this.maxMessages = maxMessages;
      return this;
    }

    /**
     * Sets how often {@link DlqRedriver#redriveAll} asks for the move task's progress (default 1 s).
     *
     * @param pollInterval the interval, positive
     * @return this builder
     */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
      return this;
    }

    /**
     * Builds the redriver.
     *
     * @return the redriver
     * @throws IllegalArgumentException if a setting is missing or out of range (the message names it)
     */
    public DlqRedriver build() {
      DlqMessages.requireClientAndQueue(sqsClient, dlqUrl);
      DlqMessages.requireVisibility(visibility, "visibility");
      if (maxMessages < 1) {
        throw new IllegalArgumentException("maxMessages must be >= 1, was " + maxMessages);
      }
      if (pollInterval.isZero() || pollInterval.isNegative()) {
        throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
      }
      return new DlqRedriver(this);
    }
  }
}
