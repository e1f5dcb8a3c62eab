package dev.hookline.examples.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.FailureReport;
import dev.hookline.sqs.admin.DeadLetterInfo;
import dev.hookline.testkit.SignedRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The scripted burst of {@code --demo}: sends webhooks that exercise every path of the pipeline over real HTTP,
 * waits (with deadlines) until each accepted one has been handled or dead-lettered, drains the DLQ, and prints a
 * table.
 *
 * <p>Two waves: first the valid, flaky, failing and rejected requests at once; then, once the valid ones are handled,
 * exact copies of three of them (a sender retrying), which the idempotency store skips.
 */
final class Demo {

  /** Everything must be settled this long after the demo started; it takes well under a minute. */
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(40);

  /** How long the DLQ drain looks for the messages it expects. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration TICK = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalPipeline pipeline;
  private final Tally tally;
  private final SourceSpec source;
  private final PrintWriter out;
  private final long startNanos = System.nanoTime();

  /** One row of the table: requests of one kind and what should become of them. */
  private static final class Scenario {
    final String label;
    final String expectation;
    final Expect expect;
    final List<Shot> shots = new ArrayList<>();

    Scenario(String label, String expectation, Expect expect) {
      this.label = label;
      this.expectation = expectation;
      this.expect = expect;
    }
  }

  /**
   * What a scenario should produce; -1 means "not checked" (a duplicate shares its id with the original, so the
   * valid row checks handled and the duplicate row checks skipped).
   */
  private record Expect(int status, int handled, int duplicates, int retries, int deadLettered, String reason) {}

  /** One request to send, and its answer once sent. */
  private static final class Shot {
    final URI uri;
    final WebhookHeaders headers;
    final byte[] body;
    /** Send only the headers, declaring the body's length (see {@link #postHeadersOnly}). */
    boolean headersOnly;
    volatile int status = -1;
    volatile Optional<String> deliveryId = Optional.empty();

    Shot(URI uri, WebhookHeaders headers, byte[] body) {
      this.uri = uri;
      this.headers = headers;
      this.body = body;
    }

    boolean accepted() {
      return status >= 200 && status <= 299;
    }
  }

  Demo(LocalPipeline pipeline, Tally tally, SourceSpec source, PrintWriter out) {
    this.pipeline = pipeline;
    this.tally = tally;
    this.source = source;
    this.out = out;
  }

