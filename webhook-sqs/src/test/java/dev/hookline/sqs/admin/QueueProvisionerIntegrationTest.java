package dev.hookline.sqs.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.testkit.ElasticMqExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class QueueProvisionerIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private QueueProvisioner.Builder provisioner(String name) {
    return QueueProvisioner.builder().client(SQS.syncClient()).queueName(name).maxAttempts(5).maxReceiveCount(8);
  }

  private Map<QueueAttributeName, String> attributes(String url) {
    return SQS.syncClient()
        .getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
        .attributes();
  }

  @Test
  void createsTheQueueAndItsDlqWithARedrivePolicy() {
    String name = unique("orders");

    ProvisionResult result = provisioner(name).visibilityTimeout(Duration.ofSeconds(45)).build().provision();

    assertThat(result.created()).containsExactly(name + "-dlq", name);
    assertThat(result.queueUrl()).endsWith("/" + name);
    assertThat(result.dlqUrl()).endsWith("/" + name + "-dlq");
    assertThat(result.queueArn()).isEqualTo(SQS.queueArn(result.queueUrl()));
    assertThat(result.dlqArn()).isEqualTo(SQS.queueArn(result.dlqUrl()));
    assertThat(result.hasDrift()).isFalse();
    Map<QueueAttributeName, String> main = attributes(result.queueUrl());
    assertThat(main.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("45");
    assertThat(main.get(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS)).isEqualTo("20");
    assertThat(main.get(QueueAttributeName.REDRIVE_POLICY)).contains(result.dlqArn()).contains("8");
    // ElasticMQ ignores MessageRetentionPeriod, so the DLQ's 14 days cannot be read back here.
    assertThat(attributes(result.dlqUrl()).get(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS)).isEqualTo("20");
  }

  @Test
  void isIdempotent() {
    String name = unique("again");
    QueueProvisioner provisioner = provisioner(name).build();
    ProvisionResult first = provisioner.provision();

    ProvisionResult second = provisioner.provision();

    assertThat(second.created()).isEmpty();
    assertThat(second.hasDrift()).isFalse();
    assertThat(second.updated()).isFalse();
    assertThat(second.queueUrl()).isEqualTo(first.queueUrl());
    assertThat(second.dlqArn()).isEqualTo(first.dlqArn());
  }

  @Test
  void reportsDriftWithoutChangingAnything() {
    String name = unique("drift");
    ProvisionResult first = provisioner(name).build().provision();
    SQS.syncClient()
        .setQueueAttributes(
            b -> b.queueUrl(first.queueUrl()).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "7")));

    ProvisionResult second = provisioner(name).maxReceiveCount(9).build().provision();

    assertThat(second.drift())
        .extracting(AttributeDrift::attribute, AttributeDrift::expected)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("VisibilityTimeout", "30"),
            org.assertj.core.groups.Tuple.tuple(
                "RedrivePolicy",
                "{\"deadLetterTargetArn\":\"" + first.dlqArn() + "\",\"maxReceiveCount\":\"9\"}"));
    assertThat(second.drift())
        .filteredOn(d -> d.attribute().equals("VisibilityTimeout"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.actual()).isEqualTo("7");
              assertThat(d.queueName()).isEqualTo(name);
            });
    assertThat(second.updated()).isFalse();
    assertThat(attributes(first.queueUrl()).get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("7");
  }

  @Test
  void fixesDriftWhenAsked() {
    String name = unique("fix");
    ProvisionResult first = provisioner(name).build().provision();
    SQS.syncClient()
        .setQueueAttributes(
            b ->
                b.queueUrl(first.dlqUrl())
                    .attributes(Map.of(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "3")));

    ProvisionResult fixed = provisioner(name).updateOnDrift(true).build().provision();
    ProvisionResult after = provisioner(name).build().provision();

    assertThat(fixed.drift())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.queueName()).isEqualTo(name + "-dlq");
              assertThat(d.attribute()).isEqualTo("ReceiveMessageWaitTimeSeconds");
              assertThat(d.actual()).isEqualTo("3");
              assertThat(d.expected()).isEqualTo("20");
            });
    assertThat(fixed.updated()).isTrue();
    assertThat(after.hasDrift()).isFalse();
    assertThat(attributes(first.dlqUrl()).get(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS)).isEqualTo("20");
  }

  @Test
  void createsFifoPairsWithoutContentBasedDeduplication() {
    String name = unique("ordered") + ".fifo";

    ProvisionResult result = provisioner(name).fifo(true).build().provision();

    assertThat(result.queueUrl()).endsWith(".fifo");
    assertThat(result.dlqUrl()).endsWith("-dlq.fifo");
    assertThat(attributes(result.queueUrl()))
        .containsEntry(QueueAttributeName.FIFO_QUEUE, "true")
        .containsEntry(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
    assertThat(attributes(result.dlqUrl())).containsEntry(QueueAttributeName.FIFO_QUEUE, "true");
    assertThat(provisioner(name).fifo(true).build().provision().hasDrift()).isFalse();
  }

  @Test
  void putsTheDlqAlarmBesideTheQueuesOnEveryRun() throws Exception {
    String name = unique("alarmed");
    String topic = "arn:aws:sns:us-east-1:123456789012:oncall";
    try (CloudWatchStub cloudWatch = new CloudWatchStub();
        CloudWatchClient client = cloudWatch.newClient()) {
      QueueProvisioner provisioner =
          provisioner(name).dlqAlarm(client, a -> a.period(Duration.ofMinutes(5)).actionArn(topic)).build();
      assertThat(provisioner.dlqAlarm()).hasValueSatisfying(a -> assertThat(a.queueName()).isEqualTo(name + "-dlq"));

      ProvisionResult first = provisioner.provision();
      ProvisionResult second = provisioner.provision();

      assertThat(first.created()).containsExactly(name + "-dlq", name);
      assertThat(first.alarmName()).contains(name + "-dlq-not-empty");
      assertThat(cloudWatch.alarms()).containsOnlyKeys(name + "-dlq-not-empty");
      assertThat(cloudWatch.alarms().get(name + "-dlq-not-empty"))
          .containsEntry("Dimensions", List.of(Map.of("Name", "QueueName", "Value", name + "-dlq")))
          .containsEntry("MetricName", "ApproximateNumberOfMessagesVisible")
          .containsEntry("Period", 300L)
          .containsEntry("AlarmActions", List.of(topic));
      // The second run finds the queues and puts the same alarm again (PutMetricAlarm replaces by name).
      assertThat(second.created()).isEmpty();
      assertThat(second.alarmName()).isEqualTo(first.alarmName());
      assertThat(cloudWatch.requests()).hasSize(2);
      assertThat(cloudWatch.requests().get(1).body()).isEqualTo(cloudWatch.requests().get(0).body());
    }
  }

  @Test
  void withoutAnAlarmNoneIsReported() {
    QueueProvisioner provisioner = provisioner(unique("plain")).build();

    assertThat(provisioner.dlqAlarm()).isEmpty();
    assertThat(provisioner.provision().alarmName()).isEmpty();
  }

  @Test
  void alarmSettingsAreCheckedAtBuildWhateverTheOrder() throws Exception {
    try (CloudWatchStub cloudWatch = new CloudWatchStub();
        CloudWatchClient client = cloudWatch.newClient()) {
      // The alarm set before the names still watches the DLQ the names give.
      QueueProvisioner early =
          QueueProvisioner.builder()
              .dlqAlarm(client, a -> a.evaluationPeriods(3))
              .client(SQS.syncClient())
              .queueName("orders")
              .dlqName("orders-dead")
              .build();
      assertThat(early.dlqAlarm())
          .hasValueSatisfying(
              a -> {
                assertThat(a.queueName()).isEqualTo("orders-dead");
                assertThat(a.evaluationPeriods()).isEqualTo(3);
              });
      assertThatThrownBy(() -> provisioner("q").dlqAlarm(client, a -> a.period(Duration.ofSeconds(90))).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("dlqAlarm.period ");
      assertThatThrownBy(() -> provisioner("q").dlqAlarm(client, a -> a.actionArn("oncall")).build())
          .hasMessageStartingWith("dlqAlarm.actionArn ");
      assertThatThrownBy(() -> provisioner("q").dlqAlarm(client, a -> a.queueName("other")).build())
          .hasMessageStartingWith("dlqAlarm.queueName must be the DLQ's name, q-dlq, was other");
      assertThatThrownBy(() -> provisioner("q").dlqAlarm(null, a -> {}))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("cloudWatchClient");
      assertThat(cloudWatch.requests()).isEmpty();
    }
  }

  @Test
  void buildNamesTheInvalidField() {
    assertThatThrownBy(() -> QueueProvisioner.builder().queueName("q").maxAttempts(1).build())
        .hasMessageStartingWith("client");
    assertThatThrownBy(() -> QueueProvisioner.builder().client(SQS.syncClient()).maxAttempts(1).build())
        .hasMessageStartingWith("queueName");
    assertThatThrownBy(() -> provisioner("q").maxAttempts(0).build()).hasMessageStartingWith("maxAttempts");
    assertThatThrownBy(() -> provisioner("q").maxAttempts(8).maxReceiveCount(8).build())
        .hasMessageStartingWith("maxReceiveCount must be > maxAttempts (8)");
    assertThatThrownBy(() -> provisioner("q").maxReceiveCount(1001).build()).hasMessageStartingWith("maxReceiveCount");
    assertThatThrownBy(() -> provisioner("q.fifo").build()).hasMessageStartingWith("queueName");
    assertThatThrownBy(() -> provisioner("q").fifo(true).build()).hasMessageStartingWith("queueName");
    assertThatThrownBy(() -> provisioner("bad name").build()).hasMessageStartingWith("queueName");
    assertThatThrownBy(() -> provisioner("q").dlqName("q").build()).hasMessageStartingWith("dlqName");
    assertThatThrownBy(() -> provisioner("q").receiveWaitTime(Duration.ofSeconds(21)).build())
        .hasMessageStartingWith("receiveWaitTime");
    assertThatThrownBy(() -> provisioner("q").visibilityTimeout(Duration.ofMillis(1500)).build())
        .hasMessageStartingWith("visibilityTimeout");
    assertThatThrownBy(() -> provisioner("q").retention(Duration.ofSeconds(59)).build())
        .hasMessageStartingWith("retention");
    assertThatThrownBy(() -> provisioner("q").dlqRetention(Duration.ofDays(15)).build())
        .hasMessageStartingWith("dlqRetention");
    assertThat(provisioner("q.fifo").fifo(true).build().dlqName()).isEqualTo("q-dlq.fifo");
    // maxAttempts defaults to RetryPolicy's default (5), so a count of 5 is refused without setting it.
    assertThatThrownBy(
            () -> QueueProvisioner.builder().client(SQS.syncClient()).queueName("q").maxReceiveCount(5).build())
        .hasMessageStartingWith("maxReceiveCount must be > maxAttempts (5)");
  }
}
