package dev.hookline.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.WebhookHandler;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.http.WebhookHttpServer;
import dev.hookline.sqs.SqsConsumerConfig;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.SignedRequest;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/**
 * A real pipeline: HTTP (Jetty) → receiver → SqsEnqueuer → ElasticMQ → SqsConsumerRunner → handler, with one valid, one
 * rejected, one retried and one dead-lettered webhook, recorded in a real {@link SimpleMeterRegistry}.
 */
class MicrometerPipelineIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String SECRET = "It's a Secret to Everybody";
  private static final String BODY = "{\"hello\":\"world\"}";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void everyMeterCountsTheRoundTrip() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerPipelineListener metrics = MicrometerPipelineListener.builder(registry).build();
    ElasticMqExtension.QueuePair pair = SQS.createQueueWithDlq("metrics", 10, 30);

    SqsEnqueuer enqueuer =
        SqsEnqueuer.builder().client(SQS.asyncClient()).queueUrl(pair.queueUrl()).listener(metrics).build();
    toClose.add(enqueuer);
    metrics.bindPendingStores(enqueuer::pending);
    WebhookReceiver receiver =
        WebhookReceiver.builder()
            .addSource(
                WebhookSource.builder()
                    .name("github")
                    .verifier(GitHubVerifier.builder().secrets(List.of(SECRET)).build())
                    .build())
            .sink(enqueuer)
            .listener(metrics)
            .build();
    WebhookHttpServer server = WebhookHttpServer.builder().receiver(receiver).port(0).build();
    toClose.add(server);
    server.start();

    ConcurrentLinkedQueue<Map<String, String>> seen = new ConcurrentLinkedQueue<>();
    WebhookHandler handler =
        (webhook, attempt) -> {
          seen.add(MDC.getCopyOfContextMap());
          if (webhook.deliveryId().equals("dead-1")
              || (webhook.deliveryId().equals("retry-1") && attempt.number() == 1)) {
            throw new IllegalStateException("downstream said no");
          }
        };
    WebhookProcessor processor =
        WebhookProcessor.builder()
            .handler(handler)
            .retryPolicy(RetryPolicy.builder().maxAttempts(2).backoff(Backoff.fixed(Duration.ofSeconds(1))).build())
            .listener(metrics)
            .build();
    SqsConsumerRunner runner =
        SqsConsumerRunner.builder()
            .client(SQS.asyncClient())
            .config(
                SqsConsumerConfig.builder()
                    .queueUrl(pair.queueUrl())
                    .deadLetterQueueUrl(pair.dlqUrl())
                    .waitTime(Duration.ofSeconds(1))
                    .listener(metrics)
                    .build())
            .processor(processor)
            .build();
    toClose.add(runner);
    runner.start();

    assertThat(post(server, SignedRequest.github(SECRET).id("ok-1").body(BODY)).statusCode()).isEqualTo(202);
    assertThat(post(server, SignedRequest.github(SECRET).id("retry-1").body(BODY)).statusCode()).isEqualTo(202);
    assertThat(post(server, SignedRequest.github(SECRET).id("dead-1").body(BODY)).statusCode()).isEqualTo(202);
    assertThat(post(server, SignedRequest.github("not the secret").id("bad-1").body(BODY)).statusCode())
        .isEqualTo(401);

    Await.until(
        Duration.ofSeconds(60),
        "two handled, one dead letter, nothing in flight",
        () ->
            count(registry, "hookline.dead.letters") == 1
                && registry.find("hookline.handler").tag("outcome", "success").timers().stream()
                        .mapToLong(t -> t.count())
                        .sum()
                    == 2
                && registry.get("hookline.messages.in.flight").gauge().value() == 0,
        () -> describe(registry) + " handler saw " + seen);

    assertThat(
            registry.get("hookline.received").tags("source", "github", "outcome", "accepted", "reason", "none").counter().count())
        .isEqualTo(3);
    assertThat(
            registry
                .get("hookline.received")
                .tags("source", "github", "outcome", "rejected", "reason", "invalid_signature")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("hookline.ack").tags("source", "github").timer().count()).isEqualTo(3);
    assertThat(registry.get("hookline.enqueue").tags("source", "github", "outcome", "stored").timer().count())
        .isEqualTo(3);
    assertThat(registry.find("hookline.enqueue.retries").counters()).isEmpty();
    assertThat(registry.get("hookline.enqueue.pending").gauge().value()).isEqualTo(0);
    // ok-1 once, retry-1 twice, dead-1 twice.
    assertThat(registry.get("hookline.queue.lag").tags("source", "github").timer().count()).isEqualTo(5);
    assertThat(registry.get("hookline.handler").tags("source", "github", "outcome", "success").timer().count())
        .isEqualTo(2);
    assertThat(registry.get("hookline.handler").tags("source", "github", "outcome", "failure").timer().count())
        .isEqualTo(3);
    assertThat(registry.get("hookline.retries").tags("source", "github").counter().count()).isEqualTo(2);
    assertThat(
            registry
                .get("hookline.dead.letters")
                .tags("source", "github", "reason", "attempts_exhausted")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(registry.find("hookline.leases.lost").counters()).isEmpty();
    assertThat(registry.find("hookline.duplicates").counters()).isEmpty();
    assertThat(registry.get("hookline.messages.in.flight").gauge().value()).isEqualTo(0);

    // Bounded tags only: no delivery id, message id or path ever becomes a tag.
    for (Meter meter : registry.getMeters()) {
      assertThat(meter.getId().getName()).startsWith("hookline.");
      for (Tag tag : meter.getId().getTags()) {
        assertThat(tag.getKey()).isIn("source", "outcome", "reason");
        assertThat(tag.getValue()).doesNotContain("ok-1", "retry-1", "dead-1", "bad-1", "/");
      }
    }

    // The handler ran with the log context set.
    assertThat(seen).hasSize(5);
    for (Map<String, String> mdc : seen) {
      assertThat(mdc)
          .containsKeys("hookline.delivery_id", "hookline.source", "hookline.attempt", "messaging.message.id")
          .containsEntry("hookline.source", "github");
      assertThat(Set.of("ok-1", "retry-1", "dead-1")).contains(mdc.get("hookline.delivery_id"));
    }
  }

  private static String describe(SimpleMeterRegistry registry) {
    StringBuilder b = new StringBuilder();
    for (Meter meter : registry.getMeters()) {
      b.append(meter.getId().getName()).append(meter.getId().getTags()).append('=');
      meter.measure().forEach(m -> b.append(m.getStatistic()).append(':').append(m.getValue()).append(' '));
      b.append('\n');
    }
    return b.toString();
  }

  private static long count(SimpleMeterRegistry registry, String name) {
    return (long) registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private HttpResponse<String> post(WebhookHttpServer server, SignedRequest.Builder request) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/webhooks/github"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().asMap().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
