package dev.hookline.sqs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.Attempt;
import dev.hookline.core.envelope.SqsLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class SqsMessagesTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  @Test
  void visibilitySecondsRoundUpAndCapAtTwelveHours() {
    assertThat(SqsLimits.visibilitySeconds(Duration.ZERO)).isZero();
    assertThat(SqsLimits.visibilitySeconds(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(SqsLimits.visibilitySeconds(Duration.ofMillis(1500))).isEqualTo(2);
    assertThat(SqsLimits.visibilitySeconds(Duration.ofSeconds(30))).isEqualTo(30);
    // 43,200 s is SQS's maximum visibility timeout (SQS API reference, ChangeMessageVisibility).
    assertThat(SqsLimits.visibilitySeconds(Duration.ofHours(12))).isEqualTo(43_200);
    assertThat(SqsLimits.visibilitySeconds(Duration.ofDays(3))).isEqualTo(43_200);
    assertThatThrownBy(() -> SqsLimits.visibilitySeconds(Duration.ofSeconds(-1)))
        .hasMessageStartingWith("delay ");
  }

  @Test
  void attemptComesFromTheReceiveCountAndFirstReceiveTimestamp() {
    Message m =
        Message.builder()
            .attributes(
                Map.of(
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "3",
                    MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP, "1700000000123"))
            .build();
    assertThat(SqsMessages.attempt(m, NOW)).isEqualTo(new Attempt(3, Instant.ofEpochMilli(1_700_000_000_123L)));
  }

  @Test
  void attemptFallsBackWhenAttributesAreMissingOrMalformed() {
    assertThat(SqsMessages.attempt(Message.builder().build(), NOW)).isEqualTo(new Attempt(1, NOW));
    Message bad =
        Message.builder()
            .attributes(
                Map.of(
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "x",
                    MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP, "y"))
            .build();
    assertThat(SqsMessages.attempt(bad, NOW)).isEqualTo(new Attempt(1, NOW));
  }

  @Test
  void stringAttributesKeepStringAndNumberTypesSortedAndDropBinary() {
    Message m =
        Message.builder()
            .messageAttributes(
                Map.of(
                    "b", MessageAttributeValue.builder().dataType("String").stringValue("2").build(),
                    "a", MessageAttributeValue.builder().dataType("Number.int").stringValue("1").build(),
                    "c",
                        MessageAttributeValue.builder()
                            .dataType("Binary")
                            .binaryValue(SdkBytes.fromUtf8String("x"))
                            .build()))
            .build();
    assertThat(SqsMessages.stringAttributes(m)).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
  }

  @Test
  void recognisesFifoUrlsAndGroupIds() {
    assertThat(SqsMessages.isFifo("http://h/1/q.fifo")).isTrue();
    assertThat(SqsMessages.isFifo("http://h/1/q")).isFalse();
    Message m = Message.builder().attributes(Map.of(MessageSystemAttributeName.MESSAGE_GROUP_ID, "g1")).build();
    assertThat(SqsMessages.messageGroupId(m)).contains("g1");
    assertThat(SqsMessages.messageGroupId(Message.builder().build())).isEmpty();
  }
}
