package dev.hookline.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.idempotency.Claim;
import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.core.idempotency.InMemoryIdempotencyStore;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.ElasticMqExtension.QueuePair;
import dev.hookline.testkit.SignedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An application that has only the starter, its properties and a {@link WebhookHandler} bean, over real HTTP against
 * an embedded ElasticMQ: a signed POST is answered 202 once it is on the queue and then reaches the handler. Written
 * without API that moved between Spring Boot 3 and 4 (the port comes from the environment), so that
 * hookline-spring-boot-starter-boot4-tests runs it too.
 */
@SpringBootTest(
    classes = SpringBootApplicationIntegrationTest.App.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"management.endpoint.health.show-details=always", "spring.main.banner-mode=off"})
// Close the context (and its long poll) after this class, while the shared ElasticMQ server is still up.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SpringBootApplicationIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  /** Created when Spring reads the first property, after the extension started the server. */
  private static volatile QueuePair queues;

  /** The whole application: everything else comes from the starter. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    final Map<String, byte[]> handled = new ConcurrentHashMap<>();
    final List<String> claimed = new CopyOnWriteArrayList<>();

    @Bean
    WebhookHandler handler() {
      return (Webhook webhook, dev.hookline.core.Attempt attempt) -> handled.put(webhook.deliveryId(), webhook.body());
    }

    /** The application's store: the starter's consumer claims each delivery in it. */
    @Bean
    IdempotencyStore idempotencyStore() {
      IdempotencyStore store = InMemoryIdempotencyStore.builder().build();
      return new IdempotencyStore() {
        @Override
        public Claim claim(String id, Duration ttl) {
          claimed.add(id);
          return store.claim(id, ttl);
        }

        @Override
        public boolean complete(Claim.Acquired claim) {
          return store.complete(claim);
        }

        @Override
        public boolean release(Claim.Acquired claim) {
          return store.release(claim);
        }
      };
    }
  }

  @DynamicPropertySource
  static void hooklineProperties(DynamicPropertyRegistry registry) {
    // The SDK's default credential chain reads these system properties; ElasticMQ accepts any credentials.
    System.setProperty("aws.accessKeyId", "hookline");
    System.setProperty("aws.secretAccessKey", "hookline");
    registry.add("hookline.region", () -> "us-east-1");
    registry.add("hookline.endpoint", () -> SQS.server().endpoint().toString());
    registry.add("hookline.queue-url", () -> queues().queueUrl());
    registry.add("hookline.dlq-url", () -> queues().dlqUrl());
    registry.add("hookline.sources.demo.provider", () -> "standard-webhooks");
    registry.add("hookline.sources.demo.secret", () -> SECRET);
    registry.add("hookline.consumer.wait-time", () -> "1s");
  }

  private static QueuePair queues() {
    if (queues == null) {
      synchronized (SpringBootApplicationIntegrationTest.class) {
        if (queues == null) {
          queues = SQS.createQueueWithDlq("starter-app", 10, 30);
        }
      }
    }
    return queues;
  }

  @Autowired private App app;
  @Autowired private Environment environment;
  @Autowired private ApplicationContext context;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void signedWebhookIsAcceptedThenHandled() throws Exception {
    SignedRequest.Builder signed =
        SignedRequest.standardWebhooks(SECRET).id("msg_starter_1").body("{\"type\":\"order.paid\",\"amount\":42}");

    HttpResponse<String> response = post("/webhooks/demo", signed);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(response.body()).isEqualTo("{\"status\":\"accepted\",\"deliveryId\":\"msg_starter_1\"}");
    Await.until(DEADLINE, () -> app.handled.containsKey("msg_starter_1"));
    assertThat(app.handled.get("msg_starter_1")).isEqualTo(signed.body());
    assertThat(app.claimed).anySatisfy(id -> assertThat(id).contains("msg_starter_1"));
  }

  @Test
  void badSignatureIs401AndUnknownSourceIs404() throws Exception {
    HttpResponse<String> forged =
        post("/webhooks/demo", SignedRequest.standardWebhooks(SECRET).id("msg_starter_bad").withWrongSecret());
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("\"reason\":\"invalid_signature\"");
    assertThat(post("/webhooks/nope", SignedRequest.standardWebhooks(SECRET).id("msg_x")).statusCode()).isEqualTo(404);
    assertThat(app.handled).doesNotContainKey("msg_starter_bad");
  }

  @Test
  void healthReportsTheSinkAndTheConsumer() throws Exception {
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(uri("/actuator/health/hookline")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(health.body())
        .contains("\"status\":\"UP\"")
        .contains("\"sink.accepting\":true")
        .contains("\"consumer.running\":true");
  }

  @Test
  void theConsumerStopsBeforeTheWebServerDrainsAndTheEnqueuerAfterTheServerStopped() {
    // Spring Boot's own lifecycle beans for the web server; higher phases stop first.
    int graceful = context.getBean("webServerGracefulShutdown", SmartLifecycle.class).getPhase();
    int server = context.getBean("webServerStartStop", SmartLifecycle.class).getPhase();

    assertThat(context.getBean(ConsumerLifecycle.class).getPhase()).isGreaterThan(graceful);
    assertThat(context.getBean(EnqueuerLifecycle.class).getPhase()).isLessThan(server).isLessThan(graceful);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path);
  }

  private HttpResponse<String> post(String path, SignedRequest.Builder signed) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(signed.body()));
    signed.headers().asMap().forEach((name, values) -> values.forEach(v -> request.header(name, v)));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
