package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.PipelineListener;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqsConsumerConfigTest {

  private static final String QUEUE = "http://localhost:9324/000000000000/orders";
  private static final String DLQ = "http://localhost:9324/000000000000/orders-dlq";

  private static SqsConsumerConfig.Builder valid() {
    return SqsConsumerConfig.builder().queueUrl(QUEUE).deadLetterQueueUrl(DLQ);
  }

  @Test
  void hasDocumentedDefaults() {
    SqsConsumerConfig config = valid().build();
    assertThat(config.maxInFlight()).isEqualTo(100);
    assertThat(config.pollers()).isEqualTo(1);
    assertThat(config.waitTime()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.visibilityTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.maxProcessingTime()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.batchLinger()).isEqualTo(Duration.ofMillis(10));
    assertThat(config.listener()).isSameAs(PipelineListener.NONE);
    assertThat(config.fifo()).isFalse();
  }

  @Test
  void derivesTheHeartbeatFromTheVisibilityTimeoutUnlessSet() {
    assertThat(valid().visibilityTimeout(Duration.ofSeconds(6)).build().heartbeatInterval())
        .isEqualTo(Duration.ofSeconds(2));
    SqsConsumerConfig explicit = valid().heartbeatInterval(Duration.ofSeconds(1)).build();
    assertThat(explicit.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    // A derived heartbeat follows a new visibility timeout through toBuilder().
    SqsConsumerConfig derived = valid().build().toBuilder().visibilityTimeout(Duration.ofSeconds(3)).build();
    assertThat(derived.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void toBuilderRoundTrips() {
    SqsConsumerConfig config = valid().maxInFlight(32).pollers(3).batchLinger(Duration.ZERO).build();
    assertThat(config.toBuilder().build()).isEqualTo(config).hasSameHashCodeAs(config);
    assertThat(config.toString()).contains("maxInFlight=32");
  }

  @Test
  void recognisesFifoQueues() {
    SqsConsumerConfig config =
        SqsConsumerConfig.builder().queueUrl(QUEUE + ".fifo").deadLetterQueueUrl(DLQ + ".fifo").build();
    assertThat(config.fifo()).isTrue();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("queueUrl", (UnaryOperator<SqsConsumerConfig.Builder>) b -> SqsConsumerConfig.builder()),
        Arguments.of(
            "deadLetterQueueUrl",
            (UnaryOperator<SqsConsumerConfig.Builder>) b -> SqsConsumerConfig.builder().queueUrl(QUEUE)),
        Arguments.of("deadLetterQueueUrl", (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.deadLetterQueueUrl(QUEUE)),
        Arguments.of(
            "deadLetterQueueUrl",
            (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.deadLetterQueueUrl(DLQ + ".fifo")),
        Arguments.of("maxInFlight", (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.maxInFlight(0)),
        Arguments.of("pollers", (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.pollers(0)),
        Arguments.of("pollers", (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.maxInFlight(2).pollers(3)),
        Arguments.of("waitTime", (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.waitTime(Duration.ofSeconds(21))),
        Arguments.of("waitTime", (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.waitTime(Duration.ofMillis(500))),
        Arguments.of(
            "visibilityTimeout", (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.visibilityTimeout(Duration.ZERO)),
        Arguments.of(
            "visibilityTimeout",
            (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.visibilityTimeout(Duration.ofHours(13))),
        Arguments.of(
            "heartbeatInterval",
            (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.heartbeatInterval(Duration.ofSeconds(30))),
        Arguments.of(
            "heartbeatInterval", (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.heartbeatInterval(Duration.ZERO)),
        Arguments.of(
            "maxProcessingTime",
            (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.maxProcessingTime(Duration.ofHours(12).plusSeconds(1))),
        Arguments.of(
            "maxProcessingTime",
            (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.maxProcessingTime(Duration.ofSeconds(10))),
        Arguments.of(
            "shutdownTimeout",
            (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.shutdownTimeout(Duration.ofSeconds(-1))),
        Arguments.of(
            "batchLinger", (UnaryOperator<SqsConsumerConfig.Builder>) b -> b.batchLinger(Duration.ofSeconds(2))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void buildRejectsInvalidValuesNamingTheField(String field, UnaryOperator<SqsConsumerConfig.Builder> change) {
    assertThatThrownBy(() -> change.apply(valid()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + " ");
  }

  @Test
  void settersRejectNullNamingTheField() {
    assertThatThrownBy(() -> valid().queueUrl(null)).hasMessage("queueUrl");
    assertThatThrownBy(() -> valid().waitTime(null)).hasMessage("waitTime");
    assertThatThrownBy(() -> valid().listener(null)).hasMessage("listener");
  }

  @Test
  void validatesRegardlessOfCallOrder() {
    // Raising maxInFlight after pollers makes the pollers value valid: only build() decides.
    assertThat(valid().pollers(4).maxInFlight(8).build().pollers()).isEqualTo(4);
  }
}
