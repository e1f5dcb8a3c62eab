package dev.hookline.sqs.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

class DlqAlarmTest {

  private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:oncall";

  @Test
  void putsTheAlarmOverTheWireAndIsIdempotentByName() throws Exception {
    DlqAlarm alarm =
        DlqAlarm.builder()
            .queueName("webhooks-dlq")
            .period(Duration.ofMinutes(5))
            .evaluationPeriods(2)
            .actionArn(TOPIC)
            .build();

    try (CloudWatchStub stub = new CloudWatchStub();
        CloudWatchClient client = stub.newClient()) {
      assertThat(alarm.provision(client)).isEqualTo("webhooks-dlq-not-empty");
      alarm.provision(client);

      List<CloudWatchStub.Request> requests = stub.requests();
      assertThat(requests).hasSize(2);
      CloudWatchStub.Request put = requests.get(0);
      assertThat(put.path()).endsWith("/operation/PutMetricAlarm");
      assertThat(put.contentType()).isEqualTo("application/cbor");
      assertThat(put.smithyProtocol()).isEqualTo("rpc-v2-cbor");
      Map<String, Object> body = put.body();
      assertThat(body)
          .containsEntry("AlarmName", "webhooks-dlq-not-empty")
          .containsEntry("Namespace", "AWS/SQS")
          .containsEntry("MetricName", "ApproximateNumberOfMessagesVisible")
          .containsEntry("Statistic", "Maximum")
          .containsEntry("Period", 300L)
          .containsEntry("EvaluationPeriods", 2L)
          .containsEntry("DatapointsToAlarm", 2L)
          .containsEntry("ComparisonOperator", "GreaterThanThreshold")
          .containsEntry("TreatMissingData", "notBreaching")
          .containsEntry("ActionsEnabled", true)
          .containsEntry("AlarmActions", List.of(TOPIC))
          .containsEntry("Dimensions", List.of(Map.of("Name", "QueueName", "Value", "webhooks-dlq")));
      // The SDK writes the double 0.0 in CBOR's shortest form, an integer; the value is what counts.
      assertThat(((Number) body.get("Threshold")).doubleValue()).isEqualTo(0.0);
      assertThat((String) body.get("AlarmDescription")).contains("webhooks-dlq");
      // PutMetricAlarm creates or replaces by name: the second run leaves one alarm with the same settings.
      assertThat(stub.alarms()).containsOnlyKeys("webhooks-dlq-not-empty");
      assertThat(requests.get(1).body()).isEqualTo(body);
    }
  }

  @Test
  void withoutActionTheAlarmOnlyChangesState() {
    DlqAlarm alarm = DlqAlarm.builder().queueName("webhooks-dlq.fifo").alarmName("dlq").build();

    assertThat(alarm.toRequest().alarmActions()).isEmpty();
    assertThat(alarm.toRequest().period()).isEqualTo(60);
    assertThat(alarm.toRequest().evaluationPeriods()).isEqualTo(1);
    assertThat(alarm.alarmName()).isEqualTo("dlq");
    assertThat(alarm.actionArn()).isEmpty();
    assertThat(alarm.toBuilder().build()).isEqualTo(alarm).hasSameHashCodeAs(alarm);
  }

  @Test
  void buildNamesTheInvalidField() {
    assertThatThrownBy(() -> DlqAlarm.builder().build()).hasMessageStartingWith("queueName ");
    assertThatThrownBy(() -> DlqAlarm.builder().queueName("https://sqs/1/q").build())
        .hasMessageStartingWith("queueName ");
    assertThatThrownBy(() -> DlqAlarm.builder().queueName("q").alarmName(" ").build())
        .hasMessageStartingWith("alarmName ");
    assertThatThrownBy(() -> DlqAlarm.builder().queueName("q").period(Duration.ofSeconds(90)).build())
        .hasMessageStartingWith("period ");
    assertThatThrownBy(() -> DlqAlarm.builder().queueName("q").period(Duration.ZERO).build())
        .hasMessageStartingWith("period ");
    assertThatThrownBy(() -> DlqAlarm.builder().queueName("q").evaluationPeriods(0).build())
        .hasMessageStartingWith("evaluationPeriods must be >= 1, was 0");
    assertThatThrownBy(
            () -> DlqAlarm.builder().queueName("q").period(Duration.ofHours(1)).evaluationPeriods(25).build())
        .hasMessageStartingWith("evaluationPeriods ");
    assertThatThrownBy(() -> DlqAlarm.builder().queueName("q").actionArn("oncall").build())
        .hasMessageStartingWith("actionArn ");
    assertThatThrownBy(() -> DlqAlarm.builder().queueName(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("queueName");
  }
}
