package dev.hookline.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.PermanentFailureException;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.Providers;
import dev.hookline.http.WebhookHttpServer;
import dev.hookline.sqs.SqsConsumerConfig;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.SignedRequest;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The meters through a real pipeline: HTTP → receiver → enqueuer → ElasticMQ → runner → handler. */
class HooklineMetricsIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String SECRET = "metrics-secret";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private int post(int port, SignedRequest.Builder request) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().asMap().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void aValidARejectedARetriedAndADeadLetteredWebhookEachCountWhereTheyShould() throws Exception {
    var queues = SQS.createQueueWithDlq("metrics", 10, 30);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    HooklineMetrics metrics = HooklineMetrics.create(registry);
    Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    try (SqsEnqueuer enqueuer =
            SqsEnqueuer.builder().client(SQS.asyncClient()).queueUrl(queues.queueUrl()).listener(metrics).build();
        WebhookHttpServer server =
            WebhookHttpServer.builder()
                .receiver(
                    WebhookReceiver.builder()
                        .addSource(Providers.get("github").source("github", SECRET).build())
                        .sink(enqueuer)
                        .listener(metrics)
                        .build())
                .port(0)
                .build()
                .start();
        SqsConsumerRunner runner =
            SqsConsumerRunner.builder()
                .client(SQS.asyncClient())
                .config(
                    SqsConsumerConfig.builder()
                        .queueUrl(queues.queueUrl())
                        .deadLetterQueueUrl(queues.dlqUrl())
                        .waitTime(Duration.ofSeconds(1))
                        .build())
                .processor(
                    WebhookProcessor.builder()
                        .handler(
                            (webhook, attempt) -> {
                              String id = webhook.deliveryId();
                              if (id.equals("dead")) {
                                throw new PermanentFailureException("order type unknown");
                              }
                              if (id.equals("flaky") && failedOnce.add(id)) {
                                throw new IllegalStateException("downstream timed out");
                              }
                            })
                        .retryPolicy(
                            RetryPolicy.builder().maxAttempts(3).backoff(Backoff.fixed(Duration.ofSeconds(1))).build())
                        .listener(metrics)
                        .build())
                .build()) {
      metrics.pendingStores(enqueuer::pending).messagesInFlight(runner::inFlight);
      runner.start();

      assertThat(post(server.port(), SignedRequest.github(SECRET).id("ok").body("{\"a\":1}"))).isEqualTo(202);
      assertThat(post(server.port(), SignedRequest.github(SECRET).id("flaky").body("{\"a\":2}"))).isEqualTo(202);
      assertThat(post(server.port(), SignedRequest.github(SECRET).id("dead").body("{\"a\":3}"))).isEqualTo(202);
      assertThat(post(server.port(), SignedRequest.github(SECRET).id("forged").body("{\"a\":4}").withWrongSecret()))
          .isEqualTo(401);

      Await.until(
          Duration.ofSeconds(30),
          "ok and flaky handled, dead dead-lettered",
          () -> count(registry, "hookline.handler", "outcome", "success") == 2
              && registry.find("hookline.dead.letters").counter() != null);
    }

    assertThat(registry.get("hookline.received").tags("source", "github", "outcome", "accepted", "reason", "none")
            .counter().count())
        .isEqualTo(3);
    assertThat(registry.get("hookline.received").tags("outcome", "rejected", "reason", "invalid_signature")
            .counter().count())
        .isEqualTo(1);
    assertThat(registry.get("hookline.ack").tags("source", "github").timer().count()).isEqualTo(3);
    assertThat(count(registry, "hookline.handler", "outcome", "failure")).isEqualTo(2); // flaky once, dead once
    assertThat(registry.get("hookline.retries").tags("source", "github").counter().count()).isEqualTo(1);
    assertThat(registry.get("hookline.dead.letters").tags("source", "github", "reason", "permanent_failure")
            .counter().count())
        .isEqualTo(1);
    // Four attempts started: ok, flaky twice, dead.
    assertThat(registry.get("hookline.queue.lag").tags("source", "github").timer().count()).isEqualTo(4);
    assertThat(registry.get("hookline.enqueue.pending").gauge().value()).isZero();
    assertThat(registry.find("hookline.messages.in.flight").gauge()).isNotNull();
    // Bounded tags only: never a delivery id.
    for (Meter meter : registry.getMeters()) {
      assertThat(meter.getId().getTags()).noneMatch(t -> Set.of("ok", "flaky", "dead", "forged").contains(t.getValue()));
    }
  }

  private static long count(SimpleMeterRegistry registry, String timer, String tag, String value) {
    var found = registry.find(timer).tag(tag, value).timer();
    return found == null ? 0 : found.count();
  }
}
