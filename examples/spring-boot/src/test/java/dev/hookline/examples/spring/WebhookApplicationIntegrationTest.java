package dev.hookline.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.Webhook;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.ElasticMqExtension.QueuePair;
import dev.hookline.testkit.SignedRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service end to end over real HTTP: a signed POST is answered 202 only once it is on the (embedded ElasticMQ)
 * queue, and the consumer runner then hands it to the handler.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
// Tests turn metrics export off by default; /actuator/prometheus is part of what this example shows.
@AutoConfigureObservability(tracing = false)
// Close the context (and its long poll) after this class, while the shared ElasticMQ server is still up.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class WebhookApplicationIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  /** Created lazily when Spring reads the first property, after the extension started the server. */
  private static volatile QueuePair queues;

  @DynamicPropertySource
  static void hooklineProperties(DynamicPropertyRegistry registry) {
    // The SDK's default credential chain reads these system properties; ElasticMQ accepts any credentials.
    System.setProperty("aws.accessKeyId", "hookline");
    System.setProperty("aws.secretAccessKey", "hookline");
    registry.add("hookline.endpoint", () -> SQS.server().endpoint().toString());
    registry.add("hookline.queue-url", () -> queues().queueUrl());
    registry.add("hookline.dlq-url", () -> queues().dlqUrl());
    // application.yml's github source has no default secret (startup fails without one); give it one here.
    registry.add("hookline.sources.github.secret", () -> "github-test-secret");
    registry.add("hookline.sources.demo.provider", () -> "standard-webhooks");
    registry.add("hookline.sources.demo.secret", () -> SECRET);
    registry.add("hookline.sources.slack.provider", () -> "slack");
    registry.add("hookline.sources.slack.secret", () -> SLACK_SECRET);
    registry.add("hookline.sources.slack.content-types[0]", () -> "application/x-www-form-urlencoded");
    registry.add("hookline.sources.instagram.provider", () -> "meta");
    registry.add("hookline.sources.instagram.secret", () -> "meta-app-secret:verify-me");
    registry.add("hookline.sources.slack-events.provider", () -> "slack");
    registry.add("hookline.sources.slack-events.secret", () -> SLACK_SECRET);
    registry.add("hookline.consumer.wait-time", () -> "1s");
  }

  private static QueuePair queues() {
    if (queues == null) {
      synchronized (WebhookApplicationIntegrationTest.class) {
        if (queues == null) {
          queues = SQS.createQueueWithDlq("spring-webhooks", 10, 30);
        }
      }
    }
    return queues;
  }

  /** Records what the consumer handled, through the same listener hook an application uses for metrics. */
  @TestConfiguration
  static class RecordingListenerConfig {
    @Bean
    RecordingListener recordingListener() {
      return new RecordingListener();
    }
  }

  static final class RecordingListener implements PipelineListener {
    final Map<String, byte[]> handled = new ConcurrentHashMap<>();
    final List<String> accepted = new CopyOnWriteArrayList<>();

    @Override
    public void onAccepted(Webhook webhook, Duration sinkLatency) {
      accepted.add(webhook.deliveryId());
    }

    @Override
    public void onHandled(Webhook webhook, int attempt, Duration handlerTime) {
      handled.put(webhook.deliveryId(), webhook.body());
    }
  }

  @LocalServerPort private int port;
  @Autowired private RecordingListener listener;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void signedWebhookIsAcceptedThenHandledByTheRunner() throws Exception {
    SignedRequest.Builder signed =
        SignedRequest.standardWebhooks(SECRET).id("msg_spring_1").body("{\"type\":\"order.paid\",\"amount\":42}");

    HttpResponse<String> response = post("/webhooks/demo", signed);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(response.body()).isEqualTo("{\"status\":\"accepted\",\"deliveryId\":\"msg_spring_1\"}");
    Await.until(DEADLINE, () -> listener.handled.containsKey("msg_spring_1"));
    assertThat(listener.handled.get("msg_spring_1")).isEqualTo(signed.body());
  }

  @Test
  void prometheusShowsTheHooklineMeters() throws Exception {
    HttpResponse<String> accepted =
        post("/webhooks/demo", SignedRequest.standardWebhooks(SECRET).id("msg_spring_metrics").body("{\"type\":\"m\"}"));
    assertThat(accepted.statusCode()).isEqualTo(202);
    Await.until(DEADLINE, () -> listener.handled.containsKey("msg_spring_metrics"));

    HttpResponse<String> scrape =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body())
        .contains("hookline_received_total{outcome=\"accepted\",reason=\"none\",source=\"demo\"}")
        .contains("hookline_handler_seconds_count{outcome=\"success\",source=\"demo\"}")
        .contains("hookline_queue_lag_seconds_count{source=\"demo\"}")
        .contains("hookline_messages_in_flight")
        .doesNotContain("msg_spring_metrics");
  }

  @Test
  void badSignatureIsRejectedAndNeverEnqueued() throws Exception {
    HttpResponse<String> response =
        post("/webhooks/demo", SignedRequest.standardWebhooks(SECRET).id("msg_spring_bad").withWrongSecret());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"reason\":\"invalid_signature\"");
    assertThat(listener.accepted).doesNotContain("msg_spring_bad");
  }

  @Test
  void unknownSourceIs404() throws Exception {
    HttpResponse<String> response = post("/webhooks/nope", SignedRequest.standardWebhooks(SECRET).id("msg_x"));

    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void formBodyReachesTheVerifierAndTheHandlerByteForByte() throws Exception {
    // Decoding and re-encoding these parameters (as Spring's @RequestBody does for form posts) gives other bytes:
    // %2A becomes *, %20 becomes +, so the signature would no longer match.
    String form = "token=x%2Ay&text=hello%20world&trigger_id=13345224609.738474920.8088930838d88f008e0";
    SignedRequest.Builder signed =
        SignedRequest.slack(SLACK_SECRET).body(form).contentType("application/x-www-form-urlencoded");

    HttpResponse<String> response = post("/webhooks/slack", signed);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    String id = response.body().replaceAll(".*\"deliveryId\":\"([^\"]+)\".*", "$1");
    Await.until(DEADLINE, () -> listener.handled.containsKey(id));
    assertThat(new String(listener.handled.get(id), StandardCharsets.UTF_8)).isEqualTo(form);
  }

  @Test
  void handshakesAreAnsweredByTheControllerAndNeverEnqueued() throws Exception {
    int acceptedBefore = listener.accepted.size();
    HttpResponse<String> meta =
        get("/webhooks/instagram?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444");
    assertThat(meta.statusCode()).isEqualTo(200);
    assertThat(meta.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(meta.body()).isEqualTo("1158201444");
    assertThat(get("/webhooks/instagram?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1").statusCode())
        .isEqualTo(403);
    assertThat(get("/webhooks/demo?hub.challenge=1").statusCode()).isEqualTo(405);

    String challenge =
        "{\"token\":\"t\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gm\",\"type\":\"url_verification\"}";
    HttpResponse<String> slack =
        post("/webhooks/slack-events", SignedRequest.forProvider("slack", SLACK_SECRET).body(challenge));
    assertThat(slack.statusCode()).as(slack.body()).isEqualTo(200);
    assertThat(slack.body()).isEqualTo("{\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gm\"}");
    HttpResponse<String> forged =
        post(
            "/webhooks/slack-events",
            SignedRequest.forProvider("slack", SLACK_SECRET).body(challenge).withWrongSecret());
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(listener.accepted).hasSize(acceptedBefore);
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, SignedRequest.Builder signed)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(signed.body()));
    signed.headers().asMap().forEach((name, values) -> values.forEach(v -> request.header(name, v)));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