  /**
   * Runs the demo and prints the table; the caller prints {@link DemoSummary#line()} last, after the pipeline stopped.
   *
   * @return the totals
   * @throws InterruptedException when interrupted
   */
  DemoSummary run() throws InterruptedException {
    URI uri = pipeline.webhookUri(source.name());
    int valid = 10;
    int duplicates = 3;
    int flaky = 3;
    int broken = 2;
    int maxAttempts = LocalPipeline.MAX_ATTEMPTS;

    Scenario validRow = new Scenario("valid", "202, handled", new Expect(202, valid, -1, 0, 0, null));
    for (int i = 1; i <= valid; i++) {
      validRow.shots.add(signed(uri, "msg_demo_valid_" + i, event(ExampleHandler.OK, i)));
    }
    Scenario duplicateRow =
        new Scenario("duplicate (same id)", "202, skipped by idempotency", new Expect(202, -1, duplicates, 0, 0, null));
    for (int i = 0; i < duplicates; i++) {
      // The very same bytes and headers as a valid one: a sender retrying.
      Shot original = validRow.shots.get(i);
      duplicateRow.shots.add(new Shot(original.uri, original.headers, original.body));
    }
    Scenario flakyRow =
        new Scenario(
            "fails " + ExampleHandler.FLAKY_FAILURES + "x, then ok",
            "202, retried, handled",
            new Expect(202, flaky, 0, flaky * ExampleHandler.FLAKY_FAILURES, 0, null));
    for (int i = 1; i <= flaky; i++) {
      flakyRow.shots.add(signed(uri, "msg_demo_flaky_" + i, event(ExampleHandler.FLAKY, i)));
    }
    Scenario brokenRow =
        new Scenario(
            "always fails",
            "202, " + maxAttempts + " attempts, DLQ",
            new Expect(202, 0, 0, broken * (maxAttempts - 1), broken, FailureReport.REASON_ATTEMPTS_EXHAUSTED));
    for (int i = 1; i <= broken; i++) {
      brokenRow.shots.add(signed(uri, "msg_demo_broken_" + i, event(ExampleHandler.BROKEN, i)));
    }
    Scenario invalidRow =
        new Scenario(
            "permanent failure",
            "202, DLQ at once",
            new Expect(202, 0, 0, 0, 1, FailureReport.REASON_PERMANENT_FAILURE));
    invalidRow.shots.add(signed(uri, "msg_demo_invalid_1", event(ExampleHandler.INVALID, 1)));

    Scenario badSignatureRow = new Scenario("bad signature", "401", new Expect(401, 0, 0, 0, 0, null));
    badSignatureRow.shots.add(
        shot(uri, signer().id("msg_demo_wrong_secret").body(event(ExampleHandler.OK, 0)).withWrongSecret()));
    badSignatureRow.shots.add(
        shot(uri, signer().id("msg_demo_tampered").body(event(ExampleHandler.OK, 0)).withTamperedBody()));
    Scenario staleRow = new Scenario("stale timestamp", "401", new Expect(401, 0, 0, 0, 0, null));
    staleRow.shots.add(
        shot(
            uri,
            signer().id("msg_demo_stale").body(event(ExampleHandler.OK, 0)).withTimestampSkew(Duration.ofMinutes(-10))));
    Scenario oversizedRow = new Scenario("oversized body", "413", new Expect(413, 0, 0, 0, 0, null));
    Shot oversized = signed(uri, "msg_demo_oversized", oversizedEvent());
    oversized.headersOnly = true;
    oversizedRow.shots.add(oversized);
    Scenario unknownRow = new Scenario("unknown source", "404", new Expect(404, 0, 0, 0, 0, null));
    unknownRow.shots.add(
        shot(
            pipeline.webhookUri("no-such-source"),
            signer().id("msg_demo_unknown").body(event(ExampleHandler.OK, 0))));

    List<Scenario> rows =
        List.of(
            validRow,
            duplicateRow,
            flakyRow,
            brokenRow,
            invalidRow,
            badSignatureRow,
            staleRow,
            oversizedRow,
            unknownRow);

    out.printf("Demo: sending %d webhooks to %s in two waves%n", countShots(rows), uri);
    out.flush();

    // Two pools: the senders block in send(), so the client's own tasks must not need a sender's thread.
    ExecutorService senders = newPool("hookline-demo-", 8);
    ExecutorService clientThreads = newPool("hookline-demo-http-", 2);
    try {
      HttpClient http =
          HttpClient.newBuilder().executor(clientThreads).connectTimeout(Duration.ofSeconds(5)).build();

      List<Shot> wave1 = new ArrayList<>();
      for (Scenario row : rows) {
        if (row != duplicateRow) {
          wave1.addAll(row.shots);
        }
      }
      send(http, senders, wave1);
      progress("wave 1 answered: " + answered(wave1));

      boolean validDone =
          tally.await(
              remaining(SETTLE_TIMEOUT),
              TICK,
              () -> validRow.shots.stream().allMatch(s -> !s.accepted() || tally.handled(id(s)) > 0),
              this::printProgress);
      if (!validDone) {
        progress("valid webhooks not all handled in time; sending the duplicates anyway");
      }

      send(http, senders, duplicateRow.shots);
      progress(
          "wave 2, exact copies of "
              + duplicateRow.shots.size()
              + " valid webhooks, answered: "
              + answered(duplicateRow.shots));
    } finally {
      senders.shutdownNow();
      clientThreads.shutdownNow();
    }

    Map<String, Integer> acceptedById = new HashMap<>();
    int sent = 0;
    int accepted = 0;
    int rejected = 0;
    for (Scenario row : rows) {
      for (Shot shot : row.shots) {
        sent++;
        if (shot.accepted()) {
          accepted++;
          acceptedById.merge(id(shot), 1, Integer::sum);
        } else if (shot.status > 0) {
          rejected++;
        }
      }
    }

    boolean settled =
        tally.await(
            remaining(SETTLE_TIMEOUT),
            TICK,
            () ->
                acceptedById.entrySet().stream()
                    .allMatch(e -> tally.processed(e.getKey()) + tally.deadLettered(e.getKey()) >= e.getValue()),
            this::printProgress);
    printProgress();
    if (!settled) {
      progress("not everything settled within " + SETTLE_TIMEOUT.toSeconds() + " s; counting what is there");
    }

    // Drain the DLQ: the listener says what the processor decided; the queue says what really got there.
    Map<String, Integer> expectedInDlq = new HashMap<>();
    acceptedById.forEach(
        (id, n) -> {
          int left = n - tally.processed(id);
          if (left > 0) {
            expectedInDlq.put(id, left);
          }
        });
    Map<String, List<String>> dlq = drainDeadLetters(expectedInDlq);

    int processed = 0;
    int deadLettered = 0;
    int lost = 0;
    int extra = 0;
    int redelivered = 0;
    for (Map.Entry<String, Integer> e : acceptedById.entrySet()) {
      String id = e.getKey();
      DemoSummary.PerId counted =
          DemoSummary.PerId.of(
              e.getValue(), tally.handled(id), tally.duplicates(id), dlq.getOrDefault(id, List.of()).size());
      processed += counted.processed();
      deadLettered += counted.deadLettered();
      lost += counted.lost();
      extra += counted.extra();
      redelivered += counted.redelivered();
    }
    DemoSummary summary =
        new DemoSummary(sent, accepted, rejected, processed, tally.totalRetries(), deadLettered, lost, extra);

    printTable(rows, dlq);
    out.println();
    out.println(
        "Counted per request. processed = handled + skipped duplicates; lost = accepted but neither processed nor in"
            + " the DLQ.");
    out.printf(
        "Adds up: sent (%d) = accepted (%d) + rejected (%d): %s; accepted (%d) = processed (%d) + dead_lettered (%d)"
            + " + lost (%d): %s%n",
        sent,
        accepted,
        rejected,
        sent == accepted + rejected ? "yes" : "NO",
        accepted,
        processed,
        deadLettered,
        lost,
        accepted == processed + deadLettered + lost && extra == 0 ? "yes" : "NO (" + extra + " settled twice)");
    if (redelivered > 0) {
      out.printf(
          "SQS delivered %d accepted webhook(s) a second time (at-least-once delivery); the idempotency store skipped"
              + " the copies.%n",
          redelivered);
    }
    out.flush();
    return summary;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Requests

  private static int countShots(List<Scenario> rows) {
    int n = 0;
    for (Scenario row : rows) {
      n += row.shots.size();
    }
    return n;
  }

  private static String event(String type, int n) {
    return "{\"type\":\"" + type + "\",\"data\":{\"order\":" + n + ",\"amount\":" + (1000 + n) + "}}";
  }

  /** A valid JSON event just over the source's body limit. */
  private static String oversizedEvent() {
    char[] padding = new char[WebhookSource.DEFAULT_MAX_BODY_BYTES];
    Arrays.fill(padding, 'x');
    return "{\"type\":\"" + ExampleHandler.OK + "\",\"padding\":\"" + new String(padding) + "\"}";
  }

  /** A request signed as the demo source's sender signs: Standard Webhooks with the public demo secret. */
  private SignedRequest.Builder signer() {
    return source.signer().orElseThrow();
  }

  private Shot signed(URI uri, String id, String body) {
    return shot(uri, signer().id(id).body(body));
  }

  private static Shot shot(URI uri, SignedRequest.Builder request) {
    return new Shot(uri, request.headers(), request.body());
  }

  private static ExecutorService newPool(String prefix, int threads) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        0L,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Sends all shots at once and waits for every answer (each bounded by the request timeout). */
  private void send(HttpClient http, ExecutorService senders, List<Shot> shots) throws InterruptedException {
    List<Future<?>> pending = new ArrayList<>();
    for (Shot shot : shots) {
      pending.add(senders.submit(() -> post(http, shot)));
    }
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (ExecutionException e) {
        out.println("  request failed: " + e.getCause());
      }
    }
  }

