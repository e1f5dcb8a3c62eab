package dev.hookline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.SinkOverCapacityException;
import dev.hookline.core.TestHmacVerifier;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.signature.Providers;
import dev.hookline.core.signature.SignatureVerificationException;
import dev.hookline.core.signature.SignatureVerifier;
import dev.hookline.core.signature.StandardWebhooksVerifier;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every status the receiver answers, over real HTTP on port 0. */
class WebhookHttpServerTest {

  private static final int LIMIT = 1024;
  private static final Duration SHORT_BUDGET = Duration.ofMillis(300);
  private static final byte[] BODY = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);
  // The Standard Webhooks libraries' test secret; standardSignature signs with it apart from the verifier.
  private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private final TestHmacVerifier verifier = new TestHmacVerifier("it-secret");
  private final InMemoryWebhookSink sink = InMemoryWebhookSink.create();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    sink.release();
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private WebhookHttpServer start(
      Consumer<WebhookReceiver.Builder> receiverConfig, Consumer<WebhookHttpServer.Builder> serverConfig) {
    WebhookReceiver.Builder receiver =
        WebhookReceiver.builder()
            .addSource(WebhookSource.builder().name("github").verifier(verifier).maxBodyBytes(LIMIT).build())
            .addSource(
                WebhookSource.builder().name("slow").verifier(verifier).enqueueBudget(SHORT_BUDGET).build())
            .sink(sink);
    receiverConfig.accept(receiver);
    WebhookHttpServer.Builder server =
        WebhookHttpServer.builder().receiver(receiver.build()).port(0).shutdownTimeout(Duration.ZERO);
    serverConfig.accept(server);
    WebhookHttpServer started = server.build();
    toClose.add(started);
    return started.start();
  }

  private WebhookHttpServer start() {
    return start(r -> {}, s -> {});
  }

  private static URI uri(WebhookHttpServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpRequest.Builder signedPost(WebhookHttpServer server, String path, byte[] body) {
    return HttpRequest.newBuilder(uri(server, path))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header(TestHmacVerifier.SIGNATURE, verifier.sign(body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void assertJsonRejection(HttpResponse<String> response, int status, String reason) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body()).contains("\"reason\":\"" + reason + "\"");
  }

  @Test
  void handshakesAreAnsweredOverHttpAndNothingIsStored() throws Exception {
    WebhookHttpServer server =
        start(
            r ->
                r.addSource(Providers.get("meta").source("meta", "app-secret:verify-me").build())
                    .addSource(Providers.get("microsoft-graph").source("graph", "client-state").build()),
            s -> {});

    HttpResponse<String> meta =
        send(
            HttpRequest.newBuilder(
                    uri(server, "/webhooks/meta?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"))
                .GET()
                .build());
    assertThat(meta.statusCode()).isEqualTo(200);
    assertThat(meta.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
    assertThat(meta.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(meta.body()).isEqualTo("1158201444");

    HttpResponse<String> wrong =
        send(
            HttpRequest.newBuilder(uri(server, "/webhooks/meta?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1"))
                .GET()
                .build());
    assertJsonRejection(wrong, 403, "forbidden");

    HttpResponse<String> graph =
        send(
            HttpRequest.newBuilder(uri(server, "/webhooks/graph?validationToken=Validation%3A%20ok"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(graph.statusCode()).isEqualTo(200);
    assertThat(graph.body()).isEqualTo("Validation: ok");

    // A GET to a source without a GET handshake is still 405 with Allow: POST.
    HttpResponse<String> github = send(HttpRequest.newBuilder(uri(server, "/webhooks/github?challenge=1")).GET().build());
    assertJsonRejection(github, 405, "method_not_allowed");
    assertThat(github.headers().firstValue("Allow")).contains("POST");
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void acceptedIs202WithDeliveryId() throws Exception {
    WebhookHttpServer server = start();
    HttpResponse<String> response =
        send(signedPost(server, "/webhooks/github?x=1", BODY).header(TestHmacVerifier.DELIVERY, "d-42").build());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body()).isEqualTo("{\"status\":\"accepted\",\"deliveryId\":\"d-42\"}");
    assertThat(sink.webhooks()).singleElement().satisfies(w -> assertThat(w.body()).isEqualTo(BODY));
  }

  @Test
  void acceptedStatusCanBe200() throws Exception {
    WebhookHttpServer server = start(r -> r.acceptedStatus(200), s -> {});
    assertThat(send(signedPost(server, "/webhooks/github", BODY).build()).statusCode()).isEqualTo(200);
  }

  @Test
  void contentTypeThatIsNotAMediaTypeIs400() throws Exception {
    WebhookHttpServer server = start();
    assertJsonRejection(
        send(signedPost(server, "/webhooks/github", BODY).setHeader("Content-Type", "json").build()),
        400,
        "malformed_request");
  }

  @Test
  void badSignatureIs401() throws Exception {
    WebhookHttpServer server = start();
    HttpResponse<String> response =
        send(signedPost(server, "/webhooks/github", BODY).setHeader(TestHmacVerifier.SIGNATURE, "00").build());
    assertJsonRejection(response, 401, "invalid_signature");
    assertThat(response.body()).contains(WebhookReceiver.SIGNATURE_FAILED).doesNotContain("mismatch");
    assertThat(sink.webhooks()).isEmpty();
  }

  @Test
  void staleOrFutureSignedTimestampIs401WithTheSameResponseAsABadSignature() throws Exception {
    long now = 1_700_000_000L;
    SignatureVerifier standard =
        StandardWebhooksVerifier.builder()
            .addSecret(WHSEC)
            .clock(Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC))
            .build(); // default tolerance: 5 minutes either way
    WebhookHttpServer server =
        start(r -> r.addSource(WebhookSource.builder().name("standard").verifier(standard).build()), s -> {});
    long stale = now - Duration.ofMinutes(6).toSeconds();
    long future = now + Duration.ofMinutes(6).toSeconds();

    // The oracle signs correctly: a fresh request passes, and the stale one fails only on its timestamp.
    assertThat(send(standardPost(server, "msg_fresh", now, standardSignature("msg_fresh", now))).statusCode())
        .isEqualTo(202);
    assertThatThrownBy(() -> standard.verify(standardHeaders("msg_stale", stale), BODY))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("webhook-timestamp outside tolerance: too old");

    HttpResponse<String> staleResponse =
        send(standardPost(server, "msg_stale", stale, standardSignature("msg_stale", stale)));
    HttpResponse<String> futureResponse =
        send(standardPost(server, "msg_future", future, standardSignature("msg_future", future)));
    HttpResponse<String> forged =
        send(standardPost(server, "msg_forged", now, "v1," + Base64.getEncoder().encodeToString(new byte[32])));

    assertJsonRejection(forged, 401, "invalid_signature");
    for (HttpResponse<String> response : List.of(staleResponse, futureResponse)) {
      assertJsonRejection(response, 401, "invalid_signature");
      // Nothing tells a stale timestamp from a bad signature: same body, same headers (but the date).
      assertThat(response.body()).isEqualTo(forged.body()).doesNotContainIgnoringCase("timestamp");
      assertThat(response.body()).doesNotContainIgnoringCase("tolerance").doesNotContainIgnoringCase("old");
      assertThat(withoutDate(response.headers().map())).isEqualTo(withoutDate(forged.headers().map()));
    }
    assertThat(sink.webhooks()).extracting(w -> w.deliveryId()).containsExactly("msg_fresh");
  }

  private static String standardSignature(String id, long timestamp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(WHSEC.substring("whsec_".length())), "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(BODY));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static WebhookHeaders standardHeaders(String id, long timestamp) {
    return WebhookHeaders.builder()
        .add("webhook-id", id)
        .add("webhook-timestamp", Long.toString(timestamp))
        .add("webhook-signature", standardSignature(id, timestamp))
        .build();
  }

  private static HttpRequest standardPost(WebhookHttpServer server, String id, long timestamp, String signature) {
    return HttpRequest.newBuilder(uri(server, "/webhooks/standard"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(timestamp))
        .header("webhook-signature", signature)
        .POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
        .build();
  }

  private static Map<String, List<String>> withoutDate(Map<String, List<String>> headers) {
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(headers);
    copy.remove("date");
    return copy;
  }

  @Test
  void unknownSourceAndOtherPathsAre404() throws Exception {
    WebhookHttpServer server = start();
    assertJsonRejection(send(signedPost(server, "/webhooks/nope", BODY).build()), 404, "unknown_source");
    assertJsonRejection(send(signedPost(server, "/webhooks/github/extra", BODY).build()), 404, "unknown_source");
    assertThat(send(signedPost(server, "/elsewhere", BODY).build()).statusCode()).isEqualTo(404);
    assertThat(send(signedPost(server, "/webhooks/", BODY).build()).statusCode()).isEqualTo(404);
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    WebhookHttpServer server = start();
    HttpResponse<String> get = send(HttpRequest.newBuilder(uri(server, "/webhooks/github")).GET().build());
    assertJsonRejection(get, 405, "method_not_allowed");
    assertThat(get.headers().firstValue("Allow")).contains("POST");

    HttpResponse<String> postHealth = send(signedPost(server, "/healthz", BODY).build());
    assertThat(postHealth.statusCode()).isEqualTo(405);
    assertThat(postHealth.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void healthz() throws Exception {
    WebhookHttpServer server = start();
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri(server, "/healthz")).GET().build());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
  }

  @Test
  void bodyExactlyAtLimitIsAcceptedAndOneByteOverIs413() throws Exception {
    WebhookHttpServer server = start();
    byte[] atLimit = new byte[LIMIT];
    Arrays.fill(atLimit, (byte) ' ');
    assertThat(send(signedPost(server, "/webhooks/github", atLimit).build()).statusCode()).isEqualTo(202);

    byte[] over = new byte[LIMIT + 1];
    Arrays.fill(over, (byte) ' ');
    assertJsonRejection(send(signedPost(server, "/webhooks/github", over).build()), 413, "payload_too_large");
    assertThat(sink.webhooks()).hasSize(1);
  }

  @Test
  void chunkedBodyOverLimitIs413() throws Exception {
    WebhookHttpServer server = start();
    byte[] over = new byte[LIMIT + 1];
    Arrays.fill(over, (byte) ' ');
    // An InputStream publisher has no known length, so the client sends it chunked, without Content-Length.
    HttpRequest request =
        signedPost(server, "/webhooks/github", over)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(over)))
            .build();
    assertJsonRejection(send(request), 413, "payload_too_large");
  }

  @Test
  void hugeDeclaredContentLengthIs413BeforeTheBodyIsSent() throws Exception {
    WebhookHttpServer server = start();
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      // Declares 1 GiB but sends only the headers: the answer must not wait for the body.
      out.write(
          ("POST /webhooks/github HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 1073741824\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      RawResponse response = RawResponse.readOne(socket.getInputStream());
      assertThat(response.status).isEqualTo(413);
      assertThat(response.headers).anySatisfy(h -> assertThat(h).matches("(?i)connection: close"));
    }
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void disallowedContentTypeIs415() throws Exception {
    WebhookHttpServer server = start();
    assertJsonRejection(
        send(signedPost(server, "/webhooks/github", BODY).setHeader("Content-Type", "text/plain").build()),
        415,
        "unsupported_media_type");
  }

  @Test
  void fullSinkIs429WithRetryAfter() throws Exception {
    WebhookHttpServer server = start();
    sink.failNext(1, new SinkOverCapacityException("full"));
    HttpResponse<String> response = send(signedPost(server, "/webhooks/github", BODY).build());
    assertJsonRejection(response, 429, "over_capacity");
    assertThat(response.headers().firstValue("Retry-After")).contains("5");
  }

  @Test
  void failingSinkIs503WithRetryAfter() throws Exception {
    WebhookHttpServer server = start(r -> r.unavailableRetryAfter(Duration.ofMillis(1500)), s -> {});
    sink.failWith(new IllegalStateException("queue down"));
    HttpResponse<String> response = send(signedPost(server, "/webhooks/github", BODY).build());
    assertJsonRejection(response, 503, "sink_unavailable");
    assertThat(response.headers().firstValue("Retry-After")).contains("2"); // rounded up to whole seconds
    assertThat(response.body()).doesNotContain("queue down");
  }

  @Test
  void sinkThatNeverCompletesIs503WithinBudgetPlusMargin() throws Exception {
    WebhookHttpServer server = start();
    sink.hold();
    long started = System.nanoTime();
    HttpResponse<String> response = send(signedPost(server, "/webhooks/slow", BODY).build());
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertJsonRejection(response, 503, "sink_unavailable");
    assertThat(response.headers().firstValue("Retry-After")).contains("10");
    assertThat(took).isGreaterThanOrEqualTo(SHORT_BUDGET);
    // Budget + the receiver's margin, plus generous slack for a loaded 2-core machine.
    assertThat(took).isLessThan(SHORT_BUDGET.plusMillis(WebhookReceiver.SINK_TIMEOUT_MARGIN_MILLIS).plusSeconds(3));
    assertThat(sink.heldCount()).isEqualTo(1);
  }

  @Test
  void slowClientDoesNotBlockOtherRequests() throws Exception {
    // A small pool of the user's: a body that dribbles in holds no thread while it waits.
    ThreadPoolExecutor executor = new ThreadPoolExecutor(4, 4, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    toClose.add(executor::shutdownNow);
    WebhookHttpServer server = start(r -> {}, s -> s.executor(executor));

    byte[] slowBody = "{\"slow\":true}".getBytes(StandardCharsets.UTF_8);
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket socket = new Socket("127.0.0.1", server.port());
        slow.add(socket);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /webhooks/github HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + TestHmacVerifier.SIGNATURE + ": " + verifier.sign(slowBody) + "\r\n"
                    + TestHmacVerifier.DELIVERY + ": slow-" + i + "\r\n"
                    + "Connection: close\r\nContent-Length: " + slowBody.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(slowBody, 0, 3); // dribble: only part of the body
        out.flush();
      }

      // More slow clients than the pool has threads, and another client is still served.
      HttpResponse<String> fast =
          send(signedPost(server, "/webhooks/github", BODY).header(TestHmacVerifier.DELIVERY, "fast-1").build());
      assertThat(fast.statusCode()).isEqualTo(202);
      assertThat(sink.webhooks()).extracting(w -> w.deliveryId()).containsExactly("fast-1");

      for (Socket socket : slow) {
        socket.getOutputStream().write(slowBody, 3, slowBody.length - 3);
        socket.getOutputStream().flush();
        assertThat(RawResponse.readOne(socket.getInputStream()).status).isEqualTo(202);
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
    assertThat(sink.webhooks()).hasSize(9);
  }

  @Test
  void defaultExecutorThreadsAreNamedAndStoppedOnClose() throws Exception {
    WebhookHttpServer server = start();
    List<String> names = new ArrayList<>();
    sink.failNext(1, new SinkOverCapacityException("full")); // any request will do; this one is quick
    send(signedPost(server, "/webhooks/github", BODY).build());
    Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
    assertThat(names).anyMatch(n -> n.startsWith("hookline-http-"));

    server.close();
    server.close(); // idempotent
    awaitUntil(
        () -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("hookline-http-")),
        Duration.ofSeconds(10));
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anExecutorPassedInRunsTheServerAndIsNotStoppedByClose() throws Exception {
    AtomicInteger created = new AtomicInteger();
    ExecutorService mine =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "mine-" + created.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      WebhookHttpServer server = start(r -> {}, s -> s.executor(mine));
      HttpResponse<String> response = send(signedPost(server, "/webhooks/github", BODY).build());
      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(created.get()).as("threads the server took from the executor").isPositive();
      // No pool of the server's own: only its one scheduler thread besides the executor's.
      assertThat(Thread.getAllStackTraces().keySet())
          .noneMatch(t -> t.getName().matches("hookline-http-[0-9]+"));

      server.close();

      assertThat(mine.isShutdown()).as("the executor stays its owner's").isFalse();
      assertThat(mine.submit(() -> "still runs").get(10, TimeUnit.SECONDS)).isEqualTo("still runs");
    } finally {
      mine.shutdownNow();
    }
  }

  @Test
  void closeWithNothingInFlightDoesNotWaitForTheShutdownTimeout() throws Exception {
    WebhookHttpServer server = start(r -> {}, s -> s.shutdownTimeout(Duration.ofSeconds(5)));
    assertThat(send(signedPost(server, "/webhooks/github", BODY).build()).statusCode()).isEqualTo(202);
    long started = System.nanoTime();
    server.close();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    assertThatThrownBy(() -> send(HttpRequest.newBuilder(uri(server, "/healthz")).GET().build()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void closeLetsInFlightRequestsFinishAndTurnsNewOnesAway() throws Exception {
    WebhookHttpServer server = start(r -> {}, s -> s.shutdownTimeout(Duration.ofSeconds(20)));
    try (Socket open = new Socket("127.0.0.1", server.port())) {
      open.setSoTimeout(10_000);
      // A kept-alive connection, open before close() begins.
      open.getOutputStream().write(healthzRequest());
      assertThat(RawResponse.readOne(open.getInputStream()).status).isEqualTo(200);

      sink.hold();
      java.util.concurrent.CompletableFuture<HttpResponse<String>> inFlight =
          client.sendAsync(signedPost(server, "/webhooks/github", BODY).build(), HttpResponse.BodyHandlers.ofString());
      awaitUntil(() -> sink.heldCount() == 1, Duration.ofSeconds(10));

      Thread closer = new Thread(server::close, "test-closer");
      closer.start();
      // No new connections once close() has begun.
      awaitUntil(
          () -> {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
              return s.isClosed();
            } catch (IOException e) {
              return true;
            }
          },
          Duration.ofSeconds(10));
      // A new request on the open connection is turned away with 503 and Connection: close.
      open.getOutputStream().write(healthzRequest());
      RawResponse turnedAway = RawResponse.readOne(open.getInputStream());
      assertThat(turnedAway.status).isEqualTo(503);
      assertThat(turnedAway.body).contains("shutting down");
      assertThat(turnedAway.header("Retry-After")).isPresent();
      assertThat(turnedAway.closes()).isTrue();
      assertThat(open.getInputStream().read()).isEqualTo(-1);
      assertThat(closer.isAlive()).isTrue();

      sink.release();
      assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
      closer.join(10_000);
      assertThat(closer.isAlive()).isFalse();
    }
  }

  private static byte[] healthzRequest() {
    return "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void portInUseIsABindException() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      WebhookHttpServer server =
          WebhookHttpServer.builder()
              .receiver(WebhookReceiver.builder().addSource(github()).sink(sink).build())
              .port(taken.getLocalPort())
              .build();
      toClose.add(server);
      assertThatThrownBy(server::start)
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasCauseInstanceOf(java.net.BindException.class);
    }
  }

  @Test
  void addressBeforeStartIsAnError() {
    WebhookHttpServer server =
        WebhookHttpServer.builder()
            .receiver(WebhookReceiver.builder().addSource(github()).sink(sink).build())
            .port(0)
            .build();
    assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
    server.close();
  }

  @Test
  void builderMessagesNameTheField() {
    WebhookReceiver receiver = WebhookReceiver.builder().addSource(github()).sink(sink).build();
    assertThatThrownBy(() -> WebhookHttpServer.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("receiver");
    assertThatThrownBy(() -> WebhookHttpServer.builder().receiver(receiver).port(70000).build())
        .hasMessageStartingWith("port");
    assertThatThrownBy(() -> WebhookHttpServer.builder().receiver(receiver).bindAddress(" ").build())
        .hasMessageStartingWith("bindAddress");
    assertThatThrownBy(() -> WebhookHttpServer.builder().receiver(receiver).pathPrefix("/hooks").build())
        .hasMessageStartingWith("pathPrefix");
    assertThatThrownBy(() -> WebhookHttpServer.builder().receiver(receiver).threads(3).build())
        .hasMessageStartingWith("threads");
    assertThatThrownBy(
            () -> WebhookHttpServer.builder().receiver(receiver).shutdownTimeout(Duration.ofSeconds(-1)).build())
        .hasMessageStartingWith("shutdownTimeout");
  }

  @Test
  void customPathPrefix() throws Exception {
    WebhookHttpServer server = start(r -> {}, s -> s.pathPrefix("/in/"));
    assertThat(send(signedPost(server, "/in/github", BODY).build()).statusCode()).isEqualTo(202);
    assertThat(send(signedPost(server, "/webhooks/github", BODY).build()).statusCode()).isEqualTo(404);
  }

  private WebhookSource github() {
    return WebhookSource.builder().name("github").verifier(verifier).build();
  }

  /** Polls until the condition holds or the deadline passes; fails at the deadline. */
  private static void awaitUntil(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }
}
