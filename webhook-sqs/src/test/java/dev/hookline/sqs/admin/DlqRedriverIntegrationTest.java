package dev.hookline.sqs.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.EmbeddedSqs;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.Fault;
import dev.hookline.testkit.FaultProxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

class DlqRedriverIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");

  private static DlqRedriver redriver(SqsClient sqs, String dlq) {
    return DlqRedriver.builder().sqsClient(sqs).dlqUrl(dlq).pollInterval(Duration.ofMillis(20)).build();
  }

  private static Set<String> deliveryIds(List<Message> messages) {
    return messages.stream()
        .map(m -> m.messageAttributes().get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue())
        .collect(Collectors.toSet());
  }

  @Test
  void selectiveRedriveMovesMatchesWithAttemptsResetAndLeavesTheRest() {
    SqsClient sqs = SQS.syncClient();
    String dlq = SQS.createQueue("sel-dlq");
    String target = SQS.createQueue("sel-src");
    DlqTestMessages.sendFailed(sqs, dlq, "s-old", "stripe", "handler_failed", T.minusSeconds(7200));
    DlqTestMessages.sendFailed(sqs, dlq, "s-new", "stripe", "handler_failed", T);
    DlqTestMessages.sendFailed(sqs, dlq, "s-poison", "stripe", "poison_message", T);
    DlqTestMessages.sendFailed(sqs, dlq, "g-new", "github", "handler_failed", T);

    DeadLetterFilter filter =
        DeadLetterFilter.all()
            .withSource("stripe")
            .withReason("handler_failed")
            .withLastFailedBetween(T.minusSeconds(60), T.plusSeconds(60));
    DlqRedriver.RedriveReport report = redriver(sqs, dlq).redriveMatching(filter, target);

    assertThat(report.moved()).isEqualTo(1);
    assertThat(report.skipped()).isEqualTo(3);
    assertThat(report.failed()).isZero();
    List<Message> moved = Await.drain(sqs, target);
    assertThat(moved).hasSize(1);
    Message m = moved.get(0);
    assertThat(m.body()).isEqualTo("{\"v\":1,\"id\":\"s-new\"}");
    assertThat(m.messageAttributes())
        .containsKeys(EnvelopeCodec.ATTR_DELIVERY_ID, EnvelopeCodec.ATTR_SOURCE, EnvelopeCodec.ATTR_VERSION)
        .doesNotContainKeys(
            "hookline-failure-reason", "hookline-attempts", "hookline-last-failed-at",
            "hookline-original-message-id", "hookline-failure");
    assertThat(deliveryIds(Await.drain(sqs, dlq))).containsExactlyInAnyOrder("s-old", "s-poison", "g-new");
  }

  @Test
  void selectiveRedriveByDeliveryIdToFifoTarget() {
    SqsClient sqs = SQS.syncClient();
    String dlq = SQS.createQueue("fifo-dlq");
    String target = SQS.createFifoQueue("fifo-src");
    DlqTestMessages.sendFailed(sqs, dlq, "d-1", "stripe", "handler_failed", T);
    DlqTestMessages.sendFailed(sqs, dlq, "d-2", "stripe", "handler_failed", T);
    DlqTestMessages.sendFailed(sqs, dlq, "d-3", "stripe", "handler_failed", T);

    DlqRedriver.RedriveReport report =
        redriver(sqs, dlq).redriveMatching(DeadLetterFilter.all().withDeliveryIds(Set.of("d-1", "d-3")), target);

    assertThat(report.moved()).isEqualTo(2);
    List<Message> moved = Await.drain(sqs, target);
    assertThat(deliveryIds(moved)).containsExactlyInAnyOrder("d-1", "d-3");
    assertThat(moved.get(0).attributes().get(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.MESSAGE_GROUP_ID))
        .isEqualTo("stripe");
    assertThat(deliveryIds(Await.drain(sqs, dlq))).containsExactly("d-2");
  }

  @Test
  void failedDeleteDuplicatesButNeverLoses() {
    String dlq = SQS.createQueue("dup-dlq");
    String target = SQS.createQueue("dup-src");
    for (int i = 0; i < 12; i++) {
      DlqTestMessages.sendFailed(SQS.syncClient(), dlq, "d-" + i, "stripe", "handler_failed", T);
    }
    try (FaultProxy proxy = FaultProxy.start(SQS.server().endpoint());
        SqsClient viaProxy = EmbeddedSqs.newSyncClient(proxy.endpoint())) {
      proxy.failAlways(Fault.serverError(), "DeleteMessageBatch");

      DlqRedriver.RedriveReport report = redriver(viaProxy, dlq).redriveMatching(DeadLetterFilter.all(), target);

      assertThat(report.moved()).isZero();
      assertThat(report.failed()).isEqualTo(12);
      assertThat(proxy.faultCount("DeleteMessageBatch")).isPositive();
    }
    // Every message is in both queues: duplicated, not lost (and released in the DLQ at once, not after 30 s).
    assertThat(deliveryIds(Await.drain(SQS.syncClient(), target))).hasSize(12);
    assertThat(deliveryIds(Await.drain(SQS.syncClient(), dlq))).hasSize(12);
  }

  @Test
  void moveTaskRedrivesEverythingAndReportsProgress() throws InterruptedException {
    SqsClient sqs = SQS.syncClient();
    String dlq = SQS.createQueue("move-dlq");
    String target = SQS.createQueue("move-src");
    for (int i = 0; i < 5; i++) {
      DlqTestMessages.sendFailed(sqs, dlq, "m-" + i, "stripe", "handler_failed", T);
    }
    List<DlqRedriver.MoveTaskStatus> seen = new ArrayList<>();

    DlqRedriver.MoveTaskStatus last =
        redriver(sqs, dlq).redriveAll(Optional.of(target), Optional.of(100), Duration.ofSeconds(30), seen::add);

    assertThat(last.status()).isEqualTo("COMPLETED");
    assertThat(last.finished()).isTrue();
    assertThat(seen).isNotEmpty();
    Await.until(Duration.ofSeconds(10), () -> count(sqs, target) == 5);
    assertThat(deliveryIds(Await.drain(sqs, target))).hasSize(5);
    assertThat(Await.drain(sqs, dlq)).isEmpty();
  }

  @Test
  void moveTaskCanBeCancelled() {
    SqsClient sqs = SQS.syncClient();
    String dlq = SQS.createQueue("cancel-dlq");
    String target = SQS.createQueue("cancel-src");
    for (int i = 0; i < 20; i++) {
      DlqTestMessages.sendFailed(sqs, dlq, "c-" + i, "stripe", "handler_failed", T);
    }
    DlqRedriver redriver = redriver(sqs, dlq);

    // One message a second: the task is still running when it is cancelled.
    String handle = redriver.startMoveTask(Optional.of(target), Optional.of(1));
    assertThat(redriver.moveTaskStatus()).hasValueSatisfying(s -> assertThat(s.taskHandle()).contains(handle));
    long moved = redriver.cancelMoveTask(handle);

    assertThat(moved).isLessThan(20);
    // SQS lists a cancelled task as CANCELLING, then CANCELLED; ElasticMQ 1.7.1 stops listing it at all.
    assertThat(redriver.moveTaskStatus().map(DlqRedriver.MoveTaskStatus::status))
        .satisfiesAnyOf(
            st -> assertThat(st).isEmpty(), st -> assertThat(st).hasValueSatisfying(v -> assertThat(v).isIn(
                "CANCELLING", "CANCELLED")));
    // Nothing lost: every message is in one queue or the other.
    assertThat(Await.drain(sqs, dlq).size() + Await.drain(sqs, target).size()).isEqualTo(20);
  }

  private static int count(SqsClient sqs, String url) {
    return Integer.parseInt(
        sqs.getQueueAttributes(
                b -> b.queueUrl(url)
                    .attributeNames(software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            .attributes()
            .get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  @Test
  void filterMatchesOnlyWhatEveryCriterionAllows() {
    DeadLetterInfo info =
        new DeadLetterInfo("m", "handler_failed", Optional.empty(), Optional.empty(), java.util.OptionalInt.empty(),
            Optional.empty(), Optional.of(T), Optional.of("stripe"), Optional.of("d"), Optional.empty(),
            Optional.empty(), 0);
    assertThat(DeadLetterFilter.all().matches(info)).isTrue();
    assertThat(DeadLetterFilter.all().withSource("github").matches(info)).isFalse();
    assertThat(DeadLetterFilter.all().withReason("poison_message").matches(info)).isFalse();
    assertThat(DeadLetterFilter.all().withLastFailedBetween(T, null).matches(info)).isTrue();
    assertThat(DeadLetterFilter.all().withLastFailedBetween(null, T).matches(info)).isFalse();
    assertThat(DeadLetterFilter.all().withDeliveryIds(Set.of("x")).matches(info)).isFalse();
    assertThat(DeadLetterFilter.all().withDeliveryIds(Set.of("d")).withSource("stripe").matches(info)).isTrue();
  }

  @Test
  void buildNamesTheBadField() {
    assertThatThrownBy(() -> DlqRedriver.builder().dlqUrl("u").build()).hasMessageStartingWith("sqsClient");
    assertThatThrownBy(() -> DlqRedriver.builder().sqsClient(SQS.syncClient()).build())
        .hasMessageStartingWith("dlqUrl");
    assertThatThrownBy(() -> DlqRedriver.builder().sqsClient(SQS.syncClient()).dlqUrl("u").maxMessages(0).build())
        .hasMessageStartingWith("maxMessages");
    assertThatThrownBy(
            () -> DlqRedriver.builder().sqsClient(SQS.syncClient()).dlqUrl("u").visibility(Duration.ZERO).build())
        .hasMessageStartingWith("visibility");
    assertThat(Map.of()).isEmpty();
  }
}
