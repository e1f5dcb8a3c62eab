package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.retry.WebhookProcessor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

class SqsConsumerRunnerBuilderTest {

  /** Every SQS operation of this client throws (the interface's defaults); only close() is counted. */
  private final AtomicInteger closes = new AtomicInteger();

  private final SqsAsyncClient client =
      new SqsAsyncClient() {
        @Override
        public String serviceName() {
          return "sqs";
        }

        @Override
        public void close() {
          closes.incrementAndGet();
        }
      };
  private final SqsConsumerConfig config =
      SqsConsumerConfig.builder().queueUrl("http://q/1/a").deadLetterQueueUrl("http://q/1/a-dlq").build();
  private final WebhookProcessor processor = TestWebhooks.processor(new CountingHandler(), Duration.ofSeconds(1), 3);

  @Test
  void buildNamesTheMissingField() {
    assertThatThrownBy(() -> SqsConsumerRunner.builder().config(config).processor(processor).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("client ");
    assertThatThrownBy(() -> SqsConsumerRunner.builder().client(client).processor(processor).build())
        .hasMessageStartingWith("config ");
    assertThatThrownBy(() -> SqsConsumerRunner.builder().client(client).config(config).build())
        .hasMessageStartingWith("processor ");
  }

  @Test
  void closeBeforeStartIsANoOpAndTheClientIsNeverClosed() {
    SqsConsumerRunner runner = SqsConsumerRunner.builder().client(client).config(config).processor(processor).build();
    assertThat(runner.isRunning()).isFalse();
    runner.close();
    runner.close();
    assertThatThrownBy(runner::start).isInstanceOf(IllegalStateException.class);
    assertThat(closes.get()).isZero();
  }
}
