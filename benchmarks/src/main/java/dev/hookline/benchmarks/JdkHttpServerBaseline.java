package dev.hookline.benchmarks;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.RejectReason;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK {@code HttpServer} transport Hookline had before {@code webhook-http} (as of commit 409a834), kept here only
 * as the baseline of {@link HttpFrontDoorHarness}. Not for use: it has no header or body timeouts.
 *
 * <p>The original description follows.
 *
 * <p> * Serves a {@link WebhookReceiver} over HTTP with the JDK's built-in {@code com.sun.net.httpserver} server.
 *
 * <p>Routes:
 *
 * <ul>
 *   <li>{@code POST {pathPrefix}{source}} — the receiver's pipeline; the response has the receiver's status, headers
 *       and body ({@link ReceiveResult#headers()}, {@link ReceiveResult#body()}): a small JSON body, {@code
 *       Retry-After} in whole seconds on 429 and 503, or a handshake's answer. {@code GET} reaches the receiver
 *       without a body, for sources whose handshake arrives that way (Meta, X, Dropbox, Microsoft Graph); any other
 *       method, or a {@code GET} that is no handshake, is 405 with {@code Allow: POST};
 *   <li>{@code GET /healthz} — 200 {@code ok}; other methods are 405 with {@code Allow: GET, HEAD};
 *   <li>anything else — 404.
 * </ul>
 *
 * <p>Bodies: a declared {@code Content-Length} over the source's limit is answered 413 before any of the body is
 * read; otherwise at most limit + 1 bytes are read (so a chunked body over the limit is also refused without
 * buffering it), and the connection is closed after a 413.
 *
 * <p>Threads: each request (headers, body and the wait for the sink) runs on the executor, so a slow client ties up
 * one executor thread and never the others. The default executor has {@value #DEFAULT_THREADS} threads named
 * {@code hookline-http-N} and an unbounded queue; we close it. An executor you pass in is yours to close. The JDK
 * server has no per-server read timeout; its system properties {@code sun.net.httpserver.maxReqTime} and
 * {@code sun.net.httpserver.idleInterval} bound slow or idle connections for the whole JVM.
 *
 * <p>Thread-safety: {@link #start()}, {@link #close()} and the accessors may be called from any thread.
 *
 * <pre>{@code
 * try (JdkHttpServerBaseline server = JdkHttpServerBaseline.builder().receiver(receiver).port(8080).build()) {
 *   server.start();
 *   // POST http://127.0.0.1:8080/webhooks/github
 * }
 * }</pre>
 */
public final class JdkHttpServerBaseline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JdkHttpServerBaseline.class);

  /** Threads of the default executor. */
  public static final int DEFAULT_THREADS = 16;

  private static final String HEALTH_PATH = "/healthz";
  private static final ReceiveResult SHUTTING_DOWN =
      new ReceiveResult.Rejected(
          RejectReason.SINK_UNAVAILABLE, "shutting down, retry later", Optional.of(Duration.ofSeconds(5)));
  private static final byte[] OK = "ok".getBytes(StandardCharsets.UTF_8);

  private final String host;
  private final int port;
  private final String pathPrefix;
  private final WebhookReceiver receiver;
  private final Executor userExecutor;
  private final int threads;
  private final Duration shutdownTimeout;

  private final ReentrantLock lock = new ReentrantLock();
  private final ReentrantLock drainLock = new ReentrantLock();
  private final Condition idle = drainLock.newCondition();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closing;
  private HttpServer server;
  private ExecutorService ownedExecutor;
  private InetSocketAddress address;
  private boolean started;
  private boolean closed;

  private JdkHttpServerBaseline(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.pathPrefix = b.pathPrefix;
    this.receiver = b.receiver;
    this.userExecutor = b.executor;
    this.threads = b.threads;
    this.shutdownTimeout = b.shutdownTimeout;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts serving.
   *
   * @return this server
   * @throws IllegalStateException when already started or closed
   * @throws UncheckedIOException when the address cannot be bound
   */
  public JdkHttpServerBaseline start() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("server is closed");
      }
      if (started) {
        throw new IllegalStateException("server is already started");
      }
      HttpServer created;
      try {
        created = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 0);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind " + host + ":" + port, e);
      }
      Executor executor = userExecutor;
      if (executor == null) {
        ownedExecutor = newDefaultExecutor(threads);
        executor = ownedExecutor;
      }
      created.createContext("/", this::handle);
      created.setExecutor(executor);
      created.start();
      server = created;
      address = created.getAddress();
      started = true;
      log.info("Webhook HTTP server started. address={} pathPrefix={}", address, pathPrefix);
      return this;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the bound address; with port 0 it holds the port the system chose.
   *
   * @return the address
   * @throws IllegalStateException when not started
   */
  public InetSocketAddress address() {
    lock.lock();
    try {
      if (address == null) {
        throw new IllegalStateException("server is not started");
      }
      return address;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the bound port.
   *
   * @return the port
   * @throws IllegalStateException when not started
   */
  public int port() {
    return address().getPort();
  }

  /** {@return the path prefix, for example {@code /webhooks/}} */
  public String pathPrefix() {
    return pathPrefix;
  }

  /**
   * Lets running exchanges finish for up to the shutdown timeout (new requests meanwhile get 503 with
   * {@code Retry-After}), stops the server, then stops the default executor (never one you passed in). Idempotent;
   * returns within about the shutdown timeout, and at once when nothing is running.
   */
  @Override
  public void close() {
    HttpServer toStop;
    ExecutorService toShutdown;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      toStop = server;
      toShutdown = ownedExecutor;
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    closing = true;
    boolean interrupted = awaitIdle(deadline);
    if (toStop != null) {
      // We drain ourselves: on JDK 17, HttpServer.stop(n) waits the full n seconds even when idle (fixed in 21).
      toStop.stop(0);
    }
    if (toShutdown != null) {
      toShutdown.shutdown();
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (interrupted || !toShutdown.awaitTermination(left, TimeUnit.NANOSECONDS)) {
          toShutdown.shutdownNow();
        }
      } catch (InterruptedException e) {
        toShutdown.shutdownNow();
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (toStop != null) {
      log.info("Webhook HTTP server stopped. address={}", address);
    }
  }

  /** Waits until no exchange is running or the deadline passes; returns whether the thread was interrupted. */
  private boolean awaitIdle(long deadline) {
    drainLock.lock();
    try {
      while (inFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn("Webhook HTTP server closing with requests still running. inFlight={}", inFlight.get());
          return false;
        }
        try {
          idle.awaitNanos(left);
        } catch (InterruptedException e) {
          return true;
        }
      }
      return false;
    } finally {
      drainLock.unlock();
    }
  }

  private void handle(HttpExchange exchange) {
    inFlight.incrementAndGet();
    try {
      if (closing) {
        exchange.getResponseHeaders().set("Connection", "close");
        respond(exchange, SHUTTING_DOWN, false);
        return;
      }
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      if (HEALTH_PATH.equals(path)) {
        health(exchange, method);
      } else if (path != null && path.startsWith(pathPrefix) && path.length() > pathPrefix.length()) {
        webhook(exchange, path.substring(pathPrefix.length()), method);
      } else {
        respond(exchange, ReceiveResult.Rejected.of(RejectReason.UNKNOWN_SOURCE, "no such path"), false);
      }
    } catch (IOException e) {
      // The client went away or broke the protocol; there is no one left to answer.
      log.debug("Webhook HTTP exchange failed. path={} error={}", exchange.getRequestURI().getRawPath(), e.toString());
    } catch (RuntimeException e) {
      log.error("Webhook HTTP handler failed. path={}", exchange.getRequestURI().getRawPath(), e);
      try {
        byte[] body = "{\"status\":\"error\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(500, body.length);
        exchange.getResponseBody().write(body);
      } catch (IOException | RuntimeException ignored) {
        // Headers may already be sent; closing below ends the exchange either way.
      }
    } finally {
      exchange.close();
      if (inFlight.decrementAndGet() == 0) {
        drainLock.lock();
        try {
          idle.signalAll();
        } finally {
          drainLock.unlock();
        }
      }
    }
  }

  private static void health(HttpExchange exchange, String method) throws IOException {
    if ("GET".equals(method) || "HEAD".equals(method)) {
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      if ("HEAD".equals(method)) {
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.sendResponseHeaders(200, OK.length);
        exchange.getResponseBody().write(OK);
      }
      return;
    }
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    respond(exchange, ReceiveResult.Rejected.of(RejectReason.METHOD_NOT_ALLOWED, "method must be GET"), false);
  }

  private void webhook(HttpExchange exchange, String sourceName, String method) throws IOException {
    InboundRequest.Builder request =
        InboundRequest.builder()
            .method(method)
            .path(exchange.getRequestURI().getRawPath())
            .headers(WebhookHeaders.of(exchange.getRequestHeaders()));
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      request.query(query);
    }
    InetSocketAddress remote = exchange.getRemoteAddress();
    if (remote != null && remote.getAddress() != null) {
      request.remoteAddress(remote.getAddress().getHostAddress());
    }

    Optional<WebhookSource> source = receiver.source(sourceName);
    if (!"POST".equals(method) || source.isEmpty()) {
      // The receiver answers 405 or 404; the body is not needed for either, so it is not read.
      respond(exchange, receiver.receiveBlocking(sourceName, request.build()), true);
      return;
    }

    int limit = source.get().maxBodyBytes();
    long declared = declaredLength(exchange.getRequestHeaders());
    if (declared > limit) {
      respond(exchange, receiver.rejectOversized(sourceName, declared), true);
      return;
    }

    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      // One byte over the limit is enough for the receiver to answer 413; the rest is never buffered.
      body = in.readNBytes(limit + 1);
    }
    ReceiveResult result = receiver.receiveBlocking(sourceName, request.body(body).build());
    respond(exchange, result, body.length > limit);
  }

  /** Returns the declared {@code Content-Length}, or -1 when absent or not a number (the server rejects those). */
  private static long declaredLength(Headers headers) {
    String value = headers.getFirst("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void respond(HttpExchange exchange, ReceiveResult result, boolean closeAfter) throws IOException {
    Headers headers = exchange.getResponseHeaders();
    result.headers().forEach(headers::set);
    if (result instanceof ReceiveResult.Rejected) {
      ReceiveResult.Rejected rejected = (ReceiveResult.Rejected) result;
      if (rejected.reason() == RejectReason.METHOD_NOT_ALLOWED && !headers.containsKey("Allow")) {
        headers.set("Allow", "POST");
      }
      if (closeAfter && rejected.reason() == RejectReason.PAYLOAD_TOO_LARGE) {
        // The unread rest of the body must not be parsed as the next request on this connection.
        headers.set("Connection", "close");
      }
    }
    byte[] body = result.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(result.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Rounds up to whole seconds, at least 1: {@code Retry-After} is delay-seconds (RFC 9110 §10.2.3). */
  static long retryAfterSeconds(Duration d) {
    return ReceiveResult.retryAfterSeconds(d);
  }

  private static ExecutorService newDefaultExecutor(int threads) {
    AtomicInteger counter = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "hookline-http-" + counter.incrementAndGet());
          t.setDaemon(false);
          return t;
        };
    return new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
  }

  @Override
  public String toString() {
    return "JdkHttpServerBaseline{host=" + host + ", port=" + port + ", pathPrefix=" + pathPrefix + '}';
  }

  /** Builds a {@link JdkHttpServerBaseline}; not thread-safe. Setters only record; {@link #build()} validates. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private String pathPrefix = "/webhooks/";
    private WebhookReceiver receiver;
    private Executor executor;
    private int threads = DEFAULT_THREADS;
    private Duration shutdownTimeout = Duration.ofSeconds(2);

    private Builder() {}

    /**
     * Sets the address to bind. Default {@code 127.0.0.1}, reachable only from this machine; use {@code 0.0.0.0} in
     * a container.
     *
     * @param host a host name or IP address
     * @return this builder
     */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * Sets the port. Default 8080; 0 picks a free port (see {@link JdkHttpServerBaseline#port()}).
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Sets the path prefix before the source name. Default {@code /webhooks/}.
     *
     * @param pathPrefix starts and ends with {@code /}
     * @return this builder
     */
    public Builder pathPrefix(String pathPrefix) {
      this.pathPrefix = Objects.requireNonNull(pathPrefix, "pathPrefix");
      return this;
    }

    /**
     * Sets the receiver that handles webhook requests. Required.
     *
     * @param receiver the receiver
     * @return this builder
     */
    public Builder receiver(WebhookReceiver receiver) {
      this.receiver = Objects.requireNonNull(receiver, "receiver");
      return this;
    }

    /**
     * Sets the executor that runs requests. Default: a fixed pool of {@link #threads(int)} threads named
     * {@code hookline-http-N}, which the server closes. You close an executor you pass in.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the default executor's thread count: how many requests (including slow clients and sink waits) run at
     * once. Default {@value JdkHttpServerBaseline#DEFAULT_THREADS}. Ignored when an executor is passed in.
     *
     * @param threads at least 1
     * @return this builder
     */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * Sets how long {@link JdkHttpServerBaseline#close()} lets running requests finish. Default 2 seconds.
     *
     * @param shutdownTimeout zero or positive
     * @return this builder
     */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
      return this;
    }

    /**
     * Returns the server, not yet started.
     *
     * @return the server
     * @throws IllegalArgumentException whose message starts with the first invalid field
     */
    public JdkHttpServerBaseline build() {
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
      }
      if (!pathPrefix.startsWith("/") || !pathPrefix.endsWith("/")) {
        throw new IllegalArgumentException("pathPrefix must start and end with '/', was '" + pathPrefix + "'");
      }
      if (pathPrefix.equals(HEALTH_PATH + "/")) {
        throw new IllegalArgumentException("pathPrefix must not be " + pathPrefix + ", which is the health check");
      }
      if (receiver == null) {
        throw new IllegalArgumentException("receiver must be set");
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, was " + threads);
      }
      if (shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative, was " + shutdownTimeout);
      }
      return new JdkHttpServerBaseline(this);
    }
  }
}
