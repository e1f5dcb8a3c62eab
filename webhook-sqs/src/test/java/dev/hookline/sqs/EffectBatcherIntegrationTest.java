package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.sqs.internal.BatchOutcome;
import dev.hookline.sqs.internal.MessageEffects;
import dev.hookline.testkit.ElasticMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;

class EffectBatcherIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  private List<Message> received(String url, int count) {
    for (int i = 0; i < count; i++) {
      int n = i;
      SQS.syncClient().sendMessage(b -> b.queueUrl(url).messageBody("m" + n));
    }
    List<Message> result = new ArrayList<>();
    while (result.size() < count) {
      result.addAll(
          SQS.syncClient()
              .receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1).visibilityTimeout(60))
              .messages());
    }
    return result;
  }

  @Test
  void groupsEntriesIntoCallsOfAtMostTen() {
    String url = SQS.createQueue("batcher");
    List<Message> messages = received(url, 25);
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    EffectBatcher batcher =
        new EffectBatcher(new MessageEffects(client, url), scheduler, Duration.ofMillis(50));

    List<CompletableFuture<BatchOutcome>> results = new ArrayList<>();
    for (Message m : messages) {
      results.add(batcher.delete(m));
    }
    CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).join();

    for (int i = 0; i < messages.size(); i++) {
      assertThat(results.get(i).join().succeeded(messages.get(i).messageId())).isTrue();
    }
    assertThat(client.deletedEntries.get()).isEqualTo(25);
    // Full batches go at once; the remainder after the linger: at least 3 calls, and fewer than one per entry.
    assertThat(client.deleteBatches.get()).isBetween(3, 12);
  }

  @Test
  void withoutLingerEachEntryIsSentAtOnce() {
    String url = SQS.createQueue("batcher-nolinger");
    List<Message> messages = received(url, 3);
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    EffectBatcher batcher = new EffectBatcher(new MessageEffects(client, url), scheduler, Duration.ZERO);

    for (Message m : messages) {
      batcher.changeVisibility(m, 5).join();
    }

    assertThat(client.visibilityTimeouts()).containsExactly(5, 5, 5);
  }

  @Test
  void closeSendsPendingEntriesWithoutWaitingForTheLinger() throws Exception {
    String url = SQS.createQueue("batcher-close");
    List<Message> messages = received(url, 2);
    RecordingSqsClient client = new RecordingSqsClient(SQS.asyncClient());
    EffectBatcher batcher =
        new EffectBatcher(new MessageEffects(client, url), scheduler, Duration.ofSeconds(60));
    CompletableFuture<BatchOutcome> pending = batcher.delete(messages.get(0));

    batcher.close().get(10, TimeUnit.SECONDS);

    assertThat(pending.join().succeeded(messages.get(0).messageId())).isTrue();
    // After close, entries go straight out.
    assertThat(batcher.delete(messages.get(1)).get(10, TimeUnit.SECONDS).succeeded(messages.get(1).messageId()))
        .isTrue();
  }
}
