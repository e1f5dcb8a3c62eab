package dev.hookline.sqs.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * Makes sure a queue and its dead-letter queue exist with the attributes Hookline expects: a redrive policy from the
 * queue to the DLQ, the visibility timeout, retention, and long polling. FIFO pairs are both FIFO, with
 * content-based deduplication off (Hookline deduplicates by delivery id).
 *
 * <pre>{@code
 * ProvisionResult queues = QueueProvisioner.builder()
 *     .client(sqsClient)
 *     .queueName("webhooks")            // the DLQ defaults to "webhooks-dlq"
 *     .maxAttempts(retryPolicy.maxAttempts())  // the consumer's; default 5
 *     .maxReceiveCount(10)                     // must be above maxAttempts
 *     .build()
 *     .provision();
 * queues.queueUrl(); queues.dlqArn(); queues.drift();
 * }</pre>
 *
 * <p>With {@link Builder#dlqAlarm(CloudWatchClient, Consumer)} it also puts a {@link DlqAlarm} on the dead-letter
 * queue, so that a webhook reaching it is noticed:
 *
 * <pre>{@code
 * QueueProvisioner.builder()
 *     .client(sqsClient)
 *     .queueName("webhooks")
 *     .dlqAlarm(cloudWatchClient, alarm -> alarm.actionArn("arn:aws:sns:eu-west-1:123456789012:oncall"))
 *     .build()
 *     .provision()
 *     .alarmName();   // Optional[webhooks-dlq-not-empty]
 * }</pre>
 *
 * <p>Idempotent: a queue that exists is left as it is, and attributes that differ from the expected values are
 * reported in {@link ProvisionResult#drift()}. They are changed only with {@link Builder#updateOnDrift(boolean)
 * updateOnDrift(true)}, because another tool may own them. An attribute the server does not report is not
 * compared (SQS reports all of them; ElasticMQ, used in tests, ignores {@code MessageRetentionPeriod}).
 *
 * <p><b>maxReceiveCount and maxAttempts.</b> The consumer decides when a webhook has failed for good: after the retry
 * policy's {@code maxAttempts} it sends the message to the DLQ itself, with the failure attributes. The redrive
 * policy is only a safety net for messages that are received but never settled (a crashed consumer, a lost lease), so
 * its {@code maxReceiveCount} must be above {@code maxAttempts}; otherwise SQS would move a message to the DLQ
 * before its last attempt, without saying why. {@link Builder#build()} refuses a count that is not above.
 *
 * <p>Thread-safety: thread-safe; it keeps no state between calls. The clients are yours: we never close them.
 */
public final class QueueProvisioner {

  private static final Logger log = LoggerFactory.getLogger(QueueProvisioner.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** SQS queue names: 1–80 characters, alphanumerics, hyphens and underscores; FIFO names end in {@code .fifo}. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,75}(\\.fifo)?|[A-Za-z0-9_-]{76,80}");

  private final SqsClient client;
  private final String queueName;
  private final String dlqName;
  private final boolean fifo;
  private final Duration visibilityTimeout;
  private final Duration retention;
  private final Duration dlqRetention;
  private final Duration receiveWaitTime;
  private final int maxReceiveCount;
  private final int maxAttempts;
  private final boolean updateOnDrift;
  private final CloudWatchClient cloudWatchClient;
  private final DlqAlarm dlqAlarm;

  private QueueProvisioner(Builder b, String dlqName, DlqAlarm dlqAlarm) {
    this.client = b.client;
    this.queueName = b.queueName;
    this.dlqName = dlqName;
    this.fifo = b.fifo;
    this.visibilityTimeout = b.visibilityTimeout;
    this.retention = b.retention;
    this.dlqRetention = b.dlqRetention;
    this.receiveWaitTime = b.receiveWaitTime;
    this.maxReceiveCount = b.maxReceiveCount;
    this.maxAttempts = b.maxAttempts;
    this.updateOnDrift = b.updateOnDrift;
    this.cloudWatchClient = b.cloudWatchClient;
    this.dlqAlarm = dlqAlarm;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the main queue's name} */
  public String queueName() {
    return queueName;
  }

  /** {@return the dead-letter queue's name} */
  public String dlqName() {
    return dlqName;
  }

  /** {@return whether the pair is FIFO} */
  public boolean fifo() {
    return fifo;
  }

  /** {@return the redrive policy's maximum receive count} */
  public int maxReceiveCount() {
    return maxReceiveCount;
  }

  /** {@return whether drifted attributes are updated} */
  public boolean updateOnDrift() {
    return updateOnDrift;
  }

  /** {@return the alarm put on the dead-letter queue, if one was asked for} */
  public Optional<DlqAlarm> dlqAlarm() {
    return Optional.ofNullable(dlqAlarm);
  }

  /**
   * Creates whichever of the two queues is missing and checks the attributes of those that exist; then, if asked
   * for, creates or updates the DLQ alarm ({@code PutMetricAlarm} replaces an alarm of the same name, so running
   * again is harmless and completes a run that failed part way).
   *
   * @return the URLs, ARNs, created queues, drift and the alarm's name
   * @throws software.amazon.awssdk.core.exception.SdkException when an SQS or CloudWatch call fails
   */
  public ProvisionResult provision() {
    List<String> created = new ArrayList<>();
    List<AttributeDrift> drift = new ArrayList<>();
    boolean[] updated = {false};

    Map<QueueAttributeName, String> dlqAttributes = commonAttributes();
    dlqAttributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, seconds(dlqRetention));
    String dlqUrl = ensure(dlqName, dlqAttributes, created, drift, updated);
    String dlqArn = arn(dlqUrl);

    Map<QueueAttributeName, String> attributes = commonAttributes();
    attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, seconds(retention));
    attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, seconds(visibilityTimeout));
    attributes.put(QueueAttributeName.REDRIVE_POLICY, redrivePolicy(dlqArn, maxReceiveCount));
    String queueUrl = ensure(queueName, attributes, created, drift, updated);
    String queueArn = arn(queueUrl);

    // After the queues: an alarm on a queue that does not exist yet would report no data until it does.
    String alarmName = dlqAlarm == null ? null : dlqAlarm.provision(cloudWatchClient);

    ProvisionResult result =
        new ProvisionResult(queueUrl, queueArn, dlqUrl, dlqArn, created, drift, updated[0], alarmName);
    if (result.hasDrift()) {
      log.warn(
          "Queue attributes drifted. queueName={} dlqName={} drift={} updated={}",
          queueName,
          dlqName,
          drift,
          updated[0]);
    }
    return result;
  }

  private Map<QueueAttributeName, String> commonAttributes() {
    Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
    attributes.put(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, seconds(receiveWaitTime));
    if (fifo) {
      attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
      attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
    }
    return attributes;
  }

  private String ensure(
      String name,
      Map<QueueAttributeName, String> expected,
      List<String> created,
      List<AttributeDrift> drift,
      boolean[] updated) {
    String url;
    try {
      url = client.getQueueUrl(b -> b.queueName(name)).queueUrl();
    } catch (QueueDoesNotExistException missing) {
      try {
        url = client.createQueue(b -> b.queueName(name).attributes(expected)).queueUrl();
        created.add(name);
        log.info("Created queue. queueName={} queueUrl={}", name, url);
        return url;
      } catch (QueueNameExistsException raced) {
        // Created meanwhile by someone else with other attributes: check it like any existing queue.
        url = client.getQueueUrl(b -> b.queueName(name)).queueUrl();
      }
    }
    String queueUrl = url;
    Map<QueueAttributeName, String> actual =
        client
            .getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(expected.keySet()))
            .attributes();
    Map<QueueAttributeName, String> changes = new LinkedHashMap<>();
    expected.forEach(
        (attribute, value) -> {
          String current = actual.get(attribute);
          if (current == null && attribute != QueueAttributeName.REDRIVE_POLICY) {
            // SQS reports every attribute it was asked for; a server that doesn't keep one (ElasticMQ ignores
            // MessageRetentionPeriod) cannot drift in it.
            return;
          }
          current = current == null ? "" : current;
          if (!same(attribute, value, current)) {
            drift.add(new AttributeDrift(name, attribute.toString(), value, current));
            if (attribute != QueueAttributeName.FIFO_QUEUE) {
              changes.put(attribute, value);
            }
          }
        });
    if (updateOnDrift && !changes.isEmpty()) {
      client.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(changes));
      updated[0] = true;
      log.info("Updated drifted queue attributes. queueName={} attributes={}", name, changes.keySet());
    }
    return queueUrl;
  }

  /** Compares values; redrive policies as JSON, since SQS may write the count as a number or a string. */
  private static boolean same(QueueAttributeName attribute, String expected, String actual) {
    if (attribute != QueueAttributeName.REDRIVE_POLICY) {
      return expected.equals(actual);
    }
    try {
      JsonNode want = JSON.readTree(expected);
      JsonNode have = JSON.readTree(actual.isEmpty() ? "{}" : actual);
      return want.path("deadLetterTargetArn").asText().equals(have.path("deadLetterTargetArn").asText())
          && want.path("maxReceiveCount").asText().equals(have.path("maxReceiveCount").asText());
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private String arn(String url) {
    return client
        .getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes()
        .get(QueueAttributeName.QUEUE_ARN);
  }

  private static String redrivePolicy(String dlqArn, int maxReceiveCount) {
    return JSON.createObjectNode()
        .put("deadLetterTargetArn", dlqArn)
        .put("maxReceiveCount", Integer.toString(maxReceiveCount))
        .toString();
  }

  private static String seconds(Duration d) {
    return Long.toString(d.getSeconds());
  }

  @Override
  public String toString() {
    return "QueueProvisioner{queueName="
        + queueName
        + ", dlqName="
        + dlqName
        + ", fifo="
        + fifo
        + ", maxReceiveCount="
        + maxReceiveCount
        + ", updateOnDrift="
        + updateOnDrift
        + ", dlqAlarm="
        + dlqAlarm
        + '}';
  }

  /** Builds a {@link QueueProvisioner}. Setters only record; {@link #build()} checks everything. Not thread-safe. */
  public static final class Builder {
    private SqsClient client;
    private String queueName;
    private String dlqName;
    private boolean fifo;
    private Duration visibilityTimeout = Duration.ofSeconds(30);
    private Duration retention = Duration.ofDays(4);
    private Duration dlqRetention = Duration.ofDays(14);
    private Duration receiveWaitTime = Duration.ofSeconds(20);
    private int maxReceiveCount = 10;
    private int maxAttempts = RetryPolicy.DEFAULT_MAX_ATTEMPTS;
    private boolean updateOnDrift;
    private CloudWatchClient cloudWatchClient;
    private Consumer<DlqAlarm.Builder> dlqAlarm;

    private Builder() {}

    /**
     * Sets the SQS client. Required; yours to close.
     *
     * @param client the client
     * @return this builder
     */
    public Builder client(SqsClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the main queue's name. Required. A FIFO queue's name ends in {@code .fifo}.
     *
     * @param queueName the name
     * @return this builder
     */
    public Builder queueName(String queueName) {
      this.queueName = Objects.requireNonNull(queueName, "queueName");
      return this;
    }

    /**
     * Sets the dead-letter queue's name. Default: the queue's name with {@code -dlq} before any {@code .fifo}.
     *
     * @param dlqName the name
     * @return this builder
     */
    public Builder dlqName(String dlqName) {
      this.dlqName = Objects.requireNonNull(dlqName, "dlqName");
      return this;
    }

    /**
     * Sets whether both queues are FIFO. Default false. FIFO names must end in {@code .fifo}.
     *
     * @param fifo whether the pair is FIFO
     * @return this builder
     */
    public Builder fifo(boolean fifo) {
      this.fifo = fifo;
      return this;
    }

    /**
     * Sets the main queue's visibility timeout: how long a received message stays invisible before it is received
     * again. Default 30 s; make it longer than your handler usually takes (the runner extends it for slow ones).
     *
     * @param visibilityTimeout 0 s..12 h, whole seconds
     * @return this builder
     */
    public Builder visibilityTimeout(Duration visibilityTimeout) {
      this.visibilityTimeout = Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
      return this;
    }

    /**
     * Sets the main queue's message retention. Default 4 days (the SQS default).
     *
     * @param retention 60 s..14 days, whole seconds
     * @return this builder
     */
    public Builder retention(Duration retention) {
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /**
     * Sets the dead-letter queue's retention. Default 14 days (1,209,600 s, the SQS maximum), so failed webhooks wait
     * as long as possible for someone to look. It should be at least the main queue's: SQS keeps a message's
     * original enqueue time when it moves to a standard DLQ.
     *
     * @param dlqRetention 60 s..14 days, whole seconds
     * @return this builder
     */
    public Builder dlqRetention(Duration dlqRetention) {
      this.dlqRetention = Objects.requireNonNull(dlqRetention, "dlqRetention");
      return this;
    }

    /**
     * Sets long polling for both queues ({@code ReceiveMessageWaitTimeSeconds}). Default 20 s, the maximum: fewer
     * empty receives, lower cost.
     *
     * @param receiveWaitTime 0..20 s, whole seconds
     * @return this builder
     */
    public Builder receiveWaitTime(Duration receiveWaitTime) {
      this.receiveWaitTime = Objects.requireNonNull(receiveWaitTime, "receiveWaitTime");
      return this;
    }

    /**
     * Sets the redrive policy's maximum receive count. Default 10. Must be above {@link #maxAttempts}.
     *
     * @param maxReceiveCount 1..1000
     * @return this builder
     */
    public Builder maxReceiveCount(int maxReceiveCount) {
      this.maxReceiveCount = maxReceiveCount;
      return this;
    }

    /**
     * Sets the consumer retry policy's maximum attempts, which {@link #maxReceiveCount} must exceed: pass your
     * consumer's {@link RetryPolicy#maxAttempts()}. Default {@value RetryPolicy#DEFAULT_MAX_ATTEMPTS}, the retry
     * policy's default.
     *
     * @param maxAttempts the retry policy's maximum attempts, at least 1
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Sets whether attributes of existing queues that differ from the expected values are changed. Default false:
     * drift is only reported.
     *
     * @param updateOnDrift whether to update drifted attributes
     * @return this builder
     */
    public Builder updateOnDrift(boolean updateOnDrift) {
      this.updateOnDrift = updateOnDrift;
      return this;
    }

    /**
     * Also creates or updates a {@link DlqAlarm} on the dead-letter queue when provisioning, after the queues.
     * Default: no alarm; add one so that webhooks reaching the DLQ are noticed. The alarm's queue is always the
     * DLQ; {@code alarm} sets the rest on a builder that already has it, for example {@code a ->
     * a.actionArn(topicArn).period(Duration.ofMinutes(5))} (or {@code a -> {}} for the defaults: one minute, no
     * action). It runs at {@link #build()}, which checks the alarm's settings too.
     *
     * @param cloudWatchClient the CloudWatch client, in the queues' region; yours to close
     * @param alarm sets the alarm's options
     * @return this builder
     */
    public Builder dlqAlarm(CloudWatchClient cloudWatchClient, Consumer<DlqAlarm.Builder> alarm) {
      this.cloudWatchClient = Objects.requireNonNull(cloudWatchClient, "cloudWatchClient");
      this.dlqAlarm = Objects.requireNonNull(alarm, "alarm");
      return this;
    }

    /**
     * Returns the provisioner. Makes no call.
     *
     * @return the provisioner
     * @throws IllegalArgumentException naming the first missing or invalid setting
     */
    public QueueProvisioner build() {
      if (client == null) {
        throw new IllegalArgumentException("client must be set");
      }
      if (queueName == null) {
        throw new IllegalArgumentException("queueName must be set");
      }
      checkName("queueName", queueName, fifo);
      String dlq = dlqName;
      if (dlq == null) {
        String base = fifo && queueName.endsWith(".fifo") ? queueName.substring(0, queueName.length() - 5) : queueName;
        dlq = base + "-dlq" + (fifo ? ".fifo" : "");
      }
      checkName("dlqName", dlq, fifo);
      if (dlq.equals(queueName)) {
        throw new IllegalArgumentException("dlqName must differ from queueName, was " + dlq);
      }
      checkRange("visibilityTimeout", visibilityTimeout, Duration.ZERO, SqsLimits.MAX_VISIBILITY);
      checkRange("retention", retention, Duration.ofSeconds(60), Duration.ofDays(14));
      checkRange("dlqRetention", dlqRetention, Duration.ofSeconds(60), Duration.ofDays(14));
      checkRange("receiveWaitTime", receiveWaitTime, Duration.ZERO, SqsLimits.MAX_WAIT_TIME);
      if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
        throw new IllegalArgumentException("maxReceiveCount must be in 1..1000, was " + maxReceiveCount);
      }
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
      }
      if (maxReceiveCount <= maxAttempts) {
        throw new IllegalArgumentException(
            "maxReceiveCount must be > maxAttempts ("
                + maxAttempts
                + ") so the retry policy decides before the redrive policy, was "
                + maxReceiveCount);
      }
      return new QueueProvisioner(this, dlq, alarm(dlq));
    }

    private DlqAlarm alarm(String dlq) {
      if (dlqAlarm == null) {
        return null;
      }
      DlqAlarm.Builder b = DlqAlarm.builder().queueName(dlq);
      dlqAlarm.accept(b);
      DlqAlarm alarm;
      try {
        alarm = b.build();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("dlqAlarm." + e.getMessage(), e);
      }
      if (!alarm.queueName().equals(dlq)) {
        throw new IllegalArgumentException(
            "dlqAlarm.queueName must be the DLQ's name, " + dlq + ", was " + alarm.queueName());
      }
      return alarm;
    }

    private static void checkName(String field, String name, boolean fifo) {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            field + " must be 1-80 characters of letters, digits, '-' and '_' (plus .fifo), was " + name);
      }
      if (fifo != name.endsWith(".fifo")) {
        throw new IllegalArgumentException(
            field + (fifo ? " must end with .fifo for a FIFO pair" : " must not end with .fifo unless fifo(true)")
                + ", was " + name);
      }
    }

    private static void checkRange(String field, Duration value, Duration min, Duration max) {
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0 || value.getNano() != 0) {
        throw new IllegalArgumentException(
            field + " must be whole seconds in " + min.getSeconds() + ".." + max.getSeconds() + " s, was " + value);
      }
    }
  }
}
