package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqsConsumerRunnerLoadIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private final SqsTestQueues queues = new SqsTestQueues(SQS);

  /**
   * The requirement is 5,000 messages at maxInFlight 1, 8 and 64. At maxInFlight=1 the runner holds one message, so
   * each receive asks for one: 5,000 messages are 5,000 sequential ReceiveMessage round trips. Against embedded
   * ElasticMQ on a shared 2-core machine, once warm, those took about 3 ms each, 15.3 s of the 17.1 s the runner took
   * to consume 5,000 messages; everything else the runner does came to about 0.4 ms per message. That is the cost of
   * the limit, not of the runner. The build runs the full requirement (about 18 s for this case, run last, after the
   * JVM and ElasticMQ are warm); {@code -Dhookline.loadTest.singleInFlightMessages=1000} shortens it for quick local
   * runs.
   */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(64, 4, 5000),
        Arguments.of(8, 1, 5000),
        Arguments.of(1, 1, Integer.getInteger("hookline.loadTest.singleInFlightMessages", 5000)));
  }

  @ParameterizedTest(name = "maxInFlight={0} pollers={1} messages={2}")
  @MethodSource("cases")
  void handlesEveryMessageExactlyOnceAndNeverHoldsMoreThanTheLimit(int maxInFlight, int pollers, int count) {
    var pair = SQS.createQueueWithDlq("load", 5, 30);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add("load-" + maxInFlight + "-" + i);
    }
    queues.send(pair.queueUrl(), ids);
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    // Messages received and not yet returned by the handler are a lower bound of what the runner holds: a message
    // is counted received before the runner sees it, and its handler returns before the runner lets it go.
    AtomicReference<CountingHandler> self = new AtomicReference<>();
    AtomicInteger maxHeld = new AtomicInteger();
    CountingHandler handler =
        new CountingHandler(
            (w, a) ->
                maxHeld.accumulateAndGet(client.messagesReceived.get() - self.get().completed.get(), Math::max));
    self.set(handler);
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
        SqsConsumerRunner.builder()
            .client(client)
            .config(config)
            .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3))
            .build()) {
      runner.start();
      // Progress, not a total time: on a loaded machine the run takes longer, and only a stall fails it.
      Await.untilProgressReaches(
          Duration.ofSeconds(20), "all messages handled", handler.totalSuccesses::get, count);
      Await.untilProgressReaches(
          Duration.ofSeconds(20), "queue empty", () -> count - queues.depth(pair.queueUrl()), count);
      client.receives.forEach(r -> requested.add(r.maxNumberOfMessages()));
    }

    assertThat(handler.totalSuccesses.get()).isEqualTo(count);
    assertThat(handler.totalCalls.get()).as("no retries expected").isEqualTo(count);
    for (String id : ids) {
      assertThat(handler.successes(id)).as(id).isEqualTo(1);
    }
    assertThat(handler.maxRunning.get()).isLessThanOrEqualTo(maxInFlight);
    assertThat(maxHeld.get()).as("messages held at once").isBetween(1, maxInFlight);
    // Asks SQS only for what it has room for, never more than 10 at once (SQS's ReceiveMessage limit).
    assertThat(requested).allSatisfy(n -> assertThat(n).isBetween(1, Math.min(10, maxInFlight)));
    assertThat(queues.depth(pair.dlqUrl())).isZero();
  }
}
