package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SqsConsumerRunnerAdaptivePollersIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private final SqsTestQueues queues = new SqsTestQueues(SQS);

  @Test
  void theMostPollersFollowMaxInFlightAndNeverFallBelowTheConfiguredOnes() {
    assertThat(SqsConsumerRunner.maxPollers(1, 100, 10)).isEqualTo(10);
    assertThat(SqsConsumerRunner.maxPollers(1, 10, 10)).isEqualTo(1);
    assertThat(SqsConsumerRunner.maxPollers(1, 25, 10)).isEqualTo(3);
    assertThat(SqsConsumerRunner.maxPollers(1, 1000, 10)).isEqualTo(SqsConsumerRunner.MAX_ADAPTIVE_POLLERS);
    assertThat(SqsConsumerRunner.maxPollers(12, 1000, 10)).isEqualTo(12);
    assertThat(SqsConsumerRunner.maxPollers(1, 1, 1)).isEqualTo(1);
  }

  @Test
  void atDefaultsABacklogIsReadWithSeveralReceivesAndTheExtraPollersStopWhenTheQueueIsEmpty() {
    var pair = SQS.createQueueWithDlq("adaptive", 5, 30);
    int count = 2000;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add("adaptive-" + i);
    }
    queues.send(pair.queueUrl(), ids);
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    AtomicInteger maxReceivesInFlight = new AtomicInteger();
    CountingHandler handler =
        new CountingHandler(
            (w, a) ->
                maxReceivesInFlight.accumulateAndGet(
                    client.receivesStarted.get() - client.receivesCompleted.get(), Math::max));
    // Defaults except the long poll, so an extra poller's empty receive returns within the test.
    SqsConsumerConfig config =
        SqsConsumerConfig.builder()
            .queueUrl(pair.queueUrl())
            .deadLetterQueueUrl(pair.dlqUrl())
            .waitTime(Duration.ofSeconds(1))
            .build();
    try (SqsConsumerRunner runner =
        SqsConsumerRunner.builder()
            .client(client)
            .config(config)
            .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3))
            .build()) {
      runner.start();
      Await.untilProgressReaches(
          Duration.ofSeconds(20), "all messages handled", handler.totalSuccesses::get, count);
      Await.until(
          Duration.ofSeconds(15),
          "extra pollers stopped",
          () -> pollerThreads(pair.queueUrl()) == config.pollers());
    }

    assertThat(handler.totalSuccesses.get()).isEqualTo(count);
    for (String id : ids) {
      assertThat(handler.successes(id)).as(id).isEqualTo(1);
    }
    assertThat(handler.maxRunning.get()).isLessThanOrEqualTo(config.maxInFlight());
    assertThat(maxReceivesInFlight.get()).as("receives in flight at once").isBetween(2, 10);
    assertThat(client.receives).allSatisfy(r -> assertThat(r.maxNumberOfMessages()).isBetween(1, 10));
    assertThat(queues.depth(pair.dlqUrl())).isZero();
  }

  @Test
  void whileMessagesTrickleInOneSpareReceiveWaitsAndAnIdleQueueGoesBackToOne() {
    var pair = SQS.createQueueWithDlq("spare", 5, 30);
    CountingHandler handler = new CountingHandler((w, a) -> {});
    // Defaults except the long poll: the spare's empty receive returns within the test, after the check below.
    SqsConsumerConfig config =
        SqsConsumerConfig.builder()
            .queueUrl(pair.queueUrl())
            .deadLetterQueueUrl(pair.dlqUrl())
            .waitTime(Duration.ofSeconds(5))
            .build();
    try (SqsConsumerRunner runner =
        SqsConsumerRunner.builder()
            .client(SQS.asyncClient())
            .config(config)
            .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 3))
            .build()) {
      runner.start();
      Await.until(Duration.ofSeconds(15), "the configured poller", () -> pollerThreads(pair.queueUrl()) == 1);

      queues.send(pair.queueUrl(), List.of("spare-1"));
      Await.untilProgressReaches(Duration.ofSeconds(15), "handled", handler.totalSuccesses::get, 1);
      Await.until(Duration.ofSeconds(15), "a spare receive", () -> pollerThreads(pair.queueUrl()) == 2);

      // Nothing more arrives: the spare's long poll comes back empty and it stops.
      Await.until(Duration.ofSeconds(30), "back to one receive", () -> pollerThreads(pair.queueUrl()) == 1);
    }
    assertThat(handler.successes("spare-1")).isEqualTo(1);
  }

  private static long pollerThreads(String queueUrl) {
    String name = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().contains(name) && t.getName().contains("-poller"))
        .count();
  }
}
