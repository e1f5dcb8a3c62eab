package dev.hookline.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 proxy in front of an AWS JSON-protocol endpoint (ElasticMQ or dynalite in tests) that tests
 * program to fail requests.
 *
 * <p>Point an SDK client at {@link #endpoint()} instead of the server. Requests that no rule matches are forwarded
 * unchanged (method, path, headers and body bytes) and the answer is relayed unchanged. Rules apply to the next
 * {@code n} matching requests ({@link #failNext}), to a time window measured with the proxy's {@link Clock} ({@link
 * #failFor}), or until {@link #clear()} ({@link #failAlways}); each may be limited to some SQS actions (the {@code
 * X-Amz-Target} header, given as {@code SendMessageBatch} or {@code AmazonSQS.SendMessageBatch}). The first matching
 * rule wins. Requests are counted per action whether a rule matched or not.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(SQS.server().endpoint());
 *     SqsAsyncClient client = EmbeddedSqs.newAsyncClient(proxy.endpoint())) {
 *   proxy.failNext(3, Fault.throttle(), "SendMessageBatch");
 *   ...
 *   assertThat(proxy.requestCount("SendMessageBatch")).isLessThan(2000);
 * }
 * }</pre>
 *
 * <p>It listens on {@code 127.0.0.1} and a free port and serves each connection on its own daemon thread named
 * {@code hookline-faultproxy-N}. {@link #close()} closes every connection.
 *
 * <p>Thread-safety: thread-safe; rules may change while requests are in flight.
 */
public final class FaultProxy implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** How many recorded requests are kept; older ones are dropped. */
  private static final int MAX_RECORDED = 20_000;
  /** Headers that describe the connection or the framing, which the proxy sets itself. */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  private final URI target;
  private final Clock clock;
  private final ServerSocket serverSocket;
  private final URI endpoint;
  private final ExecutorService threads;
  private final HttpClient upstream;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final ReentrantLock rulesLock = new ReentrantLock();
  private final List<Rule> rules = new ArrayList<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final AtomicBoolean enforceMessageSize = new AtomicBoolean();
  private final Map<String, AtomicInteger> faulted = new ConcurrentHashMap<>();
  private final ConcurrentLinkedDeque<RecordedRequest> recorded = new ConcurrentLinkedDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private FaultProxy(URI target, Clock clock) throws IOException {
    this.target = target;
    this.clock = clock;
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "hookline-faultproxy-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.upstream =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(threads)
            .build();
    this.serverSocket = new ServerSocket();
    serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    this.endpoint = URI.create("http://127.0.0.1:" + serverSocket.getLocalPort());
  }

  /**
   * Starts a proxy in front of {@code target} that measures rule windows with the system clock.
   *
   * @param target the server to forward to, for example {@link EmbeddedSqs#endpoint()}
   * @return the running proxy
   */
  public static FaultProxy start(URI target) {
    return start(target, Clock.systemUTC());
  }

  /**
   * Starts a proxy in front of {@code target}.
   *
   * @param target the server to forward to
   * @param clock the clock {@link #failFor} windows are measured with
   * @return the running proxy
   */
  public static FaultProxy start(URI target, Clock clock) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(clock, "clock");
    FaultProxy proxy;
    try {
      proxy = new FaultProxy(target, clock);
    } catch (IOException e) {
      throw new IllegalStateException("FaultProxy could not listen on 127.0.0.1", e);
    }
    proxy.threads.execute(proxy::acceptLoop);
    return proxy;
  }

  /** {@return the endpoint to point clients at, for example {@code http://127.0.0.1:41234}} */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * Applies {@code fault} to the next {@code times} requests for the given actions.
   *
   * @param times how many matching requests to fault
   * @param fault what to do
   * @param actions SQS actions to match (for example {@code SendMessageBatch}); none means every request
   */
  public void failNext(int times, Fault fault, String... actions) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be >= 1, was " + times);
    }
    addRule(new Rule(fault, actionSet(actions), new AtomicInteger(times), null));
  }

  /**
   * Applies {@code fault} to matching requests from now until {@code window} has passed on the proxy's clock.
   *
   * @param window how long the rule lasts
   * @param fault what to do
   * @param actions SQS actions to match; none means every request
   */
  public void failFor(Duration window, Fault fault, String... actions) {
    Objects.requireNonNull(window, "window");
    addRule(new Rule(fault, actionSet(actions), null, clock.instant().plus(window)));
  }

  /**
   * Applies {@code fault} to matching requests until {@link #clear()}.
   *
   * @param fault what to do
   * @param actions SQS actions to match; none means every request
   */
  public void failAlways(Fault fault, String... actions) {
    addRule(new Rule(fault, actionSet(actions), null, null));
  }

  /**
   * Refuses a {@code SendMessage} whose body plus message attributes (names, data types and values, as SQS counts
   * them) exceed 1 MiB, with SQS's own {@code 400 InvalidParameterValue}, as SQS does. ElasticMQ counts only the
   * body, so without this a test could not see SQS refuse a message that attributes push over the limit.
   */
  public void enforceMessageSizeLimit() {
    enforceMessageSize.set(true);
  }

  /** Removes every rule; later requests are forwarded unchanged. Counters are kept. */
  public void clear() {
    rulesLock.lock();
    try {
      rules.clear();
    } finally {
      rulesLock.unlock();
    }
  }

  /**
   * Returns how many requests arrived for an action, faulted or not.
   *
   * @param action the action, with or without the {@code AmazonSQS.} prefix
   * @return the count
   */
  public int requestCount(String action) {
    AtomicInteger count = counts.get(normalize(action));
    return count == null ? 0 : count.get();
  }

  /**
   * Returns how many requests for an action a rule faulted.
   *
   * @param action the action, with or without the {@code AmazonSQS.} prefix
   * @return the count
   */
  public int faultCount(String action) {
    AtomicInteger count = faulted.get(normalize(action));
    return count == null ? 0 : count.get();
  }

  /**
   * Returns every action that arrived at least once, without its prefix ({@code PutItem}, {@code SendMessage}).
   *
   * @return the actions, sorted
   */
  public java.util.SortedSet<String> actions() {
    return new java.util.TreeSet<>(counts.keySet());
  }

  /** Returns how many requests arrived, for every action. */
  public int totalRequests() {
    return counts.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /**
   * Returns the requests that arrived for an action (the body as sent by the client, before any rewrite), oldest
   * first. At most the latest 20,000 requests are kept.
   *
   * @param action the action, with or without the {@code AmazonSQS.} prefix
   * @return the recorded requests
   */
  public List<RecordedRequest> requests(String action) {
    String wanted = normalize(action);
    List<RecordedRequest> out = new ArrayList<>();
    for (RecordedRequest r : recorded) {
      if (r.action().equals(wanted)) {
        out.add(r);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** Resets every counter and forgets the recorded requests. */
  public void resetCounts() {
    counts.clear();
    faulted.clear();
    recorded.clear();
  }

  /** Stops accepting, closes every connection and stops the proxy's threads. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(serverSocket);
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FaultProxy{" + endpoint + " -> " + target + '}';
  }

  private void addRule(Rule rule) {
    rulesLock.lock();
    try {
      rules.add(rule);
    } finally {
      rulesLock.unlock();
    }
  }

  private static Set<String> actionSet(String... actions) {
    Set<String> set = ConcurrentHashMap.newKeySet();
    for (String a : actions) {
      set.add(normalize(a));
    }
    return Collections.unmodifiableSet(set);
  }

  private static String normalize(String action) {
    Objects.requireNonNull(action, "action");
    int dot = action.lastIndexOf('.');
    return dot < 0 ? action : action.substring(dot + 1);
  }

  /** Finds the first active rule for an action and uses it up; null when none applies. */
  private Fault match(String action) {
    Instant now = clock.instant();
    rulesLock.lock();
    try {
      for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
        Rule rule = it.next();
        if (rule.until != null && !now.isBefore(rule.until)) {
          it.remove();
          continue;
        }
        if (!rule.actions.isEmpty() && !rule.actions.contains(action)) {
          continue;
        }
        if (rule.fault.kind == Fault.Kind.FAIL_BATCH_ENTRIES && !action.equals("SendMessageBatch")) {
          continue;
        }
        if (rule.remaining != null && rule.remaining.decrementAndGet() <= 0) {
          it.remove();
        }
        return rule.fault;
      }
      return null;
    } finally {
      rulesLock.unlock();
    }
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          log.warn("FaultProxy accept failed; stopping. endpoint={}", endpoint, e);
        }
        return;
      }
      sockets.add(socket);
      try {
        threads.execute(() -> serve(socket));
      } catch (RuntimeException e) {
        // Rejected after close.
        sockets.remove(socket);
        closeQuietly(socket);
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (!closed.get()) {
        Request request = Request.read(in, out);
        if (request == null) {
          return;
        }
        if (!handle(request, socket, out)) {
          return;
        }
      }
    } catch (IOException e) {
      log.debug("FaultProxy connection ended. error={}", e.toString());
    } finally {
      sockets.remove(socket);
    }
  }

  /** Serves one request; returns whether the connection stays open. */
  private boolean handle(Request request, Socket socket, OutputStream out) throws IOException {
    String action = normalize(request.header("x-amz-target", "unknown"));
    counts.computeIfAbsent(action, k -> new AtomicInteger()).incrementAndGet();
    record(new RecordedRequest(action, new String(request.body, StandardCharsets.UTF_8)));
    Fault fault = match(action);
    if (fault == null && enforceMessageSize.get() && action.equals("SendMessage") && tooLarge(request.body)) {
      fault = Fault.error(400, "InvalidParameterValue", true);
    }
    if (fault != null) {
      faulted.computeIfAbsent(action, k -> new AtomicInteger()).incrementAndGet();
    }
    Response response;
    if (fault == null) {
      response = forward(request, request.body);
    } else {
      switch (fault.kind) {
        case RESET:
          socket.setSoLinger(true, 0);
          socket.close();
          return false;
        case RESPOND:
          response = errorResponse(fault);
          break;
        case REPLY:
          response =
              new Response(
                  200,
                  Map.of(
                      "Content-Type", List.of("application/x-amz-json-1.0"),
                      "x-amzn-RequestId", List.of("faultproxy-" + UUID.randomUUID())),
                  bytes(fault.body));
          break;
        case DELAY:
          if (!pause(fault.delay)) {
            return false;
          }
          response = forward(request, request.body);
          break;
        default:
          response = failBatchEntries(request, fault.entries);
          break;
      }
    }
    response.write(out);
    return !"close".equalsIgnoreCase(request.header("connection", ""));
  }

  private void record(RecordedRequest r) {
    recorded.addLast(r);
    while (recorded.size() > MAX_RECORDED) {
      recorded.pollFirst();
    }
  }

  private boolean pause(Duration delay) {
    try {
      TimeUnit.NANOSECONDS.sleep(delay.toNanos());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Response forward(Request request, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(target.resolve(request.path))
            .timeout(Duration.ofSeconds(60))
            .method(request.method, HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> h : request.headers.entrySet()) {
      if (HOP_BY_HOP.contains(h.getKey())) {
        continue;
      }
      for (String v : h.getValue()) {
        b.header(h.getKey(), v);
      }
    }
    try {
      HttpResponse<byte[]> r = upstream.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      Map<String, List<String>> headers = new LinkedHashMap<>();
      r.headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                  headers.put(name, values);
                }
              });
      return new Response(r.statusCode(), headers, r.body());
    } catch (IOException e) {
      log.debug("FaultProxy upstream failed. target={} error={}", target, e.toString());
      return new Response(502, Map.of("Content-Type", List.of("text/plain")), bytes("bad gateway"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Response(502, Map.of("Content-Type", List.of("text/plain")), bytes("interrupted"));
    }
  }

  /** Whether a {@code SendMessage} request's body and attributes exceed SQS's 1 MiB, counted as SQS counts them. */
  private static boolean tooLarge(byte[] request) throws IOException {
    JsonNode json = JSON.readTree(request);
    long size = utf8(json.path("MessageBody").asText(""));
    JsonNode attributes = json.path("MessageAttributes");
    for (Map.Entry<String, JsonNode> attribute : attributes.properties()) {
      String name = attribute.getKey();
      JsonNode value = attribute.getValue();
      size += utf8(name) + utf8(value.path("DataType").asText("")) + utf8(value.path("StringValue").asText(""));
    }
    return size > 1_048_576;
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static Response errorResponse(Fault fault) {
    ObjectNode body = JSON.createObjectNode();
    body.put("__type", "com.amazonaws.sqs#" + fault.errorCode);
    body.put("message", "injected by FaultProxy");
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Content-Type", List.of("application/x-amz-json-1.0"));
    headers.put("x-amzn-RequestId", List.of("faultproxy-" + UUID.randomUUID()));
    headers.put(
        "x-amzn-query-error", List.of(fault.errorCode + ";" + (fault.senderFault ? "Sender" : "Receiver")));
    return new Response(fault.status, headers, bytes(body.toString()));
  }

  private Response failBatchEntries(Request request, int count) throws IOException {
    ObjectNode json = (ObjectNode) JSON.readTree(request.body);
    ArrayNode entries = (ArrayNode) json.get("Entries");
    ArrayNode failed = JSON.createArrayNode();
    int n = Math.min(count, entries.size());
    for (int i = 0; i < n; i++) {
      JsonNode entry = entries.remove(0);
      ObjectNode f = failed.addObject();
      f.put("Id", entry.get("Id").asText());
      f.put("SenderFault", false);
      f.put("Code", "InternalError");
      f.put("Message", "injected by FaultProxy");
    }
    ObjectNode answer;
    Map<String, List<String>> headers;
    int status = 200;
    if (entries.isEmpty()) {
      answer = JSON.createObjectNode();
      answer.putArray("Successful");
      headers = new LinkedHashMap<>();
      headers.put("Content-Type", List.of("application/x-amz-json-1.0"));
    } else {
      Response forwarded = forward(request, JSON.writeValueAsBytes(json));
      if (forwarded.status != 200) {
        return forwarded;
      }
      answer = (ObjectNode) JSON.readTree(forwarded.body);
      headers = forwarded.headers;
      status = forwarded.status;
    }
    ArrayNode allFailed = answer.has("Failed") ? (ArrayNode) answer.get("Failed") : answer.putArray("Failed");
    allFailed.addAll(failed);
    return new Response(status, headers, JSON.writeValueAsBytes(answer));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }

  /**
   * One request the proxy received.
   *
   * @param action the SQS action without the {@code AmazonSQS.} prefix, or {@code unknown}
   * @param body the request body as the client sent it
   */
  public record RecordedRequest(String action, String body) {}

  private static final class Rule {
    final Fault fault;
    final Set<String> actions;
    final AtomicInteger remaining;
    final Instant until;

    Rule(Fault fault, Set<String> actions, AtomicInteger remaining, Instant until) {
      this.fault = Objects.requireNonNull(fault, "fault");
      this.actions = actions;
      this.remaining = remaining;
      this.until = until;
    }
  }

  /** A parsed HTTP/1.1 request; header names in lower case. */
  private static final class Request {
    final String method;
    final String path;
    final Map<String, List<String>> headers;
    final byte[] body;

    private Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
      this.method = method;
      this.path = path;
      this.headers = headers;
      this.body = body;
    }

    String header(String name, String otherwise) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? otherwise : v.get(0);
    }

    /** Reads one request; null at a clean end of stream. */
    static Request read(InputStream in, OutputStream out) throws IOException {
      String requestLine = readLine(in);
      if (requestLine == null) {
        return null;
      }
      if (requestLine.isEmpty()) {
        requestLine = readLine(in);
        if (requestLine == null) {
          return null;
        }
      }
      String[] parts = requestLine.split(" ", 3);
      if (parts.length < 2) {
        throw new IOException("bad request line");
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
          headers.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
      }
      List<String> expect = headers.get("expect");
      if (expect != null && expect.get(0).equalsIgnoreCase("100-continue")) {
        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
      byte[] body;
      List<String> te = headers.get("transfer-encoding");
      List<String> cl = headers.get("content-length");
      if (te != null && te.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
        body = readChunked(in);
      } else if (cl != null) {
        body = in.readNBytes(Integer.parseInt(cl.get(0)));
      } else {
        body = new byte[0];
      }
      return new Request(parts[0], parts[1], headers, body);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in);
        if (sizeLine == null) {
          throw new IOException("end of stream in chunked body");
        }
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            // trailers are dropped
          }
          return out.toByteArray();
        }
        out.write(in.readNBytes(size));
        readLine(in);
      }
    }

    private static String readLine(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          byte[] b = line.toByteArray();
          int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
          return new String(b, 0, len, StandardCharsets.ISO_8859_1);
        }
        line.write(c);
      }
      return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static final class Response {
    final int status;
    final Map<String, List<String>> headers;
    final byte[] body;

    Response(int status, Map<String, List<String>> headers, byte[] body) {
      this.status = status;
      this.headers = headers;
      this.body = body;
    }

    void write(OutputStream out) throws IOException {
      StringBuilder head = new StringBuilder();
      head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
      for (Map.Entry<String, List<String>> h : headers.entrySet()) {
        for (String v : h.getValue()) {
          head.append(h.getKey()).append(": ").append(v).append("\r\n");
        }
      }
      head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
    }

    private static String reason(int status) {
      switch (status) {
        case 200:
          return "OK";
        case 400:
          return "Bad Request";
        case 500:
          return "Internal Server Error";
        case 502:
          return "Bad Gateway";
        case 503:
          return "Service Unavailable";
        default:
          return "Status";
      }
    }
  }
}
