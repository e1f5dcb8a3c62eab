package dev.hookline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.TestHmacVerifier;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Clients as an attacker (or a broken proxy) would write them, on raw sockets against 127.0.0.1. */
class HostileClientsTest {

  private static final int LIMIT = 1024;
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(1);
  private static final byte[] BODY = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);

  private final TestHmacVerifier verifier = new TestHmacVerifier("it-secret");
  private final InMemoryWebhookSink sink = InMemoryWebhookSink.builder().capacity(100_000).build();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    sink.release();
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private WebhookHttpServer start(Consumer<WebhookHttpServer.Builder> config) {
    WebhookReceiver receiver =
        WebhookReceiver.builder()
            .addSource(WebhookSource.builder().name("github").verifier(verifier).maxBodyBytes(LIMIT).build())
            .sink(sink)
            .build();
    WebhookHttpServer.Builder builder =
        WebhookHttpServer.builder()
            .receiver(receiver)
            .port(0)
            .headerReadTimeout(HEADER_TIMEOUT)
            .bodyReadTimeout(BODY_TIMEOUT)
            .shutdownTimeout(Duration.ofSeconds(10));
    config.accept(builder);
    WebhookHttpServer server = builder.build();
    toClose.add(server);
    return server.start();
  }

  private WebhookHttpServer start() {
    return start(b -> {});
  }

  private Socket connect(WebhookHttpServer server) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(15_000);
    toClose.add(socket);
    return socket;
  }

  private String signedHead(String deliveryId, byte[] body, String extra) {
    return "POST /webhooks/github HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + TestHmacVerifier.SIGNATURE + ": " + verifier.sign(body) + "\r\n"
        + TestHmacVerifier.DELIVERY + ": " + deliveryId + "\r\n"
        + extra
        + "Content-Length: " + body.length + "\r\n\r\n";
  }

  private byte[] signedRequest(String deliveryId, byte[] body, String extra) {
    byte[] head = signedHead(deliveryId, body, extra).getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private HttpResponse<String> post(WebhookHttpServer server, String deliveryId) throws Exception {
    return post(server.port(), deliveryId);
  }

  private HttpResponse<String> post(int port, String deliveryId) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .header(TestHmacVerifier.SIGNATURE, verifier.sign(BODY))
            .header(TestHmacVerifier.DELIVERY, deliveryId)
            .POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What the server did with a connection it should end: answered (status) or closed it (empty). */
  private static Optional<Integer> outcome(Socket socket) throws IOException {
    try {
      return RawResponse.read(socket.getInputStream()).map(r -> r.status);
    } catch (SocketException e) {
      return Optional.empty(); // reset by the server
    }
  }

  /** The scale: 200 connections trickling headers and 200 trickling bodies, for 30 seconds. */
  private static final int SLOW_CONNECTIONS_PER_KIND = 200;

  private static final Duration SLOWLORIS_RUN = Duration.ofSeconds(30);

  @Test
  void slowlorisHeadersAndBodiesAreCutOffWhileValidPostsAreServed() throws Exception {
    // Each slow body holds a request slot until its body timeout: room for all of them, or valid POSTs get 503.
    WebhookHttpServer server =
        start(
            b ->
                b.maxConnections(2 * SLOW_CONNECTIONS_PER_KIND + 100)
                    .maxRequestsInProgress(2 * SLOW_CONNECTIONS_PER_KIND + 100));
    Slowloris attack = Slowloris.open("127.0.0.1", server.port(), SLOW_CONNECTIONS_PER_KIND, signedHead("slow", BODY, ""));
    toClose.add(attack);
    List<Long> sorted;
    try {
      // Valid signed POSTs at up to 50 a second keep being answered, for many header and body timeouts.
      sorted = postFor(server, SLOWLORIS_RUN);
    } finally {
      attack.stopTrickling();
    }
    long p99 = sorted.get((int) (sorted.size() * 0.99));
    System.out.printf(
        "slowloris: %d slow connections, %d valid POSTs, answer p50=%d ms p99=%d ms%n",
        2 * SLOW_CONNECTIONS_PER_KIND, sorted.size(), sorted.get(sorted.size() / 2), p99);
    assertThat(sorted).hasSizeGreaterThan(100);
    assertThat(p99).as("p99 answer time of valid POSTs, ms").isLessThan(1_000);
    // Every slow connection was ended by the server (long past its timeout by now): closed, or 408 for a body.
    for (Socket s : attack.slowHeaders()) {
      assertThat(outcome(s)).as("slow headers").isEmpty();
    }
    for (Socket s : attack.slowBodies()) {
      assertThat(outcome(s)).as("slow body").satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o).contains(408));
    }
    assertThat(sink.webhooks()).noneMatch(w -> w.deliveryId().startsWith("slow"));
  }

  /** Sends valid signed POSTs one after another, at most 50 a second, for {@code run}; returns sorted answer times. */
  private List<Long> postFor(WebhookHttpServer server, Duration run) throws Exception {
    List<Long> millis = new ArrayList<>();
    long until = System.nanoTime() + run.toNanos();
    int n = 0;
    while (System.nanoTime() < until) {
      long started = System.nanoTime();
      HttpResponse<String> response = post(server.port(), "valid-" + n++);
      millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      sleep(20);
    }
    Collections.sort(millis);
    return millis;
  }

  @Test
  void aServerWithA64MebibyteHeapSurvivesTheSlowlorisRun() throws Exception {
    // The server runs in a child JVM with -Xmx64m; the slow connections and the valid POSTs come from here.
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                SlowlorisServerMain.class.getName())
            .redirectErrorStream(true)
            .start();
    toClose.add(child::destroyForcibly);
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    int port = Integer.parseInt(SlowlorisServerMain.awaitPort(out));
    StringBuilder log = new StringBuilder();
    Thread drain =
        new Thread(
            () -> {
              try {
                for (String line; (line = out.readLine()) != null; ) {
                  synchronized (log) {
                    log.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // the child ended
              }
            },
            "test-child-output");
    drain.setDaemon(true);
    drain.start();

    Slowloris attack = Slowloris.open("127.0.0.1", port, SLOW_CONNECTIONS_PER_KIND, signedHead("slow", BODY, ""));
    toClose.add(attack);
    int answered = 0;
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < until) {
        assertThat(post(port, "heap-" + answered).statusCode()).isEqualTo(202);
        answered++;
        sleep(20);
      }
    } finally {
      attack.stopTrickling();
    }
    assertThat(answered).isGreaterThan(50);
    assertThat(child.isAlive()).as("child JVM still running").isTrue();
    child.destroy();
    child.waitFor(10, TimeUnit.SECONDS);
    synchronized (log) {
      assertThat(log.toString()).doesNotContain("OutOfMemoryError");
    }
  }

  @Test
  void contentLengthLongerThanTheBodyIs408WithinTheBodyTimeoutAndTheServerStaysFree() throws Exception {
    WebhookHttpServer server = start(b -> b.threads(4));
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Socket socket = connect(server);
      byte[] full = signedRequest("short-" + i, BODY, "");
      socket.getOutputStream().write(full, 0, full.length - 5); // five bytes short, never sent
      sockets.add(socket);
    }
    for (Socket socket : sockets) {
      long started = System.nanoTime();
      Optional<Integer> outcome = outcome(socket);
      assertThat(outcome).satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o).contains(408));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BODY_TIMEOUT.plusSeconds(10));
    }
    assertThat(post(server, "after").statusCode()).isEqualTo(202);
    assertThat(sink.webhooks()).extracting(w -> w.deliveryId()).containsExactly("after");
  }

  @Test
  void contentLengthShorterThanTheBodyTakesWhatTheLengthSays() throws Exception {
    WebhookHttpServer server = start();
    Socket socket = connect(server);
    OutputStream out = socket.getOutputStream();
    out.write(signedRequest("exact", BODY, ""));
    out.write("GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // past the length: parsed as the next request
    InputStream in = socket.getInputStream();
    assertThat(RawResponse.readOne(in).status).isEqualTo(202);
    assertThat(outcome(socket)).satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o).contains(400));
    assertThat(sink.webhooks()).singleElement().satisfies(w -> assertThat(w.body()).isEqualTo(BODY));
  }

  @Test
  void sixteenMebibyteHeaderIs431() throws Exception {
    WebhookHttpServer server = start();
    Socket socket = connect(server);
    CompletableFuture<Void> writing =
        CompletableFuture.runAsync(
            () -> {
              try {
                OutputStream out = socket.getOutputStream();
                out.write("POST /webhooks/github HTTP/1.1\r\nHost: localhost\r\nX-Big: ".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) 'a');
                for (int i = 0; i < 256; i++) {
                  out.write(chunk);
                }
                out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
              } catch (IOException e) {
                // the server stopped reading after its answer: expected
              }
            });
    assertThat(RawResponse.readOne(socket.getInputStream()).status).isEqualTo(431);
    socket.close();
    writing.get(15, TimeUnit.SECONDS);
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void tenThousandHeadersAre431() throws Exception {
    WebhookHttpServer server = start();
    Socket socket = connect(server);
    StringBuilder request = new StringBuilder("POST /webhooks/github HTTP/1.1\r\nHost: localhost\r\n");
    for (int i = 0; i < 10_000; i++) {
      request.append("X-H").append(i).append(": v\r\n");
    }
    request.append("Content-Length: 0\r\n\r\n");
    CompletableFuture<Void> writing =
        CompletableFuture.runAsync(
            () -> {
              try {
                socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
              } catch (IOException e) {
                // the server stopped reading after its answer: expected
              }
            });
    RawResponse response = RawResponse.readOne(socket.getInputStream());
    assertThat(response.status).isEqualTo(431);
    assertThat(response.body).contains("request_header_fields_too_large");
    socket.close();
    writing.get(15, TimeUnit.SECONDS);
  }

  @Test
  void chunkedBodyOverTheLimitIs413WithoutReadingItAll() throws Exception {
    WebhookHttpServer server = start();
    Socket socket = connect(server);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /webhooks/github HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + TestHmacVerifier.SIGNATURE + ": 00\r\nTransfer-Encoding: chunked\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    byte[] chunk = new byte[LIMIT + 1];
    Arrays.fill(chunk, (byte) ' ');
    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(chunk);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    // No last chunk is ever sent: the answer cannot be waiting for the end of the body.
    RawResponse response = RawResponse.readOne(socket.getInputStream());
    assertThat(response.status).isEqualTo(413);
    assertThat(response.closes()).isTrue();
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void oneHundredRequestsOnOneKeptAliveConnection() throws Exception {
    WebhookHttpServer server = start();
    Socket socket = connect(server);
    for (int i = 0; i < 100; i++) {
      socket.getOutputStream().write(signedRequest("ka-" + i, BODY, ""));
      RawResponse response = RawResponse.readOne(socket.getInputStream());
      assertThat(response.status).as(response.toString()).isEqualTo(202);
      assertThat(response.closes()).isFalse();
    }
    assertThat(sink.webhooks()).hasSize(100);
  }

  @Test
  void atTheConnectionLimitIdleKeptAliveConnectionsMakeRoomForWaitingOnes() throws Exception {
    // Kept-alive connections would otherwise hold every slot for the whole idle timeout: two minutes here.
    WebhookHttpServer server = start(b -> b.maxConnections(4).idleTimeout(Duration.ofSeconds(120)));
    List<Socket> pool = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Socket socket = connect(server);
      socket.getOutputStream().write(signedRequest("pool-" + i, BODY, ""));
      assertThat(RawResponse.readOne(socket.getInputStream()).status).isEqualTo(202);
      pool.add(socket);
    }

    Socket fifth = connect(server);
    fifth.setSoTimeout(30_000);
    fifth.getOutputStream().write(signedRequest("fifth", BODY, ""));

    RawResponse answer = RawResponse.readOne(fifth.getInputStream());
    assertThat(answer.status).isEqualTo(202);
    int closedByServer = 0;
    for (Socket socket : pool) {
      socket.setSoTimeout(200);
      try {
        if (socket.getInputStream().read() == -1) {
          closedByServer++;
        }
      } catch (java.net.SocketTimeoutException stillOpen) {
        // Kept: not needed to make room.
      }
    }
    assertThat(closedByServer).isBetween(1, 3);
    assertThat(sink.webhooks()).hasSize(5);
  }

  @Test
  void atTheConnectionLimitConnectionsWithRequestsInProgressAreNeverClosedForRoom() throws Exception {
    WebhookHttpServer server = start(b -> b.maxConnections(4).idleTimeout(Duration.ofSeconds(120)));
    sink.hold();
    List<Socket> busy = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Socket socket = connect(server);
      socket.getOutputStream().write(signedRequest("busy-" + i, BODY, ""));
      busy.add(socket);
    }
    Await.until(Duration.ofSeconds(30), () -> sink.heldCount() == 4);
    Socket fifth = connect(server);
    fifth.setSoTimeout(30_000);
    fifth.getOutputStream().write(signedRequest("waiting", BODY, ""));

    sink.release();

    for (Socket socket : busy) {
      assertThat(RawResponse.readOne(socket.getInputStream()).status).isEqualTo(202);
    }
    assertThat(RawResponse.readOne(fifth.getInputStream()).status).isEqualTo(202);
    assertThat(sink.webhooks()).hasSize(5);
  }

  @Test
  void http10AndConnectionCloseAreHonoured() throws Exception {
    WebhookHttpServer server = start();
    Socket http10 = connect(server);
    http10
        .getOutputStream()
        .write(new String(signedRequest("h10", BODY, ""), StandardCharsets.ISO_8859_1)
            .replaceFirst("HTTP/1.1", "HTTP/1.0")
            .getBytes(StandardCharsets.ISO_8859_1));
    RawResponse first = RawResponse.readOne(http10.getInputStream());
    assertThat(first.status).isEqualTo(202);
    assertThat(http10.getInputStream().read()).isEqualTo(-1);

    Socket close = connect(server);
    close.getOutputStream().write(signedRequest("close", BODY, "Connection: close\r\n"));
    RawResponse second = RawResponse.readOne(close.getInputStream());
    assertThat(second.status).isEqualTo(202);
    assertThat(second.closes()).isTrue();
    assertThat(close.getInputStream().read()).isEqualTo(-1);
  }

  @Test
  void lowerCasePostAndGetOnTheWebhookRouteAre405BeforeTheBodyIsRead() throws Exception {
    WebhookHttpServer server = start();
    for (String method : List.of("post", "PUT", "GET")) {
      Socket socket = connect(server);
      // Declares a body it never sends: a 405 must not wait for it.
      socket
          .getOutputStream()
          .write((method + " /webhooks/github HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      RawResponse response = RawResponse.readOne(socket.getInputStream());
      assertThat(response.status).as(method).isEqualTo(405);
      assertThat(response.header("Allow")).as(method).contains("POST");
    }
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void beyondMaxRequestsInProgressIs503WithRetryAfterBeforeTheBodyIsRead() throws Exception {
    WebhookHttpServer server = start(b -> b.maxRequestsInProgress(1));
    sink.hold();
    Socket first = connect(server);
    first.getOutputStream().write(signedRequest("held", BODY, ""));
    Await.until(Duration.ofSeconds(10), () -> sink.heldCount() == 1);

    Socket second = connect(server);
    second.getOutputStream().write(signedHead("busy", BODY, "").getBytes(StandardCharsets.US_ASCII));
    RawResponse busy = RawResponse.readOne(second.getInputStream());
    assertThat(busy.status).isEqualTo(503);
    assertThat(busy.header("Retry-After")).contains("1");
    assertThat(busy.closes()).isTrue();
    // Probes are never refused.
    HttpResponse<String> health =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);

    sink.release();
    assertThat(RawResponse.readOne(first.getInputStream()).status).isEqualTo(202);
    assertThat(post(server, "later").statusCode()).isEqualTo(202);
  }

  @Test
  void closeWithRequestsInProgressGivesEachItsRealAnswerOr503() throws Exception {
    WebhookHttpServer server = start();
    sink.hold();
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Socket socket = connect(server);
      socket.getOutputStream().write(signedRequest("drain-" + i, BODY, ""));
      sockets.add(socket);
    }
    Await.until(Duration.ofSeconds(20), () -> sink.heldCount() == 50);
    Thread closer = new Thread(server::close, "test-closer");
    closer.start();
    Await.until(Duration.ofSeconds(10), () -> {
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        return s.isClosed();
      } catch (IOException e) {
        return true; // no longer accepting
      }
    });
    sink.release();
    for (Socket socket : sockets) {
      try {
        assertThat(RawResponse.readOne(socket.getInputStream()).status).isIn(202, 503);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer during the drain", e);
      }
    }
    closer.join(15_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(sink.webhooks()).hasSize(50);
  }

  @Test
  void readinessFollowsTheChecksAndProbesOnlyAnswerGetAndHead() throws Exception {
    AtomicBoolean accepting = new AtomicBoolean(true);
    WebhookHttpServer server = start(b -> b.addReadinessCheck(accepting::get));
    URI readyz = URI.create("http://127.0.0.1:" + server.port() + "/readyz");
    HttpResponse<String> ready = client.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready");
    accepting.set(false);
    HttpResponse<String> notReady =
        client.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).isEqualTo("not ready");
    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(readyz).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
