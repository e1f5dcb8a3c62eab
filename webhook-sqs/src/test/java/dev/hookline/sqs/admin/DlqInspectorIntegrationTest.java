package dev.hookline.sqs.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;

class DlqInspectorIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");

  private DlqInspector inspector(String dlq, int max) {
    return DlqInspector.builder()
        .sqsClient(SQS.syncClient())
        .dlqUrl(dlq)
        .receiveWait(Duration.ZERO)
        .maxMessages(max)
        .build();
  }

  @Test
  void listsFailureAttributesAndLeavesMessagesInTheQueue() {
    SqsClient sqs = SQS.syncClient();
    String dlq = SQS.createQueue("inspect-dlq");
    String id = DlqTestMessages.sendFailed(sqs, dlq, "d-1", "stripe", "handler_failed", T);
    DlqTestMessages.send(sqs, dlq, "raw body", Map.of());

    List<DeadLetterInfo> infos = inspector(dlq, 100).list();

    assertThat(infos).hasSize(2);
    DeadLetterInfo failed = infos.stream().filter(i -> i.messageId().equals(id)).findFirst().orElseThrow();
    assertThat(failed.reason()).isEqualTo("handler_failed");
    assertThat(failed.errorType()).contains("java.lang.IllegalStateException");
    assertThat(failed.errorMessage()).contains("boom");
    assertThat(failed.attempts()).hasValue(5);
    assertThat(failed.firstReceivedAt()).contains(T.minusSeconds(60));
    assertThat(failed.lastFailedAt()).contains(T);
    assertThat(failed.source()).contains("stripe");
    assertThat(failed.deliveryId()).contains("d-1");
    assertThat(failed.originalMessageId()).contains("orig-d-1");
    assertThat(failed.sentAt()).isPresent();
    DeadLetterInfo raw = infos.stream().filter(i -> !i.messageId().equals(id)).findFirst().orElseThrow();
    assertThat(raw.reason()).isEqualTo(DeadLetterInfo.REASON_MAX_RECEIVE_COUNT);
    assertThat(raw.source()).isEmpty();

    // Released, not consumed: a second listing sees both again, immediately.
    assertThat(inspector(dlq, 100).list()).hasSize(2);
    assertThat(Await.drain(sqs, dlq)).hasSize(2);
  }

  @Test
  void summaryCountsByReasonAndSource() {
    SqsClient sqs = SQS.syncClient();
    String dlq = SQS.createQueue("summary-dlq");
    DlqTestMessages.sendFailed(sqs, dlq, "a", "stripe", "handler_failed", T);
    DlqTestMessages.sendFailed(sqs, dlq, "b", "stripe", "poison_message", T);
    DlqTestMessages.sendFailed(sqs, dlq, "c", "github", "handler_failed", T);
    DlqTestMessages.send(sqs, dlq, "raw", Map.of());

    DlqInspector.Summary summary = inspector(dlq, 100).summary();

    assertThat(summary.total()).isEqualTo(4);
    assertThat(summary.byReason())
        .containsExactly(
            Map.entry("handler_failed", 2), Map.entry("max_receive_count", 1), Map.entry("poison_message", 1));
    assertThat(summary.bySource())
        .containsExactly(Map.entry("github", 1), Map.entry("stripe", 2), Map.entry("unknown", 1));
  }

  @Test
  void boundedByMaxMessagesAndEachReportedOnce() {
    SqsClient sqs = SQS.syncClient();
    String dlq = SQS.createQueue("bounded-dlq");
    for (int i = 0; i < 25; i++) {
      DlqTestMessages.sendFailed(sqs, dlq, "d-" + i, "stripe", "handler_failed", T);
    }

    List<DeadLetterInfo> some = inspector(dlq, 12).list();
    assertThat(some).hasSize(12);
    List<DeadLetterInfo> all = inspector(dlq, 1000).list();
    assertThat(all).hasSize(25);
    assertThat(all.stream().map(DeadLetterInfo::messageId).distinct()).hasSize(25);
    assertThat(Await.drain(sqs, dlq)).hasSize(25);
  }

  @Test
  void buildNamesTheBadField() {
    assertThatThrownBy(() -> DlqInspector.builder().dlqUrl("u").build()).hasMessageStartingWith("sqsClient");
    assertThatThrownBy(() -> DlqInspector.builder().sqsClient(SQS.syncClient()).build())
        .hasMessageStartingWith("dlqUrl");
    assertThatThrownBy(() -> DlqInspector.builder().sqsClient(SQS.syncClient()).dlqUrl("u").pageSize(11).build())
        .hasMessageStartingWith("pageSize");
    assertThatThrownBy(
            () -> DlqInspector.builder().sqsClient(SQS.syncClient()).dlqUrl("u").peekVisibility(Duration.ZERO).build())
        .hasMessageStartingWith("peekVisibility");
    assertThatThrownBy(() -> DlqInspector.builder().sqsClient(SQS.syncClient()).dlqUrl("u").maxMessages(0).build())
        .hasMessageStartingWith("maxMessages");
  }
}
