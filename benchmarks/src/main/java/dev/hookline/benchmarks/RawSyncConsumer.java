package dev.hookline.benchmarks;

import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EnvelopeCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * The cheapest baseline: {@link RawConsumer}'s loop on the blocking SDK client (the Apache HTTP client). Each thread
 * loops {@code ReceiveMessage} (up to 10), decode and handle each envelope, one {@code DeleteMessageBatch}. The long
 * poll is 1 s, because a blocking call cannot be cancelled: {@link #stop()} waits for it to end.
 */
final class RawSyncConsumer {

  private final SqsClient client;
  private final String queueUrl;
  private final EnvelopeCodec codec = EnvelopeCodec.defaults();
  private final Consumer<Webhook> handler;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean running = true;

  RawSyncConsumer(SqsClient client, String queueUrl, int threadCount, Consumer<Webhook> handler) {
    this.client = client;
    this.queueUrl = queueUrl;
    this.handler = handler;
    for (int i = 0; i < threadCount; i++) {
      threads.add(new Thread(this::poll, "bench-raw-sync-" + (i + 1)));
    }
  }

  void start() {
    threads.forEach(Thread::start);
  }

  long errors() {
    return errors.get();
  }

  private void poll() {
    ReceiveMessageRequest request =
        ReceiveMessageRequest.builder()
            .queueUrl(queueUrl)
            .maxNumberOfMessages(10)
            .waitTimeSeconds(1)
            .messageAttributeNames("All")
            .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
            .build();
    while (running) {
      List<Message> messages;
      try {
        messages = client.receiveMessage(request).messages();
      } catch (RuntimeException e) {
        if (running) {
          errors.incrementAndGet();
        }
        continue;
      }
      if (messages.isEmpty()) {
        continue;
      }
      List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>(messages.size());
      for (int i = 0; i < messages.size(); i++) {
        Message m = messages.get(i);
        handler.accept(codec.decode(m.body(), RawConsumer.stringAttributes(m)));
        deletes.add(
            DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(m.receiptHandle()).build());
      }
      try {
        DeleteMessageBatchResponse response = client.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(deletes));
        errors.addAndGet(response.failed().size());
      } catch (RuntimeException e) {
        errors.incrementAndGet();
      }
    }
  }

  /** Stops the threads once their current call returns (at most the 1 s long poll). */
  void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(30_000);
    }
  }
}
