package dev.hookline.sqs;

import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.EmbeddedSqs;
import dev.hookline.testkit.FaultProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Compares our batching with the SDK's {@link SqsAsyncBatchManager} on embedded ElasticMQ: 2,000 concurrent sends of
 * the same envelopes, each way, after a warm-up, reporting wall time and the number of {@code SendMessageBatch} calls.
 * Not part of the build (its name does not match the test pattern, and it asserts nothing about timing); run it by
 * hand:
 *
 * <pre>
 * mvn -B -pl webhook-sqs -am verify -Dtest=BatchingMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
final class BatchingMeasurement {

  private static final int N = 2000;
  private static final Duration LINGER = Duration.ofMillis(5);

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void measure() throws Exception {
    main(new String[0]);
  }

  /**
   * Runs the comparison.
   *
   * @param args ignored
   * @throws Exception when a send fails
   */
  static void main(String[] args) throws Exception {
    EnvelopeCodec codec = EnvelopeCodec.defaults();
    List<Webhook> webhooks = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      webhooks.add(
          Webhook.builder()
              .deliveryId("m-" + i)
              .source("github")
              .receivedAt(Instant.now())
              .headers(WebhookHeaders.builder().add("X-GitHub-Event", "push").build())
              .contentType("application/json")
              .body(("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(1000) + "\"}").getBytes(StandardCharsets.UTF_8))
              .build());
    }
    try (EmbeddedSqs server = EmbeddedSqs.start();
        FaultProxy proxy = FaultProxy.start(server.endpoint());
        SqsAsyncClient client = EmbeddedSqs.newAsyncClient(proxy.endpoint());
        SqsClient sync = server.newSyncClient()) {
      // Alternate which goes first, so neither always runs on a warmer JVM and server.
      for (int round = 0; round < 4; round++) {
        String first = round % 2 == 0 ? "own" : "batch manager";
        long[] a = round % 2 == 0 ? own(client, sync, proxy, webhooks) : sdk(client, sync, proxy, webhooks, codec);
        long[] b = round % 2 == 0 ? sdk(client, sync, proxy, webhooks, codec) : own(client, sync, proxy, webhooks);
        long[] own = round % 2 == 0 ? a : b;
        long[] sdk = round % 2 == 0 ? b : a;
        System.out.printf(
            "round %d (%s first): own %d ms, %d batch calls, %d stored | batch manager %d ms, %d batch calls,"
                + " %d stored%n",
            round, first, own[0], own[1], own[2], sdk[0], sdk[1], sdk[2]);
      }
    }
  }

  private static long[] own(SqsAsyncClient client, SqsClient sync, FaultProxy proxy, List<Webhook> webhooks)
      throws Exception {
    String q1 = sync.createQueue(b -> b.queueName("own-" + System.nanoTime())).queueUrl();
    proxy.resetCounts();
    long t0 = System.nanoTime();
    try (SqsEnqueuer enqueuer =
        SqsEnqueuer.builder()
            .client(client)
            .queueUrl(q1)
            .maxPending(N)
            .linger(LINGER)
            .maxConcurrentCalls(Integer.getInteger("calls", 16))
            .build()) {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (Webhook w : webhooks) {
        all.add(enqueuer.store(w, Duration.ofSeconds(30)).toCompletableFuture());
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    }
    long own = System.nanoTime() - t0;
    return new long[] {own / 1_000_000, proxy.requestCount("SendMessageBatch"), Await.drain(sync, q1).size()};
  }

  private static long[] sdk(
      SqsAsyncClient client, SqsClient sync, FaultProxy proxy, List<Webhook> webhooks, EnvelopeCodec codec)
      throws Exception {
    String q2 = sync.createQueue(b -> b.queueName("sdk-" + System.nanoTime())).queueUrl();
    proxy.resetCounts();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    long t1 = System.nanoTime();
    try (SqsAsyncBatchManager manager =
        SqsAsyncBatchManager.builder()
            .client(client)
            .scheduledExecutor(scheduler)
            .overrideConfiguration(o -> o.maxBatchSize(10).sendRequestFrequency(LINGER))
            .build()) {
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (Webhook w : webhooks) {
        EncodedEnvelope env = codec.encode(w);
        Map<String, MessageAttributeValue> attrs = new HashMap<>();
        env.attributes()
            .forEach((k, v) -> attrs.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        all.add(
            manager.sendMessage(
                SendMessageRequest.builder().queueUrl(q2).messageBody(env.body()).messageAttributes(attrs).build()));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    } finally {
      scheduler.shutdownNow();
    }
    long sdk = System.nanoTime() - t1;
    return new long[] {sdk / 1_000_000, proxy.requestCount("SendMessageBatch"), Await.drain(sync, q2).size()};
  }
}