  private static void post(HttpClient http, Shot shot) {
    if (shot.headersOnly) {
      postHeadersOnly(shot);
      return;
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(shot.uri)
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(shot.body));
    shot.headers.asMap().forEach((name, values) -> values.forEach(v -> request.header(name, v)));
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() >= 200 && response.statusCode() <= 299) {
        JsonNode id = JSON.readTree(response.body()).get("deliveryId");
        shot.deliveryId = Optional.ofNullable(id).map(JsonNode::asText);
      }
      shot.status = response.statusCode();
    } catch (IOException e) {
      // No answer: the request is neither accepted nor rejected, and the summary will not add up.
      shot.status = -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sends the request line and headers with the body's {@code Content-Length}, but not the body, and reads the status.
   * The receiver answers 413 from the declared length alone, before reading any of the body, and closes the
   * connection. A client still writing the body at that moment gets a connection reset instead of the answer (the
   * unread bytes make the server's TCP stack reset the connection), which is why careful clients send {@code Expect:
   * 100-continue}. Sending only the headers shows the 413 every time.
   */
  private static void postHeadersOnly(Shot shot) {
    StringBuilder head =
        new StringBuilder("POST ")
            .append(shot.uri.getRawPath())
            .append(" HTTP/1.1\r\nHost: ")
            .append(shot.uri.getHost())
            .append(':')
            .append(shot.uri.getPort())
            .append("\r\nContent-Length: ")
            .append(shot.body.length)
            .append("\r\nConnection: close\r\n");
    shot.headers
        .asMap()
        .forEach((name, values) -> values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n")));
    head.append("\r\n");
    try (Socket socket = new Socket(shot.uri.getHost(), shot.uri.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      String statusLine = in.readLine(); // "HTTP/1.1 413 Payload Too Large"
      String[] parts = statusLine == null ? new String[0] : statusLine.split(" ");
      shot.status = parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
    } catch (IOException | NumberFormatException e) {
      shot.status = -1;
    }
  }

  private static String id(Shot shot) {
    return shot.deliveryId.orElse("?");
  }

  private static String answered(List<Shot> shots) {
    Map<Integer, Integer> byStatus = new TreeMap<>();
    for (Shot s : shots) {
      byStatus.merge(s.status, 1, Integer::sum);
    }
    StringBuilder sb = new StringBuilder();
    byStatus.forEach(
        (status, n) ->
            sb.append(sb.length() == 0 ? "" : ", ")
                .append(n)
                .append(" x ")
                .append(status < 0 ? "no answer" : String.valueOf(status)));
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Waiting and the DLQ

  private Duration remaining(Duration total) {
    Duration left = total.minusNanos(System.nanoTime() - startNanos);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * Receives and deletes DLQ messages until every expected delivery id has been found as often as expected, or the
   * deadline passes; returns the failure reason of each message found, by delivery id.
   */
  private Map<String, List<String>> drainDeadLetters(Map<String, Integer> expected) {
    SqsClient sqs = pipeline.syncClient();
    Map<String, List<String>> found = new HashMap<>();
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0 && !allFound(expected, found)) {
      List<Message> batch =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(pipeline.dlqUrl())
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageAttributeNames("All"))
              .messages();
      for (Message m : batch) {
        String id = attribute(m, EnvelopeCodec.ATTR_DELIVERY_ID).orElse("?");
        String reason = DeadLetterInfo.from(m).reason();
        found.computeIfAbsent(id, k -> new ArrayList<>()).add(reason);
        sqs.deleteMessage(b -> b.queueUrl(pipeline.dlqUrl()).receiptHandle(m.receiptHandle()));
      }
    }
    return found;
  }

  private static boolean allFound(Map<String, Integer> expected, Map<String, List<String>> found) {
    return expected.entrySet().stream()
        .allMatch(e -> found.getOrDefault(e.getKey(), List.of()).size() >= e.getValue());
  }

  private static Optional<String> attribute(Message m, String name) {
    MessageAttributeValue value = m.messageAttributes().get(name);
    return value == null ? Optional.empty() : Optional.ofNullable(value.stringValue());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Output

  private void progress(String text) {
    out.printf("  [%5.1fs] %s%n", elapsedSeconds(), text);
    out.flush();
  }

  private void printProgress() {
    progress(
        String.format(
            Locale.ROOT,
            "handled=%d duplicates=%d retries=%d dead-lettered=%d",
            tally.totalHandled(),
            tally.totalDuplicates(),
            tally.totalRetries(),
            tally.totalDeadLettered()));
  }

  private double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private void printTable(List<Scenario> rows, Map<String, List<String>> dlq) {
    String format = "%-22s %4s  %-6s %-30s %-40s %s%n";
    out.println();
    out.printf(format, "scenario", "sent", "http", "expected", "observed", "as expected");
    out.printf(format, "-".repeat(22), "----", "------", "-".repeat(30), "-".repeat(40), "-----------");
    for (Scenario row : rows) {
      TreeSet<Integer> statuses = new TreeSet<>();
      List<String> ids = new ArrayList<>();
      for (Shot s : row.shots) {
        statuses.add(s.status);
        if (s.accepted()) {
          ids.add(id(s));
        }
      }
      int handled = 0;
      int duplicates = 0;
      int retries = 0;
      int deadLettered = 0;
      TreeSet<String> reasons = new TreeSet<>();
      for (String id : new TreeSet<>(ids)) {
        handled += tally.handled(id);
        duplicates += tally.duplicates(id);
        retries += tally.retries(id);
        List<String> inDlq = dlq.getOrDefault(id, List.of());
        deadLettered += inDlq.size();
        reasons.addAll(inDlq);
      }
      Expect x = row.expect;
      boolean ok =
          statuses.size() == 1
              && statuses.first() == x.status()
              && (x.handled() < 0 || handled == x.handled())
              && (x.duplicates() < 0 || duplicates == x.duplicates())
              && retries == x.retries()
              && deadLettered == x.deadLettered()
              && (x.reason() == null || reasons.equals(new TreeSet<>(List.of(x.reason()))));
      List<String> observed = new ArrayList<>();
      if (x.handled() >= 0 && (handled > 0 || x.handled() > 0)) {
        observed.add(handled + " handled");
      }
      if (x.duplicates() >= 0 && (duplicates > 0 || x.duplicates() > 0)) {
        observed.add(duplicates + " skipped");
      }
      if (retries > 0) {
        observed.add(retries + " retries");
      }
      if (deadLettered > 0) {
        observed.add(deadLettered + " in DLQ: " + String.join(",", reasons));
      }
      if (observed.isEmpty()) {
        observed.add(ids.isEmpty() ? "rejected" : "nothing yet");
      }
      StringBuilder http = new StringBuilder();
      for (int status : statuses) {
        http.append(http.length() == 0 ? "" : ",").append(status < 0 ? "none" : String.valueOf(status));
      }
      out.printf(
          format,
          row.label,
          row.shots.size(),
          http.toString(),
          row.expectation,
          String.join(", ", observed),
          ok ? "yes" : "NO");
    }
  }
}
