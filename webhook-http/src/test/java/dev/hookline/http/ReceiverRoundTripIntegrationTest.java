package dev.hookline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.EmbeddedSqs;
import dev.hookline.testkit.Fault;
import dev.hookline.testkit.FaultProxy;
import dev.hookline.testkit.SignedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The whole receiving path: HTTP (Jetty) → receiver → GitHub signature → enqueuer → ElasticMQ. */
class ReceiverRoundTripIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  // The secret and body from GitHub's "Validating webhook deliveries" documentation example.
  private static final String SECRET = "It's a Secret to Everybody";
  private static final String BODY = "Hello, World!";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private WebhookHttpServer serve(SqsAsyncClient client, String queueUrl, Duration budget) {
    return serve(client, queueUrl, budget, Duration.ZERO);
  }

  private WebhookHttpServer serve(SqsAsyncClient client, String queueUrl, Duration budget, Duration shutdownTimeout) {
    SqsEnqueuer enqueuer =
        SqsEnqueuer.builder()
            .client(client)
            .queueUrl(queueUrl)
            .initialBackoff(Duration.ofMillis(20))
            .maxBackoff(Duration.ofMillis(100))
            .build();
    toClose.add(enqueuer);
    WebhookReceiver receiver =
        WebhookReceiver.builder()
            .addSource(
                WebhookSource.builder()
                    .name("github")
                    .verifier(GitHubVerifier.builder().secrets(List.of(SECRET)).build())
                    .enqueueBudget(budget)
                    .build())
            .sink(enqueuer)
            .build();
    WebhookHttpServer server =
        WebhookHttpServer.builder().receiver(receiver).port(0).shutdownTimeout(shutdownTimeout).build();
    toClose.add(server);
    return server.start();
  }

  private HttpResponse<String> post(WebhookHttpServer server, SignedRequest.Builder request) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/webhooks/github"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().asMap().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(WebhookHttpServer server, String deliveryId) {
    try {
      return post(server, SignedRequest.github(SECRET).id(deliveryId).body(BODY));
    } catch (Exception e) {
      throw new IllegalStateException("POST " + deliveryId + " failed", e);
    }
  }

  @Test
  void anAcceptedWebhookIsOnTheQueueByteForByte() throws Exception {
    String queue = SQS.createQueue("http");
    WebhookHttpServer server = serve(SQS.asyncClient(), queue, Duration.ofSeconds(2));
    SignedRequest.Builder request =
        SignedRequest.github(SECRET).id("72d3162e-cc78-11e3-81ab-4c9367dc0958").body(BODY).header("X-GitHub-Event", "ping");

    HttpResponse<String> response = post(server, request);

    assertThat(response.statusCode()).isEqualTo(202);
    List<Message> messages = Await.drain(SQS.syncClient(), queue);
    assertThat(messages).hasSize(1);
    Message m = messages.get(0);
    Map<String, String> attributes =
        m.messageAttributes().entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stringValue()));
    Webhook webhook = EnvelopeCodec.defaults().decode(m.body(), attributes);
    assertThat(webhook.deliveryId()).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assertThat(webhook.source()).isEqualTo("github");
    assertThat(webhook.body()).isEqualTo(BODY.getBytes(StandardCharsets.UTF_8));
    WebhookHeaders sent = request.headers();
    assertThat(webhook.headers().first("X-GitHub-Event")).contains("ping");
    assertThat(webhook.headers().first(GitHubVerifier.SIGNATURE_HEADER))
        .isEqualTo(sent.first(GitHubVerifier.SIGNATURE_HEADER));
    // GitHub's documented signature for this secret and body.
    assertThat(webhook.headers().first(GitHubVerifier.SIGNATURE_HEADER))
        .contains("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  }

  @Test
  void anSqsOutageBecomes503WithinTheBudget() throws Exception {
    String queue = SQS.createQueue("http503");
    try (FaultProxy proxy = FaultProxy.start(SQS.server().endpoint());
        SqsAsyncClient client =
            EmbeddedSqs.newAsyncClientWithoutRetries(proxy.endpoint())) {
      WebhookHttpServer server = serve(client, queue, Duration.ofMillis(800));
      // Warm up the path (a new SDK client's first call, JIT, connections) so the timing below measures the budget,
      // not a cold start; a cold first attempt may itself outlast the short budget, so try until accepted.
      client.listQueues().join();
      Await.until(
          Duration.ofSeconds(15),
          () -> {
            try {
              return post(server, SignedRequest.github(SECRET).id("warm-1").body(BODY)).statusCode() == 202;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      proxy.failAlways(Fault.unavailable(), "SendMessageBatch");

      long start = System.nanoTime();
      HttpResponse<String> response = post(server, SignedRequest.github(SECRET).id("down-1").body(BODY));

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).isPresent();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(800 + 700));
      assertThat(proxy.faultCount("SendMessageBatch")).isGreaterThan(1);
      assertThat(Await.drain(SQS.syncClient(), queue))
          .extracting(m -> m.messageAttributes().get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue())
          .containsOnly("warm-1");
      closeAll();
      toClose.clear();
    }
  }

  /** One webhook POSTed during the outage test, and what came back. */
  private record Sent(String deliveryId, long startedNanos, long answeredNanos, HttpResponse<String> response) {
    boolean accepted() {
      return response.statusCode() / 100 == 2;
    }
  }

  @Test
  void concurrentPostsThroughAnOutageLongerThanTheBudgetAreQueuedOnceAcceptedOrGet503() throws Exception {
    String queue = SQS.createQueue("outage");
    Duration budget = Duration.ofMillis(300);
    // Long enough that, even on a loaded machine, some answers surely come back while SQS is still down.
    Duration outage = Duration.ofSeconds(2);
    int senders = 8;
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try (FaultProxy proxy = FaultProxy.start(SQS.server().endpoint());
        SqsAsyncClient client =
            EmbeddedSqs.newAsyncClientWithoutRetries(proxy.endpoint())) {
      WebhookHttpServer server = serve(client, queue, budget);
      // Warm up (a new SDK client's first call, JIT, connections): a cold first attempt may outlast the short budget.
      Await.until(
          Duration.ofSeconds(15),
          "warm-up accepted",
          () -> post(server, "warm-1").statusCode() == 202);

      long outageStart = System.nanoTime();
      proxy.failFor(outage, Fault.unavailable(), "SendMessageBatch");
      // The proxy ends the window `outage` after it was set: not before outageStart + outage, not after outageEnd.
      long outageEnd = System.nanoTime() + outage.toNanos();
      ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
      List<Future<?>> running = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        int sender = s;
        running.add(
            pool.submit(
                () -> {
                  // Each sender posts back to back until SQS is certainly back and a webhook was accepted.
                  for (int n = 0; n < 500; n++) {
                    String id = "outage-" + sender + "-" + n;
                    long started = System.nanoTime();
                    HttpResponse<String> response = post(server, id);
                    Sent one = new Sent(id, started, System.nanoTime(), response);
                    sent.add(one);
                    if (started - outageEnd > 0 && one.accepted()) {
                      return null;
                    }
                  }
                  throw new AssertionError("sender " + sender + " never got a webhook accepted after the outage");
                }));
      }
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }

      List<String> accepted = new ArrayList<>();
      for (Sent one : sent) {
        if (one.accepted()) {
          accepted.add(one.deliveryId());
          continue;
        }
        assertThat(one.response().statusCode()).as(one.deliveryId()).isEqualTo(503);
        assertThat(one.response().headers().firstValue("Retry-After"))
            .as(one.deliveryId())
            .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
      }
      // Answered while SQS was certainly down: the outage outlasted the budget, so nothing could be accepted.
      assertThat(sent)
          .filteredOn(one -> one.answeredNanos() - (outageStart + outage.toNanos()) < 0)
          .isNotEmpty()
          .allSatisfy(one -> assertThat(one.response().statusCode()).as(one.deliveryId()).isEqualTo(503));
      // Each sender stopped at a webhook accepted after the outage (not asserted for every later one: on a busy
      // machine even a healthy call may outlast a 300 ms budget).
      assertThat(sent).filteredOn(one -> one.startedNanos() - outageEnd > 0 && one.accepted()).hasSize(senders);
      assertThat(proxy.faultCount("SendMessageBatch")).isPositive();

      // Ack means durable: every webhook that got a 2xx is on the queue. (A 503 promises nothing either way: a
      // call still in flight when the budget ran out may store it, and the sender's retry is then a duplicate.)
      List<String> queued =
          Await.drain(SQS.syncClient(), queue).stream()
              .map(m -> m.messageAttributes().get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue())
              .collect(Collectors.toList());
      assertThat(queued).containsAll(accepted);
      List<String> everySent = sent.stream().map(Sent::deliveryId).collect(Collectors.toCollection(ArrayList::new));
      everySent.add("warm-1");
      assertThat(everySent).containsAll(queued);
      closeAll();
      toClose.clear();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeWithFiftyRequestsInProgressAndSqsSlowAnswersEachOrSays503AndEveryAckIsQueued() throws Exception {
    String queue = SQS.createQueue("drain");
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try (FaultProxy proxy = FaultProxy.start(SQS.server().endpoint());
        SqsAsyncClient client = EmbeddedSqs.newAsyncClientWithoutRetries(proxy.endpoint())) {
      WebhookHttpServer server = serve(client, queue, Duration.ofSeconds(5), Duration.ofSeconds(15));
      Await.until(Duration.ofSeconds(15), "warm-up accepted", () -> post(server, "warm-1").statusCode() == 202);
      proxy.failAlways(Fault.delay(Duration.ofMillis(600)), "SendMessageBatch");

      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String id = "drain-" + i;
        answers.add(pool.submit(() -> post(server, id)));
      }
      // Progress, not time: close once SQS has been called with the first of them.
      Await.until(Duration.ofSeconds(15), "a slowed SQS call", () -> proxy.requestCount("SendMessageBatch") > 1);
      server.close();

      List<String> acked = new ArrayList<>();
      for (int i = 0; i < answers.size(); i++) {
        HttpResponse<String> response;
        try {
          response = answers.get(i).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          // Sent after the listening socket closed: refused, never acknowledged.
          continue;
        }
        assertThat(response.statusCode()).as(response.body()).isIn(202, 503);
        if (response.statusCode() == 202) {
          acked.add("drain-" + i);
        }
      }
      proxy.clear();
      List<String> queued =
          Await.drain(SQS.syncClient(), queue).stream()
              .map(m -> m.messageAttributes().get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue())
              .collect(Collectors.toList());
      assertThat(acked).isNotEmpty();
      assertThat(queued).containsAll(acked);
      closeAll();
      toClose.clear();
    } finally {
      pool.shutdownNow();
    }
  }
}
