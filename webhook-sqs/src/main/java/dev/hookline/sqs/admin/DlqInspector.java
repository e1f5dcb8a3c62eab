package dev.hookline.sqs.admin;

import dev.hookline.core.envelope.SqsLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Lists the messages in a dead-letter queue without consuming them: it receives with a short visibility timeout,
 * reads each message's failure attributes, then makes every received message visible again
 * ({@code ChangeMessageVisibility} 0, in batches). Nothing is deleted. A message seen twice (its visibility ran
 * out during a long listing) is reported once.
 *
 * <pre>{@code
 * DlqInspector inspector = DlqInspector.builder().sqsClient(sqs).dlqUrl(dlqUrl).build();
 * for (DeadLetterInfo info : inspector.list()) { ... }
 * DlqInspector.Summary summary = inspector.summary();
 * }</pre>
 *
 * <p>While a listing runs, the messages it has received are invisible to other consumers (for at most
 * {@link #peekVisibility()}). Thread-safety: immutable and thread-safe; the client belongs to the caller.
 */
public final class DlqInspector {

  private final SqsClient sqsClient;
  private final String dlqUrl;
  private final int pageSize;
  private final Duration peekVisibility;
  private final Duration receiveWait;
  private final int maxMessages;

  private DlqInspector(Builder b) {
    this.sqsClient = b.sqsClient;
    this.dlqUrl = b.dlqUrl;
    this.pageSize = b.pageSize;
    this.peekVisibility = b.peekVisibility;
    this.receiveWait = b.receiveWait;
    this.maxMessages = b.maxMessages;
  }

  /**
   * Returns a new builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the dead-letter queue's URL} */
  public String dlqUrl() {
    return dlqUrl;
  }

  /** {@return the most messages one listing reads (default 1000)} */
  public int maxMessages() {
    return maxMessages;
  }

  /** {@return how long received messages stay hidden before they are released (default 30 s)} */
  public Duration peekVisibility() {
    return peekVisibility;
  }

  /**
   * Lists up to {@link #maxMessages()} messages and releases them all.
   *
   * @return the messages, in the order received, each once
   * @throws software.amazon.awssdk.core.exception.SdkException if receiving fails (messages already received are
   *     released first)
   */
  public List<DeadLetterInfo> list() {
    List<DeadLetterInfo> listed = new ArrayList<>();
    List<String> handles = new ArrayList<>();
    try {
      DlqMessages.Scan scan =
          new DlqMessages.Scan(sqsClient, dlqUrl, pageSize, maxMessages, peekVisibility, receiveWait);
      while (scan.hasMore()) {
        for (Message m : scan.next(handles)) {
          handles.add(m.receiptHandle());
          listed.add(DeadLetterInfo.from(m));
        }
      }
    } finally {
      DlqMessages.release(sqsClient, dlqUrl, handles);
    }
    return List.copyOf(listed);
  }

  /**
   * Lists the messages (as {@link #list()}) and counts them by reason and by source.
   *
   * @return the summary
   */
  public Summary summary() {
    return Summary.of(list());
  }

  @Override
  public String toString() {
    return "DlqInspector{dlqUrl=" + dlqUrl + ", pageSize=" + pageSize + ", maxMessages=" + maxMessages + "}";
  }

  /**
   * Counts of dead-lettered messages.
   *
   * @param total how many messages were listed
   * @param byReason count per failure reason, sorted by reason
   * @param bySource count per source ({@code "unknown"} for messages without one), sorted by source
   */
  public record Summary(int total, Map<String, Integer> byReason, Map<String, Integer> bySource) {

    /**
     * Copies the maps.
     *
     * @param total how many messages were listed
     * @param byReason count per failure reason, sorted by reason
     * @param bySource count per source ({@code "unknown"} for messages without one), sorted by source
     */
    public Summary {
      byReason = Collections.unmodifiableMap(new TreeMap<>(byReason));
      bySource = Collections.unmodifiableMap(new TreeMap<>(bySource));
    }

    /**
     * Counts the given messages.
     *
     * @param messages the messages
     * @return their summary
     */
    public static Summary of(List<DeadLetterInfo> messages) {
      Map<String, Integer> byReason = new TreeMap<>();
      Map<String, Integer> bySource = new TreeMap<>();
      for (DeadLetterInfo info : messages) {
        byReason.merge(info.reason(), 1, Integer::sum);
        bySource.merge(info.source().orElse("unknown"), 1, Integer::sum);
      }
      return new Summary(messages.size(), byReason, bySource);
    }
  }

  /** Builds a {@link DlqInspector}; not thread-safe. */
  public static final class Builder {
    private SqsClient sqsClient;
    private String dlqUrl;
    private int pageSize = 10;
    private Duration peekVisibility = Duration.ofSeconds(30);
    private Duration receiveWait = Duration.ofSeconds(1);
    private int maxMessages = 1000;

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
     * Sets how many messages one receive asks for, 1 to 10 (default 10, the SQS maximum).
     *
     * @param pageSize the page size
     * @return this builder
     */
    public Builder pageSize(int pageSize) {
      this.pageSize = pageSize;
      return this;
    }

    /**
     * Sets how long received messages stay hidden if releasing them fails, 1 s to 12 h in whole seconds (default
     * 30 s). Make it longer than a listing takes, or messages may be received twice (they are still reported once).
     *
     * @param peekVisibility the visibility timeout used when receiving
     * @return this builder
     */
    public Builder peekVisibility(Duration peekVisibility) {
      this.peekVisibility = Objects.requireNonNull(peekVisibility, "peekVisibility");
      return this;
    }

    /**
     * Sets the long-poll wait of each receive, 0 to 20 s in whole seconds (default 1 s: long polling asks every SQS
     * server, so an empty answer means an empty queue). Zero uses short polling.
     *
     * @param receiveWait the wait time
     * @return this builder
     */
    public Builder receiveWait(Duration receiveWait) {
      this.receiveWait = Objects.requireNonNull(receiveWait, "receiveWait");
      return this;
    }

    /**
     * Sets the most messages one listing reads (default 1000).
     *
     * @param maxMessages the bound, at least 1
     * @return this builder
     */
    public Builder maxMessages(int maxMessages) {
      this.maxMessages = maxMessages;
      return this;
    }

    /**
     * Builds the inspector.
     *
     * @return the inspector
     * @throws IllegalArgumentException if a setting is missing or out of range (the message names it)
     */
    public DlqInspector build() {
      DlqMessages.requireClientAndQueue(sqsClient, dlqUrl);
      if (pageSize < 1 || pageSize > DlqMessages.MAX_BATCH) {
        throw new IllegalArgumentException("pageSize must be 1..10, was " + pageSize);
      }
      DlqMessages.requireVisibility(peekVisibility, "peekVisibility");
      if (receiveWait.isNegative() || receiveWait.compareTo(SqsLimits.MAX_WAIT_TIME) > 0) {
        throw new IllegalArgumentException("receiveWait must be 0..20s, was " + receiveWait);
      }
      if (maxMessages < 1) {
        throw new IllegalArgumentException("maxMessages must be >= 1, was " + maxMessages);
      }
      return new DlqInspector(this);
    }
  }
}
