package dev.hookline.sqs;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.sqs.internal.SqsMessages;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings for an {@link SqsConsumerRunner}: which queues, how many messages at once, and the timings of polling,
 * leases and shutdown.
 *
 * <pre>{@code
 * SqsConsumerConfig config = SqsConsumerConfig.builder()
 *     .queueUrl(queueUrl)
 *     .deadLetterQueueUrl(dlqUrl)
 *     .maxInFlight(32)
 *     .build();
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public final class SqsConsumerConfig {

  /** The longest long-poll wait SQS allows (SQS API reference, {@code ReceiveMessage} {@code WaitTimeSeconds}). */
  public static final Duration MAX_WAIT_TIME = SqsLimits.MAX_WAIT_TIME;

  /** The longest a message may be kept invisible from its receipt (SQS's 12-hour visibility limit). */
  public static final Duration MAX_PROCESSING_TIME_LIMIT = Duration.ofSeconds(SqsLimits.MAX_VISIBILITY_SECONDS);

  private final String queueUrl;
  private final String deadLetterQueueUrl;
  private final int maxInFlight;
  private final int pollers;
  private final Duration waitTime;
  private final Duration visibilityTimeout;
  private final Duration heartbeatInterval;
  // As set on the builder (null when defaulted), so toBuilder() keeps deriving it from the visibility timeout.
  private final Duration explicitHeartbeatInterval;
  private final Duration maxProcessingTime;
  private final Duration shutdownTimeout;
  private final Duration batchLinger;
  private final PipelineListener listener;

  private SqsConsumerConfig(Builder b, Duration heartbeatInterval) {
    this.queueUrl = b.queueUrl;
    this.deadLetterQueueUrl = b.deadLetterQueueUrl;
    this.maxInFlight = b.maxInFlight;
    this.pollers = b.pollers;
    this.waitTime = b.waitTime;
    this.visibilityTimeout = b.visibilityTimeout;
    this.heartbeatInterval = heartbeatInterval;
    this.explicitHeartbeatInterval = b.heartbeatInterval;
    this.maxProcessingTime = b.maxProcessingTime;
    this.shutdownTimeout = b.shutdownTimeout;
    this.batchLinger = b.batchLinger;
    this.listener = b.listener;
  }

  /** {@return a new builder with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder that starts with this config's values} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.queueUrl = queueUrl;
    b.deadLetterQueueUrl = deadLetterQueueUrl;
    b.maxInFlight = maxInFlight;
    b.pollers = pollers;
    b.waitTime = waitTime;
    b.visibilityTimeout = visibilityTimeout;
    b.heartbeatInterval = explicitHeartbeatInterval;
    b.maxProcessingTime = maxProcessingTime;
    b.shutdownTimeout = shutdownTimeout;
    b.batchLinger = batchLinger;
    b.listener = listener;
    return b;
  }

  /** {@return the URL of the queue to consume} */
  public String queueUrl() {
    return queueUrl;
  }

  /** {@return the URL of the dead-letter queue that failed and poison messages are sent to} */
  public String deadLetterQueueUrl() {
    return deadLetterQueueUrl;
  }

  /** {@return whether the queue is a FIFO queue (its URL ends in {@code .fifo})} */
  public boolean fifo() {
    return SqsMessages.isFifo(queueUrl);
  }

  /** {@return the most messages held at once (received and not yet finished)} */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** {@return the number of threads that receive from the queue} */
  public int pollers() {
    return pollers;
  }

  /** {@return the long-poll wait of each receive} */
  public Duration waitTime() {
    return waitTime;
  }

  /** {@return the visibility timeout requested on receive, and by which the heartbeat extends a lease} */
  public Duration visibilityTimeout() {
    return visibilityTimeout;
  }

  /** {@return how often leases of messages still being handled are checked and extended} */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** {@return how long, from receipt, a message's lease is extended at most} */
  public Duration maxProcessingTime() {
    return maxProcessingTime;
  }

  /** {@return how long {@code close()} waits for messages being handled before releasing them} */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** {@return how long a delete or visibility change waits for others to share its batch call} */
  public Duration batchLinger() {
    return batchLinger;
  }

  /** {@return the listener told about lost leases} */
  public PipelineListener listener() {
    return listener;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SqsConsumerConfig)) {
      return false;
    }
    SqsConsumerConfig other = (SqsConsumerConfig) o;
    return maxInFlight == other.maxInFlight
        && pollers == other.pollers
        && queueUrl.equals(other.queueUrl)
        && deadLetterQueueUrl.equals(other.deadLetterQueueUrl)
        && waitTime.equals(other.waitTime)
        && visibilityTimeout.equals(other.visibilityTimeout)
        && heartbeatInterval.equals(other.heartbeatInterval)
        && maxProcessingTime.equals(other.maxProcessingTime)
        && shutdownTimeout.equals(other.shutdownTimeout)
        && batchLinger.equals(other.batchLinger)
        && listener.equals(other.listener);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        queueUrl,
        deadLetterQueueUrl,
        maxInFlight,
        pollers,
        waitTime,
        visibilityTimeout,
        heartbeatInterval,
        maxProcessingTime,
        shutdownTimeout,
        batchLinger,
        listener);
  }

  @Override
  public String toString() {
    return "SqsConsumerConfig{queueUrl="
        + queueUrl
        + ", deadLetterQueueUrl="
        + deadLetterQueueUrl
        + ", maxInFlight="
        + maxInFlight
        + ", pollers="
        + pollers
        + ", waitTime="
        + waitTime
        + ", visibilityTimeout="
        + visibilityTimeout
        + ", heartbeatInterval="
        + heartbeatInterval
        + ", maxProcessingTime="
        + maxProcessingTime
        + ", shutdownTimeout="
        + shutdownTimeout
        + ", batchLinger="
        + batchLinger
        + '}';
  }

  /** Builds an {@link SqsConsumerConfig}; not thread-safe. Every rule is checked in {@link #build()}. */
  public static final class Builder {
    private String queueUrl;
    private String deadLetterQueueUrl;
    private int maxInFlight = 100;
    private int pollers = 1;
    private Duration waitTime = MAX_WAIT_TIME;
    private Duration visibilityTimeout = Duration.ofSeconds(30);
    private Duration heartbeatInterval;
    private Duration maxProcessingTime = Duration.ofMinutes(15);
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private Duration batchLinger = Duration.ofMillis(10);
    private PipelineListener listener = PipelineListener.NONE;

    private Builder() {}

    /**
     * Sets the queue to consume. Required. A URL ending in {@code .fifo} is consumed as a FIFO queue: messages of
     * one group in order, groups in parallel.
     *
     * @param queueUrl the queue URL
     * @return this builder
     */
    public Builder queueUrl(String queueUrl) {
      this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
      return this;
    }

    /**
     * Sets the dead-letter queue that failed and poison messages are sent to, with their failure attributes.
     * Required; for a FIFO queue it must be a FIFO queue too. Give the source queue a redrive policy to the same
     * queue as a safety net.
     *
     * @param deadLetterQueueUrl the dead-letter queue URL
     * @return this builder
     */
    public Builder deadLetterQueueUrl(String deadLetterQueueUrl) {
      this.deadLetterQueueUrl = Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
      return this;
    }

    /**
     * Sets the most messages held at once; the runner asks SQS only for as many as it has room for. Default 100:
     * room for ten full receives in flight, which keeps a busy queue's throughput near that of a tuned raw SDK loop
     * (benchmarks/README.md), while slow handlers are still held back by the permits. Each held message may use a
     * handler thread on the default executor (threads start as needed and time out when idle); lower it when a
     * handler holds scarce resources (a small connection pool), raise it for slow, I/O-bound handlers.
     *
     * @param maxInFlight at least 1
     * @return this builder
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * Sets the number of pollers that always run. Default 1. More start on their own while receives come back full
     * and permits are free (up to one per 10 messages of {@code maxInFlight}, at most 10) and stop when receives
     * come back empty; raise this only to keep more long polls open on a queue that is never busy enough to fill a
     * receive.
     *
     * @param pollers 1 to {@code maxInFlight}
     * @return this builder
     */
    public Builder pollers(int pollers) {
      this.pollers = pollers;
      return this;
    }

    /**
     * Sets the long-poll wait of each receive. Default 20 seconds (the most SQS allows), which keeps empty
     * receives, and their cost, low. {@code close()} does not wait for a long poll to end.
     *
     * @param waitTime 0 to 20 seconds, whole seconds
     * @return this builder
     */
    public Builder waitTime(Duration waitTime) {
      this.waitTime = Objects.requireNonNull(waitTime, "waitTime");
      return this;
    }

    /**
     * Sets the visibility timeout requested with each receive, and by which the heartbeat extends a lease. Default
     * 30 seconds. A shorter timeout makes a crashed consumer's messages come back sooner, at the cost of more
     * heartbeat calls.
     *
     * @param visibilityTimeout 1 second to 12 hours, whole seconds
     * @return this builder
     */
    public Builder visibilityTimeout(Duration visibilityTimeout) {
      this.visibilityTimeout = Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
      return this;
    }

    /**
     * Sets how often leases are checked; a message whose lease ends within two intervals is extended. Default a
     * third of the visibility timeout.
     *
     * @param heartbeatInterval more than zero and less than the visibility timeout
     * @return this builder
     */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
      return this;
    }

    /**
     * Sets how long, from receipt, a message's lease is extended at most. After that the lease runs out and the
     * message may be delivered again while its handler still runs. Default 15 minutes.
     *
     * @param maxProcessingTime at least the visibility timeout, at most 12 hours (SQS's limit)
     * @return this builder
     */
    public Builder maxProcessingTime(Duration maxProcessingTime) {
      this.maxProcessingTime = Objects.requireNonNull(maxProcessingTime, "maxProcessingTime");
      return this;
    }

    /**
     * Sets how long {@code close()} lets messages being handled finish; unfinished ones are then made visible
     * again at once. Default 10 seconds.
     *
     * @param shutdownTimeout zero or more
     * @return this builder
     */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
      return this;
    }

    /**
     * Sets how long a delete or visibility change waits for others to share its batch call (a full batch of 10 is
     * sent at once). Default 10 ms; zero sends each at once.
     *
     * @param batchLinger 0 to 1 second
     * @return this builder
     */
    public Builder batchLinger(Duration batchLinger) {
      this.batchLinger = Objects.requireNonNull(batchLinger, "batchLinger");
      return this;
    }

    /**
     * Sets the listener told about lost leases ({@link PipelineListener#onLeaseLost}). Processing events are
     * reported by the processor's own listener. Default {@link PipelineListener#NONE}.
     *
     * @param listener the listener; one that throws is logged and ignored
     * @return this builder
     */
    public Builder listener(PipelineListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Returns the config.
     *
     * @return the immutable config
     * @throws IllegalArgumentException naming the first invalid field
     */
    public SqsConsumerConfig build() {
      if (queueUrl == null || queueUrl.isBlank()) {
        throw new IllegalArgumentException("queueUrl must be set and not blank");
      }
      if (deadLetterQueueUrl == null || deadLetterQueueUrl.isBlank()) {
        throw new IllegalArgumentException("deadLetterQueueUrl must be set and not blank");
      }
      if (deadLetterQueueUrl.equals(queueUrl)) {
        throw new IllegalArgumentException("deadLetterQueueUrl must differ from queueUrl, was " + deadLetterQueueUrl);
      }
      if (SqsMessages.isFifo(queueUrl) != SqsMessages.isFifo(deadLetterQueueUrl)) {
        throw new IllegalArgumentException(
            "deadLetterQueueUrl must be a FIFO queue exactly when queueUrl is, was " + deadLetterQueueUrl);
      }
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("maxInFlight must be >= 1, was " + maxInFlight);
      }
      if (pollers < 1 || pollers > maxInFlight) {
        throw new IllegalArgumentException("pollers must be in [1, maxInFlight=" + maxInFlight + "], was " + pollers);
      }
      if (waitTime.isNegative() || waitTime.compareTo(MAX_WAIT_TIME) > 0 || waitTime.getNano() != 0) {
        throw new IllegalArgumentException("waitTime must be whole seconds in [0s, 20s], was " + waitTime);
      }
      if (visibilityTimeout.getSeconds() < 1
          || visibilityTimeout.compareTo(MAX_PROCESSING_TIME_LIMIT) > 0
          || visibilityTimeout.getNano() != 0) {
        throw new IllegalArgumentException(
            "visibilityTimeout must be whole seconds in [1s, 12h], was " + visibilityTimeout);
      }
      Duration heartbeat = heartbeatInterval != null ? heartbeatInterval : visibilityTimeout.dividedBy(3);
      if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.compareTo(visibilityTimeout) >= 0) {
        throw new IllegalArgumentException(
            "heartbeatInterval must be > 0 and < visibilityTimeout=" + visibilityTimeout + ", was " + heartbeat);
      }
      if (maxProcessingTime.compareTo(visibilityTimeout) < 0
          || maxProcessingTime.compareTo(MAX_PROCESSING_TIME_LIMIT) > 0) {
        throw new IllegalArgumentException(
            "maxProcessingTime must be in [visibilityTimeout=" + visibilityTimeout + ", 12h], was "
                + maxProcessingTime);
      }
      if (shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative, was " + shutdownTimeout);
      }
      if (batchLinger.isNegative() || batchLinger.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException("batchLinger must be in [0, 1s], was " + batchLinger);
      }
      return new SqsConsumerConfig(this, heartbeat);
    }
  }
}
