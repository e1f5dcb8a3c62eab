package dev.hookline.sqs.admin;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * A CloudWatch alarm that fires when a dead-letter queue holds any message: {@code AWS/SQS}
 * {@code ApproximateNumberOfMessagesVisible} for the queue, maximum over the period, greater than 0.
 *
 * <p>Every message that reaches the DLQ is a webhook that was not handled, so the threshold is fixed at "any".
 * Missing data counts as not breaching: SQS stops publishing metrics for a queue that is empty and idle for six
 * hours, and an empty DLQ is the healthy state. The alarm stays in ALARM while messages remain, until they are
 * redriven or deleted.
 *
 * <pre>{@code
 * DlqAlarm alarm = DlqAlarm.builder()
 *     .queueName("webhooks-dlq")
 *     .actionArn("arn:aws:sns:eu-west-1:123456789012:oncall")
 *     .build();
 * try (CloudWatchClient cloudWatch = CloudWatchClient.create()) {
 *   alarm.provision(cloudWatch);
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class DlqAlarm {

  private static final Logger log = LoggerFactory.getLogger(DlqAlarm.class);

  static final String NAMESPACE = "AWS/SQS";
  static final String METRIC_NAME = "ApproximateNumberOfMessagesVisible";
  static final String DIMENSION = "QueueName";
  static final String TREAT_MISSING_DATA = "notBreaching";

  private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}(\\.fifo)?");
  private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:[a-z0-9-]+:.+");

  private final String queueName;
  private final String alarmName;
  private final Duration period;
  private final int evaluationPeriods;
  private final String actionArn;

  private DlqAlarm(Builder b, String alarmName) {
    this.queueName = b.queueName;
    this.alarmName = alarmName;
    this.period = b.period;
    this.evaluationPeriods = b.evaluationPeriods;
    this.actionArn = b.actionArn;
  }

  /**
   * Returns a new builder.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder with this alarm's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.queueName = queueName;
    b.alarmName = alarmName;
    b.period = period;
    b.evaluationPeriods = evaluationPeriods;
    b.actionArn = actionArn;
    return b;
  }

  /** {@return the dead-letter queue's name} */
  public String queueName() {
    return queueName;
  }

  /** {@return the alarm's name (default {@code <queueName>-not-empty})} */
  public String alarmName() {
    return alarmName;
  }

  /** {@return the metric period (default one minute)} */
  public Duration period() {
    return period;
  }

  /** {@return how many periods in a row must breach before the alarm fires (default 1)} */
  public int evaluationPeriods() {
    return evaluationPeriods;
  }

  /** {@return the action (for example an SNS topic) notified when the alarm fires, if any} */
  public Optional<String> actionArn() {
    return Optional.ofNullable(actionArn);
  }

  /**
   * Returns the request that {@link #provision(CloudWatchClient)} sends.
   *
   * @return the {@code PutMetricAlarm} request
   */
  public PutMetricAlarmRequest toRequest() {
    return PutMetricAlarmRequest.builder()
        .alarmName(alarmName)
        .alarmDescription(
            "Messages in the dead-letter queue " + queueName + ": webhooks that were not handled (Hookline).")
        .namespace(NAMESPACE)
        .metricName(METRIC_NAME)
        .dimensions(Dimension.builder().name(DIMENSION).value(queueName).build())
        .statistic(Statistic.MAXIMUM)
        .period((int) period.getSeconds())
        .evaluationPeriods(evaluationPeriods)
        .datapointsToAlarm(evaluationPeriods)
        .threshold(0.0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
        .treatMissingData(TREAT_MISSING_DATA)
        .actionsEnabled(true)
        .alarmActions(actionArn == null ? List.of() : List.of(actionArn))
        .build();
  }

  /**
   * Creates the alarm, or updates the alarm of the same name to these settings ({@code PutMetricAlarm} replaces an
   * existing alarm, so running this again is harmless). The client belongs to the caller.
   *
   * @param client the CloudWatch client, in the queue's region
   * @return the alarm's name
   */
  public String provision(CloudWatchClient client) {
    Objects.requireNonNull(client, "client");
    client.putMetricAlarm(toRequest());
    log.info("Put DLQ alarm alarmName={} queueName={}", alarmName, queueName);
    return alarmName;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DlqAlarm)) {
      return false;
    }
    DlqAlarm that = (DlqAlarm) o;
    return queueName.equals(that.queueName)
        && alarmName.equals(that.alarmName)
        && period.equals(that.period)
        && evaluationPeriods == that.evaluationPeriods
        && Objects.equals(actionArn, that.actionArn);
  }

  @Override
  public int hashCode() {
    return Objects.hash(queueName, alarmName, period, evaluationPeriods, actionArn);
  }

  @Override
  public String toString() {
    return "DlqAlarm{alarmName="
        + alarmName
        + ", queueName="
        + queueName
        + ", period="
        + period
        + ", evaluationPeriods="
        + evaluationPeriods
        + ", actionArn="
        + actionArn
        + '}';
  }

  /**
   * Builds a {@link DlqAlarm}. Setters only record; {@link #build()} checks everything.
   *
   * <p>Thread-safety: not thread-safe.
   */
  public static final class Builder {
    private String queueName;
    private String alarmName;
    private Duration period = Duration.ofMinutes(1);
    private int evaluationPeriods = 1;
    private String actionArn;

    private Builder() {}

    /**
     * Sets the dead-letter queue's name (required).
     *
     * @param queueName the queue name, not its URL
     * @return this builder
     */
    public Builder queueName(String queueName) {
      this.queueName = Objects.requireNonNull(queueName, "queueName");
      return this;
    }

    /**
     * Sets the alarm's name (default {@code <queueName>-not-empty}); the alarm is created or updated by this name.
     *
     * @param alarmName the name
     * @return this builder
     */
    public Builder alarmName(String alarmName) {
      this.alarmName = Objects.requireNonNull(alarmName, "alarmName");
      return this;
    }

    /**
     * Sets the metric period (default one minute, SQS's metric resolution); a whole number of minutes.
     *
     * @param period the period
     * @return this builder
     */
    public Builder period(Duration period) {
      this.period = Objects.requireNonNull(period, "period");
      return this;
    }

    /**
     * Sets how many periods in a row must see messages before the alarm fires (default 1: at once). Raise it to
     * ignore messages that an automatic redrive removes quickly.
     *
     * @param evaluationPeriods at least 1
     * @return this builder
     */
    public Builder evaluationPeriods(int evaluationPeriods) {
      this.evaluationPeriods = evaluationPeriods;
      return this;
    }

    /**
     * Sets the ARN notified when the alarm fires, usually an SNS topic (default: none, the alarm only changes
     * state).
     *
     * @param actionArn the action's ARN
     * @return this builder
     */
    public Builder actionArn(String actionArn) {
      this.actionArn = Objects.requireNonNull(actionArn, "actionArn");
      return this;
    }

    /**
     * Checks the settings and builds the alarm.
     *
     * @return the alarm
     * @throws IllegalArgumentException naming the first setting that is missing or invalid
     */
    public DlqAlarm build() {
      if (queueName == null) {
        throw new IllegalArgumentException("queueName is required");
      }
      if (!QUEUE_NAME.matcher(queueName).matches()) {
        throw new IllegalArgumentException(
            "queueName must be a queue name (1-80 letters, digits, '-' or '_', plus .fifo), was '" + queueName + "'");
      }
      String name = alarmName == null ? queueName + "-not-empty" : alarmName;
      // CloudWatch: alarm names are 1-255 characters.
      if (name.isBlank() || name.length() > 255) {
        throw new IllegalArgumentException("alarmName must be 1-255 characters, was '" + name + "'");
      }
      // CloudWatch accepts 10, 20, 30 or a multiple of 60 seconds; SQS publishes one-minute data points.
      if (period.isNegative() || period.isZero() || period.toMillis() % 60_000 != 0) {
        throw new IllegalArgumentException("period must be a positive whole number of minutes, was " + period);
      }
      // CloudWatch: period x evaluationPeriods must not exceed one day.
      if (period.getSeconds() > 86_400) {
        throw new IllegalArgumentException("period must be at most one day, was " + period);
      }
      if (evaluationPeriods < 1) {
        throw new IllegalArgumentException("evaluationPeriods must be >= 1, was " + evaluationPeriods);
      }
      if (period.getSeconds() * evaluationPeriods > 86_400) {
        throw new IllegalArgumentException(
            "evaluationPeriods times period must be at most one day, was " + evaluationPeriods + " x " + period);
      }
      if (actionArn != null && !ARN.matcher(actionArn).matches()) {
        throw new IllegalArgumentException("actionArn must be an ARN, was '" + actionArn + "'");
      }
      return new DlqAlarm(this, name);
    }
  }
}
