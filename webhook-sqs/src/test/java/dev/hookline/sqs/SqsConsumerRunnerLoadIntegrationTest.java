package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqsConsumerRunnerLoadIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private final SqsTestQueues queues = new SqsTestQueues(SQS);

  // At maxInFlight=1 each receive may ask for one message only, so 5,000 messages take about 30 s against the
  // embedded server; 1,000 keep the module fast while exercising the same path.
  @ParameterizedTest(name = "maxInFlight={0} pollers={1} messages={2}")
  @CsvSource({"1, 1, 1000", "8, 1, 5000", "64, 4, 5000"})
  void handlesEveryMessageExactlyOnceAndNeverHoldsMoreThanTheLimit(int maxInFlight, int pollers, int count) {
    var pair = SQS.createQueueWithDlq("load", 5, 30);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add("load-" + maxInFlight + "-" + i);
    }
    queues.send(pair.queueUrl(), ids);
    CountingHandler handler = new CountingHandler();
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    SqsConsumerConfig config =
        SqsConsumerConfig.builder()
            .queueUrl(pair.queueUrl())
            .deadLetterQueueUrl(pair.dlqUrl())
            .maxInFlight(maxInFlight)
            .pollers(pollers)
            .waitTime(Duration.ofSeconds(1))
            .build();
    List<Integer> requested = new ArrayList<>();
    try (SqsConsumerRunner runner =
        SqsConsumerRunner.builder().client(client).config(config).processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3)).build()) {
      runner.start();
      Await.until(
          Duration.ofSeconds(55),
          "all messages handled",
          () -> handler.totalSuccesses.get() >= count,
          () -> "handled=" + handler.totalSuccesses.get());
      Await.until(Duration.ofSeconds(10), "queue empty", () -> queues.depth(pair.queueUrl()) == 0);
      client.receives.forEach(r -> requested.add(r.maxNumberOfMessages()));
    }

    assertThat(handler.totalSuccesses.get()).isEqualTo(count);
    assertThat(handler.totalCalls.get()).as("no retries expected").isEqualTo(count);
    for (String id : ids) {
      assertThat(handler.successes(id)).as(id).isEqualTo(1);
    }
    assertThat(handler.maxRunning.get()).isLessThanOrEqualTo(maxInFlight);
    // Asks SQS only for what it has room for, never more than 10 at once (SQS's ReceiveMessage limit).
    assertThat(requested).allSatisfy(n -> assertThat(n).isBetween(1, Math.min(10, maxInFlight)));
    assertThat(queues.depth(pair.dlqUrl())).isZero();
  }
}
