package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.idempotency.InMemoryIdempotencyStore;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.Jitter;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.EmbeddedSqs;
import dev.hookline.testkit.Fault;
import dev.hookline.testkit.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** The runner against SQS faults injected by a proxy: 5xx, throttling and connection resets. */
class SqsConsumerRunnerFaultIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private final SqsTestQueues queues = new SqsTestQueues(SQS);

  @Test
  void backsOffAndRecoversFromReceiveAndDeleteFaultsWithoutLosingMessages() {
    var pair = SQS.createQueueWithDlq("faults", 10, 30);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ids.add("fault-" + i);
    }
    // Sent straight to the server; only the runner's calls go through the proxy.
    queues.send(pair.queueUrl(), ids);
    CountingHandler handler = new CountingHandler();
    TestWebhooks.RecordingListener listener = new TestWebhooks.RecordingListener();
    SqsConsumerConfig config =
        SqsConsumerConfig.builder()
            .queueUrl(pair.queueUrl())
            .deadLetterQueueUrl(pair.dlqUrl())
            .maxInFlight(16)
            .waitTime(Duration.ofSeconds(1))
            // Short, so a delete that is given up on comes back soon and is skipped as a duplicate.
            .visibilityTimeout(Duration.ofSeconds(3))
            .build();

    try (FaultProxy proxy = FaultProxy.start(SQS.server().endpoint());
        SqsAsyncClient client = EmbeddedSqs.newAsyncClient(proxy.endpoint())) {
      // More consecutive faults than the SDK's own three attempts, so the runner's backoff has to act too.
      proxy.failNext(6, Fault.serverError(), "ReceiveMessage");
      proxy.failNext(4, Fault.throttle(), "ReceiveMessage");
      proxy.failNext(4, Fault.reset(), "ReceiveMessage");
      proxy.failNext(5, Fault.serverError(), "DeleteMessageBatch");
      proxy.failNext(3, Fault.reset(), "DeleteMessageBatch");
      proxy.failNext(3, Fault.unavailable(), "DeleteMessageBatch");
      try (SqsConsumerRunner runner =
          SqsConsumerRunner.builder()
              .client(client)
              .config(config)
              .receiveErrorBackoff(
                  Backoff.exponential(
                      Duration.ofMillis(20), 2.0, Duration.ofMillis(200), Jitter.EQUAL, new SplittableRandom(3)))
              .processor(
                  TestWebhooks.processor(
                      handler, Duration.ofSeconds(1), 3, InMemoryIdempotencyStore.builder().build(), listener))
              .build()) {
        runner.start();
        Await.until(
            Duration.ofSeconds(45),
            "every message handled and deleted",
            () -> handler.totalSuccesses.get() >= ids.size() && queues.depth(pair.queueUrl()) == 0,
            () -> "handled=" + handler.totalSuccesses.get() + " depth=" + queues.depth(pair.queueUrl()));
      }
      assertThat(proxy.faultCount("ReceiveMessage")).isEqualTo(14);
      assertThat(proxy.faultCount("DeleteMessageBatch")).isEqualTo(11);
    }

    assertThat(handler.successes.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    for (String id : ids) {
      assertThat(handler.successes(id)).as(id).isEqualTo(1);
    }
    assertThat(listener.deadLettered).isEmpty();
    assertThat(queues.depth(pair.dlqUrl())).isZero();
  }
}
