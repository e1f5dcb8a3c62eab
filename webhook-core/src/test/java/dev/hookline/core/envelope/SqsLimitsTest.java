package dev.hookline.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqsLimitsTest {

  @Test
  void messageSizeCountsTheBodyAndEveryAttributesNameTypeAndValueInUtf8() {
    // SQS counts a message attribute's name, data type and value against the 1 MiB limit (SQS Developer Guide,
    // message attributes); "String" is 6 bytes.
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("hookline-source", "github");
    attributes.put("note", "café ✓");
    String body = "{\"emoji\":\"\uD83D\uDE00\",\"lone\":\"\uD800\"}";

    int expected = body.getBytes(StandardCharsets.UTF_8).length;
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      expected += e.getKey().getBytes(StandardCharsets.UTF_8).length + 6
          + e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    assertThat(SqsLimits.messageSize(body, attributes)).isEqualTo(expected);
    assertThat(new EncodedEnvelope(body, attributes).encodedSize()).isEqualTo(expected);
  }

  @Test
  void groupAndDeduplicationIdsArePrintableAsciiUpTo128Characters() {
    assertThat(SqsLimits.isValidGroupOrDeduplicationId("a".repeat(128))).isTrue();
    assertThat(SqsLimits.isValidGroupOrDeduplicationId("!~{}[]:;")).isTrue();
    assertThat(SqsLimits.isValidGroupOrDeduplicationId("a".repeat(129))).isFalse();
    assertThat(SqsLimits.isValidGroupOrDeduplicationId("")).isFalse();
    assertThat(SqsLimits.isValidGroupOrDeduplicationId("has space")).isFalse();
    assertThat(SqsLimits.isValidGroupOrDeduplicationId("caf\u00e9")).isFalse();
  }

  @Test
  void visibilityIsWholeSecondsRoundedUpAndCappedAtTwelveHours() {
    assertThat(SqsLimits.visibilitySeconds(Duration.ZERO)).isZero();
    assertThat(SqsLimits.visibilitySeconds(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(SqsLimits.visibilitySeconds(Duration.ofDays(3))).isEqualTo(43_200);
    assertThat(SqsLimits.MAX_VISIBILITY).isEqualTo(Duration.ofHours(12));
    assertThatThrownBy(() -> SqsLimits.visibilitySeconds(Duration.ofSeconds(-1))).hasMessageStartingWith("delay");
  }
}
