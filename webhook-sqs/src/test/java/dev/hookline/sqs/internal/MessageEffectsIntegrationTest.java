package dev.hookline.sqs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testkit.ElasticMqExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

class MessageEffectsIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  /** Counts batch calls and their entries on the way to the real server. */
  private static final class CountingClient implements SqsAsyncClient {
    final SqsAsyncClient delegate = SQS.asyncClient();
    final AtomicInteger deleteCalls = new AtomicInteger();
    final AtomicInteger visibilityCalls = new AtomicInteger();
    final AtomicInteger sendCalls = new AtomicInteger();
    final List<Integer> entriesPerCall = new ArrayList<>();

    @Override
    public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(
        DeleteMessageBatchRequest request) {
      deleteCalls.incrementAndGet();
      synchronized (entriesPerCall) {
        entriesPerCall.add(request.entries().size());
      }
      return delegate.deleteMessageBatch(request);
    }

    @Override
    public CompletableFuture<ChangeMessageVisibilityBatchResponse> changeMessageVisibilityBatch(
        ChangeMessageVisibilityBatchRequest request) {
      visibilityCalls.incrementAndGet();
      return delegate.changeMessageVisibilityBatch(request);
    }

    @Override
    public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
      sendCalls.incrementAndGet();
      return delegate.sendMessage(request);
    }

    @Override
    public String serviceName() {
      return delegate.serviceName();
    }

    @Override
    public void close() {}
  }

  private List<Message> sendAndReceive(String url, int count) {
    for (int i = 0; i < count; i++) {
      int n = i;
      SQS.syncClient().sendMessage(b -> b.queueUrl(url).messageBody("m" + n));
    }
    List<Message> received = new ArrayList<>();
    while (received.size() < count) {
      received.addAll(
          SQS.syncClient()
              .receiveMessage(
                  b ->
                      b.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .visibilityTimeout(30)
                          .messageAttributeNames("All")
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
              .messages());
    }
    return received;
  }

  @Test
  void deletesInChunksOfTen() {
    String url = SQS.createQueue("effects-delete");
    List<Message> messages = sendAndReceive(url, 23);
    CountingClient client = new CountingClient();
    MessageEffects effects = new MessageEffects(client, url);

    BatchOutcome outcome = effects.delete(messages).join();

    assertThat(outcome.failed()).isEmpty();
    assertThat(outcome.succeeded()).hasSize(23);
    assertThat(client.entriesPerCall).containsExactlyInAnyOrder(10, 10, 3);
  }

  @Test
  void aStaleReceiptHandleIsReportedAndNotRetried() {
    String url = SQS.createQueue("effects-stale");
    List<Message> messages = sendAndReceive(url, 2);
    Message stale = messages.get(0).toBuilder().receiptHandle("not-a-receipt-handle").build();
    CountingClient client = new CountingClient();
    MessageEffects effects = new MessageEffects(client, url);

    BatchOutcome outcome =
        effects
            .changeVisibility(List.of(new VisibilityChange(stale, 0), new VisibilityChange(messages.get(1), 0)))
            .join();

    assertThat(outcome.succeeded(messages.get(1).messageId())).isTrue();
    assertThat(outcome.failed()).containsOnlyKeys(stale.messageId());
    assertThat(client.visibilityCalls.get()).as("sender faults are not retried").isEqualTo(1);
  }
}
