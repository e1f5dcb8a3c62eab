package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SqsConsumerRunnerFifoIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private final SqsTestQueues queues = new SqsTestQueues(SQS);

  private static String group(String id) {
    return id.substring(0, id.indexOf('-'));
  }

  private static int sequence(String id) {
    return Integer.parseInt(id.substring(id.indexOf('-') + 1));
  }

  @Test
  void keepsOrderWithinEachGroupUnderConcurrencyWhileOneGroupFails() {
    int groups = 8;
    int perGroup = 25;
    var pair = SQS.createQueueWithDlq("ordered.fifo", 10, 30);
    // Interleave groups so every receive batch mixes them.
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < perGroup; i++) {
      for (int g = 0; g < groups; g++) {
        ids.add("g" + g + "-" + i);
      }
    }
    queues.send(pair.queueUrl(), ids, SqsConsumerRunnerFifoIntegrationTest::group);

    Set<String> failOnce = Set.of("g3-5", "g3-12");
    Map<String, List<Integer>> order = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    Set<String> failed = ConcurrentHashMap.newKeySet();
    CopyOnWriteArrayList<String> groupsFinished = new CopyOnWriteArrayList<>();
    CountingHandler handler =
        new CountingHandler(
            (w, a) -> {
              String id = w.deliveryId();
              List<Integer> seen = order.computeIfAbsent(group(id), k -> new CopyOnWriteArrayList<>());
              int expected = seen.size();
              if (sequence(id) != expected) {
                violations.add(id + " called when " + expected + " was next");
              }
              if (failOnce.contains(id) && failed.add(id)) {
                throw new IllegalStateException("injected failure");
              }
              seen.add(sequence(id));
              if (seen.size() == perGroup) {
                groupsFinished.add(group(id));
              }
            });
    SqsConsumerConfig config =
        SqsConsumerConfig.builder()
            .queueUrl(pair.queueUrl())
            .deadLetterQueueUrl(pair.dlqUrl())
            .maxInFlight(16)
            .pollers(2)
            .waitTime(Duration.ofSeconds(1))
            .build();
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    try (SqsConsumerRunner runner =
        SqsConsumerRunner.builder()
            .client(client)
            .config(config)
            .random(new SplittableRandom(7))
            .processor(TestWebhooks.processor(handler, Duration.ofSeconds(1), 5))
            .build()) {
      runner.start();
      Await.until(
          Duration.ofSeconds(30),
          "every group finished",
          () -> groupsFinished.size() == groups,
          () -> "finished=" + groupsFinished + " order=" + order);
      Await.until(Duration.ofSeconds(10), "queue empty", () -> queues.depth(pair.queueUrl()) == 0);
    }

    assertThat(violations).isEmpty();
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < perGroup; i++) {
      all.add(i);
    }
    for (int g = 0; g < groups; g++) {
      assertThat(order.get("g" + g)).as("group g" + g).containsExactlyElementsOf(all);
    }
    assertThat(failed).isEqualTo(failOnce);
    assertThat(handler.totalSuccesses.get()).isEqualTo(groups * perGroup);
    assertThat(handler.maxRunning.get()).isLessThanOrEqualTo(16);
    // The failing group held back only itself: it was the last to finish (two 1 s backoffs).
    assertThat(groupsFinished.get(groups - 1)).isEqualTo("g3");
    // The failed messages were retried after 1 s; the rest of their group from the same batch went back at once.
    assertThat(client.visibilityTimeouts()).contains(1).containsOnly(0, 1);
  }
}
