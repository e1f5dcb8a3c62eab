package dev.hookline.benchmarks;

import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EnvelopeCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The baseline: a hand-written consumer straight on the SDK. Each poller thread loops: {@code ReceiveMessage} (up to
 * 10, long poll), decode each envelope with the same codec the runner uses and call the handler, then one {@code
 * DeleteMessageBatch} for the batch, waited for before the next receive. No leases, retries, DLQ or shutdown drain:
 * the least work a correct consumer can do.
 */
final class RawConsumer {

  private final SqsAsyncClient client;
  private final String queueUrl;
  private final EnvelopeCodec codec = EnvelopeCodec.defaults();
  private final Consumer<Webhook> handler;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicReferenceArray<CompletableFuture<?>> receives;
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean running = true;

  RawConsumer(SqsAsyncClient client, String queueUrl, int pollers, Consumer<Webhook> handler) {
    this.client = client;
    this.queueUrl = queueUrl;
    this.handler = handler;
    this.receives = new AtomicReferenceArray<>(pollers);
    for (int i = 0; i < pollers; i++) {
      int slot = i;
      threads.add(new Thread(() -> poll(slot), "bench-raw-poller-" + (i + 1)));
    }
  }

  void start() {
    threads.forEach(Thread::start);
  }

  long errors() {
    return errors.get();
  }

  private void poll(int slot) {
    ReceiveMessageRequest request =
        ReceiveMessageRequest.builder()
            .queueUrl(queueUrl)
            .maxNumberOfMessages(10)
            .waitTimeSeconds(20)
            .messageAttributeNames("All")
            .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
            .build();
    while (running) {
      CompletableFuture<ReceiveMessageResponse> call = client.receiveMessage(request);
      receives.set(slot, call);
      if (!running) {
        call.cancel(true);
        return;
      }
      List<Message> messages;
      try {
        messages = call.join().messages();
      } catch (CancellationException | CompletionException e) {
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
        handler.accept(codec.decode(m.body(), stringAttributes(m)));
        deletes.add(
            DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(m.receiptHandle()).build());
      }
      try {
        DeleteMessageBatchResponse response =
            client.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(deletes)).join();
        errors.addAndGet(response.failed().size());
      } catch (CompletionException e) {
        errors.incrementAndGet();
      }
    }
  }

  static Map<String, String> stringAttributes(Message m) {
    Map<String, String> attributes = new HashMap<>();
    for (Map.Entry<String, MessageAttributeValue> e : m.messageAttributes().entrySet()) {
      if (e.getValue().stringValue() != null) {
        attributes.put(e.getKey(), e.getValue().stringValue());
      }
    }
    return attributes;
  }

  /** Stops the pollers: cancels their long polls and waits for them to end. */
  void stop() throws InterruptedException {
    running = false;
    for (int i = 0; i < receives.length(); i++) {
      CompletableFuture<?> call = receives.get(i);
      if (call != null) {
        call.cancel(true);
      }
    }
    for (Thread t : threads) {
      t.join(30_000);
    }
  }
}
