package dev.hookline.http;

import dev.hookline.core.InboundRequest;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.RejectReason;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link WebhookReceiver} over HTTP/1.1 on Jetty 12 (its core API, no servlets), built to stay up in front
 * of the internet: every phase of a request has a time limit, and every resource a client can hold has a cap.
 *
 * <p>Routes:
 *
 * <ul>
 *   <li>{@code POST {pathPrefix}{source}} — the receiver's pipeline; the response has the receiver's status, headers
 *       and body ({@link ReceiveResult#headers()}, {@link ReceiveResult#body()}). {@code GET} reaches the receiver
 *       without a body, for sources whose handshake arrives that way (Meta, X, Dropbox, Microsoft Graph). Any other
 *       method (methods are case-sensitive: {@code post} is not {@code POST}) is 405 with {@code Allow: POST}, and
 *       the body is not read;
 *   <li>{@code GET /healthz} — liveness: 200 {@code ok} while the process answers;
 *   <li>{@code GET /readyz} — readiness: 200 {@code ready} when every {@linkplain Builder#addReadinessCheck readiness
 *       check} holds, else 503 {@code not ready}. Neither says anything about the configuration;
 *   <li>anything else — 404.
 * </ul>
 *
 * <p>Limits, each a {@link Builder} setting: the request headers must arrive within {@link
 * Builder#headerReadTimeout} (default 10 s) and fit in {@link Builder#maxHeaderBytes} (else 431); the body within
 * {@link Builder#bodyReadTimeout} (else 408 and the connection is closed); a declared {@code Content-Length} over the
 * source's limit is 413 before any of the body is read, and a chunked body is read only to the limit + 1 byte
 * before it is refused 413. Beyond {@link Builder#maxRequestsInProgress} webhook requests, new ones get 503 with
 * {@code Retry-After} before their body is read; beyond {@link Builder#maxConnections}, new connections wait in the
 * accept queue (up to {@code min(maxConnections, 1024)} of them) while the longest-idle kept-alive connections are
 * closed to make room (never one with a request in progress). Bodies are read without blocking a thread, so slow clients cost memory, not threads.
 *
 * <p>Lifecycle: {@link #start()} binds and serves; {@link #close()} drains: it stops accepting connections, answers
 * new requests on open connections 503 with {@code Connection: close}, lets requests in progress finish for up to
 * {@link Builder#shutdownTimeout}, then stops everything it started. A webhook is answered 2xx only after the sink
 * has stored it, so a request cut off by the deadline is never acknowledged.
 *
 * <p>Threads: Jetty's pool ({@link Builder#threads}, named {@code hookline-http-N}) and one scheduler thread, both
 * ours and stopped by {@link #close()}; or an executor you pass in, which stays yours.
 *
 * <p>Thread-safety: {@link #start()}, {@link #close()} and the accessors may be called from any thread.
 *
 * <pre>{@code
 * try (WebhookHttpServer server = WebhookHttpServer.builder().receiver(receiver).port(8080).build()) {
 *   server.start();
 *   // POST http://127.0.0.1:8080/webhooks/github
 * }
 * }</pre>
 */
public final class WebhookHttpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WebhookHttpServer.class);

  /** Threads of the default pool. */
  public static final int DEFAULT_THREADS = 32;

  /** Default {@link Builder#maxHeaderBytes}: 16 KiB, the request line and every header together. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

  /** Default {@link Builder#maxConnections}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;

  /** Default {@link Builder#maxRequestsInProgress}. */
  public static final int DEFAULT_MAX_REQUESTS_IN_PROGRESS = 200;

  private static final String HEALTH_PATH = "/healthz";
  private static final String READY_PATH = "/readyz";
  private static final String JSON = "application/json";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final ReceiveResult SHUTTING_DOWN =
      new ReceiveResult.Rejected(
          RejectReason.SINK_UNAVAILABLE, "shutting down, retry later", Optional.of(Duration.ofSeconds(5)));
  private static final ReceiveResult METHOD_NOT_ALLOWED =
      ReceiveResult.Rejected.of(RejectReason.METHOD_NOT_ALLOWED, "method must be POST");
  private static final ReceiveResult BUSY =
      new ReceiveResult.Rejected(
          RejectReason.SINK_UNAVAILABLE, "too many requests in progress, retry later", Optional.of(Duration.ofSeconds(1)));

  private final String bindAddress;
  private final int port;
  private final String pathPrefix;
  private final WebhookReceiver receiver;
  private final Executor userExecutor;
  private final int threads;
  private final Duration headerReadTimeout;
  private final Duration bodyReadTimeout;
  private final Duration idleTimeout;
  private final int maxHeaderBytes;
  private final int maxConnections;
  private final int maxRequestsInProgress;
  private final boolean keepAliveEnabled;
  private final Path keyStorePath;
  private final String keyStorePassword;
  private final List<BooleanSupplier> readinessChecks;
  private final Duration shutdownTimeout;

  private final ReentrantLock lock = new ReentrantLock();
  private final ReentrantLock drainLock = new ReentrantLock();
  private final Condition idle = drainLock.newCondition();
  private final AtomicInteger inProgress = new AtomicInteger();
  private final AtomicInteger webhooksInProgress = new AtomicInteger();
  private final AtomicBoolean readinessWarned = new AtomicBoolean();
  private volatile boolean closing;
  private Server server;
  private ServerConnector connector;
  private HeaderDeadlines headerDeadlines;
  private InetSocketAddress address;
  private boolean started;
  private boolean closed;

  private WebhookHttpServer(Builder b) {
    this.bindAddress = b.bindAddress;
    this.port = b.port;
    this.pathPrefix = b.pathPrefix;
    this.receiver = b.receiver;
    this.userExecutor = b.executor;
    this.threads = b.threads;
    this.headerReadTimeout = b.headerReadTimeout;
    this.bodyReadTimeout = b.bodyReadTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxHeaderBytes = b.maxHeaderBytes;
    this.maxConnections = b.maxConnections;
    this.maxRequestsInProgress = b.maxRequestsInProgress;
    this.keepAliveEnabled = b.keepAliveEnabled;
    this.keyStorePath = b.keyStorePath;
    this.keyStorePassword = b.keyStorePassword;
    this.readinessChecks = List.copyOf(b.readinessChecks);
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
   * @throws UncheckedIOException when the address cannot be bound; its cause is a {@link BindException} when the
   *     port is taken
   */
  public WebhookHttpServer start() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("server is closed");
      }
      if (started) {
        throw new IllegalStateException("server is already started");
      }
      ThreadPool pool;
      if (userExecutor != null) {
        pool = new ExecutorThreadPool(userExecutor);
      } else {
        QueuedThreadPool queued = new QueuedThreadPool(threads, Math.min(threads, 4));
        queued.setName("hookline-http");
        pool = queued;
      }
      Scheduler scheduler = new ScheduledExecutorScheduler("hookline-http-scheduler", false);
      Server created = new Server(pool, scheduler, null);
      created.setStopTimeout(0);
      created.setErrorHandler(WebhookHttpServer::error);

      HttpConfiguration http = new HttpConfiguration();
      http.setRequestHeaderSize(maxHeaderBytes);
      http.setSendServerVersion(false);
      http.setSendXPoweredBy(false);
      http.setPersistentConnectionsEnabled(keepAliveEnabled);
      HttpConnectionFactory httpFactory = new HttpConnectionFactory(http);
      ServerConnector created2;
      if (keyStorePath != null) {
        http.addCustomizer(new SecureRequestCustomizer());
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keyStorePath.toString());
        tls.setKeyStorePassword(keyStorePassword);
        created2 = new ServerConnector(created, 1, 1, new SslConnectionFactory(tls, httpFactory.getProtocol()), httpFactory);
      } else {
        created2 = new ServerConnector(created, 1, 1, new ConnectionFactory[] {httpFactory});
      }
      created2.setHost(bindAddress);
      created2.setPort(port);
      created2.setIdleTimeout(idleTimeout.toMillis());
      // Draining keeps the idle timeout: Jetty would cut it to 1 s, closing kept-alive connections under a sender that
      // may be writing its next POST on one; a 503 with Connection: close is the unambiguous answer (see close()).
      created2.setShutdownIdleTimeout(idleTimeout.toMillis());
      // Connections beyond the limit wait here, not in the kernel's default backlog of 50 (beyond which SYNs are
      // dropped and clients retry only after a second or more).
      created2.setAcceptQueueSize(Math.min(maxConnections, 1024));
      HeaderDeadlines deadlines = new HeaderDeadlines(headerReadTimeout.toNanos(), maxConnections);
      created2.addBean(deadlines);
      created.addConnector(created2);
      created.addBean(new NetworkConnectionLimit(maxConnections, created2));
      created.setHandler(new Routes());
      try {
        created.start();
      } catch (Exception e) {
        stopQuietly(created);
        throw new UncheckedIOException("cannot start on " + bindAddress + ":" + port, ioCause(e));
      }
      deadlines.start(created.getScheduler());
      server = created;
      connector = created2;
      headerDeadlines = deadlines;
      address = new InetSocketAddress(bindAddress, created2.getLocalPort());
      started = true;
      log.info(
          "Webhook HTTP server started. address={} pathPrefix={} tls={}", address, pathPrefix, keyStorePath != null);
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
   * Whether {@code /readyz} answers 200 now: started, not closing, and every readiness check holds. A check that
   * throws counts as not ready (and is logged once at WARN).
   *
   * @return whether the server is ready
   */
  public boolean ready() {
    if (closing || !isStarted()) {
      return false;
    }
    for (BooleanSupplier check : readinessChecks) {
      try {
        if (!check.getAsBoolean()) {
          return false;
        }
      } catch (RuntimeException e) {
        if (readinessWarned.compareAndSet(false, true)) {
          log.warn("A readiness check threw; counted as not ready", e);
        }
        return false;
      }
    }
    return true;
  }

  private boolean isStarted() {
    lock.lock();
    try {
      return started && !closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Drains and stops: stops accepting connections, answers new requests on open connections 503 with {@code
   * Connection: close} (a kept-alive connection keeps its idle timeout while draining, so a request sent on it gets
   * that answer rather than a closed socket), lets requests in progress finish for up to the shutdown timeout, then
   * stops Jetty, its
   * threads (never an executor you passed in) and closes every connection. Idempotent; returns at once when nothing
   * is in progress.
   */
  @Override
  public void close() {
    Server toStop;
    ServerConnector toClose;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      toStop = server;
      toClose = connector;
    } finally {
      lock.unlock();
    }
    closing = true;
    if (toStop == null) {
      return;
    }
    // Stop accepting: the listening socket is closed, so new connections are refused at once.
    toClose.shutdown();
    boolean interrupted = awaitIdle(System.nanoTime() + shutdownTimeout.toNanos());
    headerDeadlines.stop();
    stopQuietly(toStop);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    log.info("Webhook HTTP server stopped. address={}", address);
  }

  /** The {@link BindException} when the port is taken (callers test for it), else the first I/O cause. */
  private static IOException ioCause(Exception e) {
    IOException first = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException bind) {
        return bind;
      }
      if (first == null && t instanceof IOException io) {
        first = io;
      }
    }
    return first != null ? first : new IOException(e);
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("Jetty did not stop cleanly", e);
    }
  }

  /** Waits until no request is in progress or the deadline passes; returns whether the thread was interrupted. */
  private boolean awaitIdle(long deadline) {
    drainLock.lock();
    try {
      while (inProgress.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn("Webhook HTTP server closing with requests still in progress. inProgress={}", inProgress.get());
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

  private void requestDone() {
    if (inProgress.decrementAndGet() == 0) {
      drainLock.lock();
      try {
        idle.signalAll();
      } finally {
        drainLock.unlock();
      }
    }
  }

  /** The one handler: routes by path, answers health and readiness, and runs webhooks through the receiver. */
  private final class Routes extends Handler.Abstract.NonBlocking {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Connection connection = request.getConnectionMetaData().getConnection();
      headerDeadlines.requestStarted(connection);
      inProgress.incrementAndGet();
      Request.addCompletionListener(
          request,
          failure -> {
            headerDeadlines.requestEnded(connection);
            requestDone();
          });
      try {
        route(request, response, callback);
      } catch (RuntimeException e) {
        log.error("Webhook HTTP handler failed. path={}", request.getHttpURI().getPath(), e);
        send(response, callback, 500, JSON, "{\"status\":\"error\"}", Map.of());
      }
      return true;
    }

    private void route(Request request, Response response, Callback callback) {
      if (closing) {
        respond(response, callback, SHUTTING_DOWN, true);
        return;
      }
      String path = request.getHttpURI().getPath();
      String method = request.getMethod();
      if (HEALTH_PATH.equals(path)) {
        probe(request, response, callback, true, "ok");
      } else if (READY_PATH.equals(path)) {
        probe(request, response, callback, ready(), ready() ? "ready" : "not ready");
      } else if (path != null && path.startsWith(pathPrefix) && path.length() > pathPrefix.length()) {
        webhook(request, response, callback, path.substring(pathPrefix.length()), method);
      } else {
        respond(response, callback, ReceiveResult.Rejected.of(RejectReason.UNKNOWN_SOURCE, "no such path"), false);
      }
    }

    private void probe(Request request, Response response, Callback callback, boolean ok, String text) {
      String method = request.getMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        respond(
            response, callback, ReceiveResult.Rejected.of(RejectReason.METHOD_NOT_ALLOWED, "method must be GET"), true);
        return;
      }
      Map<String, String> headers = ok ? Map.of() : Map.of("Retry-After", "1");
      send(response, callback, ok ? 200 : 503, TEXT, "HEAD".equals(method) ? "" : text, headers);
    }

    private void webhook(Request request, Response response, Callback callback, String sourceName, String method) {
      InboundRequest.Builder inbound =
          InboundRequest.builder().method(method).path(request.getHttpURI().getPath()).headers(headers(request));
      String query = request.getHttpURI().getQuery();
      if (query != null) {
        inbound.query(query);
      }
      String remote = Request.getRemoteAddr(request);
      if (remote != null) {
        inbound.remoteAddress(remote);
      }

      if (!"POST".equals(method) && !"GET".equals(method)) {
        // Methods are case-sensitive (RFC 9110 §9.1): "post" stops here, before the body is read.
        respond(response, callback, METHOD_NOT_ALLOWED, true);
        return;
      }
      Optional<WebhookSource> source = receiver.source(sourceName);
      if (!"POST".equals(method) || source.isEmpty()) {
        // The receiver answers the GET handshakes, 405 or 404; none needs the body, so it is not read.
        reply(response, callback, receiver.receive(sourceName, inbound.build()), true);
        return;
      }
      if (webhooksInProgress.incrementAndGet() > maxRequestsInProgress) {
        webhooksInProgress.decrementAndGet();
        respond(response, callback, BUSY, true);
        return;
      }
      Request.addCompletionListener(request, failure -> webhooksInProgress.decrementAndGet());
      Callback counted = callback;
      int limit = source.get().maxBodyBytes();
      long declared = request.getLength();
      if (declared > limit) {
        respond(response, counted, receiver.rejectOversized(sourceName, declared), true);
        return;
      }
      new BodyReader(request, limit, declared)
          .read(
              body -> {
                boolean over = body.length > limit;
                reply(response, counted, receiver.receive(sourceName, inbound.body(body).build()), over);
              },
              () ->
                  send(
                      response,
                      counted,
                      408,
                      JSON,
                      "{\"status\":\"rejected\",\"reason\":\"request_timeout\",\"message\":\"body not received in time\"}",
                      Map.of("Connection", "close")),
              counted::failed);
    }

    private void reply(Response response, Callback callback, CompletionStage<ReceiveResult> result, boolean close) {
      result.whenComplete(
          (answer, failure) -> {
            if (failure != null) {
              log.error("Webhook receiver failed", failure);
              send(response, callback, 500, JSON, "{\"status\":\"error\"}", Map.of());
            } else {
              respond(response, callback, answer, close);
            }
          });
    }
  }

  private static WebhookHeaders headers(Request request) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (HttpField field : request.getHeaders()) {
      map.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
    }
    return WebhookHeaders.of(map);
  }

  /**
   * Writes a receiver's answer. {@code closeOnReject}: after a rejection that left the body unread, the connection
   * closes, so the rest of the body is never parsed as the next request.
   */
  private static void respond(Response response, Callback callback, ReceiveResult result, boolean closeOnReject) {
    Map<String, String> headers = new LinkedHashMap<>(result.headers());
    if (result instanceof ReceiveResult.Rejected rejected) {
      if (rejected.reason() == RejectReason.METHOD_NOT_ALLOWED && !response.getHeaders().contains(HttpHeader.ALLOW)) {
        headers.put("Allow", "POST");
      }
      if (closeOnReject) {
        headers.put("Connection", "close");
      }
    }
    String contentType = headers.remove("Content-Type");
    send(response, callback, result.status(), contentType == null ? JSON : contentType, result.body(), headers);
  }

  private static void send(
      Response response, Callback callback, int status, String contentType, String body, Map<String, String> headers) {
    response.setStatus(status);
    headers.forEach((name, value) -> response.getHeaders().put(name, value));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  /** Jetty's own refusals (431, 400, 414 ...): a small JSON body, as the receiver's. */
  private static boolean error(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    String reason = HttpStatus.getMessage(status).toLowerCase(java.util.Locale.ROOT).replace(' ', '_');
    send(
        response,
        callback,
        status,
        JSON,
        "{\"status\":\"rejected\",\"reason\":\"" + reason.replaceAll("[^a-z0-9_]", "") + "\"}",
        Map.of());
    return true;
  }

  @Override
  public String toString() {
    return "WebhookHttpServer{bindAddress="
        + bindAddress
        + ", port="
        + port
        + ", pathPrefix="
        + pathPrefix
        + ", tls="
        + (keyStorePath != null)
        + '}';
  }

  /**
   * Reads a request body without blocking, up to limit + 1 bytes, within the body timeout. Exactly one of the three
   * outcomes runs, once.
   */
  private final class BodyReader implements Runnable {
    private final Request request;
    private final int limit;
    private final ByteArrayOutputStream body;
    private final AtomicBoolean finished = new AtomicBoolean();
    private java.util.function.Consumer<byte[]> onBody;
    private Runnable onTimeout;
    private java.util.function.Consumer<Throwable> onFailure;
    private Scheduler.Task timeout;

    BodyReader(Request request, int limit, long declared) {
      this.request = request;
      this.limit = limit;
      this.body = new ByteArrayOutputStream(declared >= 0 ? (int) declared : Math.min(limit + 1, 8192));
    }

    void read(java.util.function.Consumer<byte[]> onBody, Runnable onTimeout, java.util.function.Consumer<Throwable> onFailure) {
      this.onBody = onBody;
      this.onTimeout = onTimeout;
      this.onFailure = onFailure;
      timeout =
          request
              .getComponents()
              .getScheduler()
              .schedule(this::timedOut, bodyReadTimeout.toNanos(), TimeUnit.NANOSECONDS);
      run();
    }

    private void timedOut() {
      if (finished.compareAndSet(false, true)) {
        log.debug("Request body not received in time. path={}", request.getHttpURI().getPath());
        onTimeout.run();
      }
    }

    @Override
    public void run() {
      while (!finished.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          if (!chunk.isLast()) {
            // A transient failure is Jetty's idle timeout: no byte for idleTimeout. Answer as a body timeout.
            timedOut();
          } else if (finished.compareAndSet(false, true)) {
            timeout.cancel();
            onFailure.accept(chunk.getFailure());
          }
          return;
        }
        ByteBuffer buffer = chunk.getByteBuffer();
        int take = Math.min(buffer.remaining(), limit + 1 - body.size());
        byte[] bytes = new byte[take];
        buffer.get(bytes);
        body.write(bytes, 0, take);
        boolean last = chunk.isLast();
        chunk.release();
        // One byte over the limit is enough for the receiver to answer 413; the rest is never buffered.
        if (last || body.size() > limit) {
          if (finished.compareAndSet(false, true)) {
            timeout.cancel();
            onBody.accept(body.toByteArray());
          }
          return;
        }
      }
    }
  }

  /** Builds a {@link WebhookHttpServer}; not thread-safe. Setters only record; {@link #build()} validates. */
  public static final class Builder {
    private String bindAddress = "127.0.0.1";
    private int port = 8080;
    private String pathPrefix = "/webhooks/";
    private WebhookReceiver receiver;
    private Executor executor;
    private int threads = DEFAULT_THREADS;
    private Duration headerReadTimeout = Duration.ofSeconds(10);
    private Duration bodyReadTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofSeconds(30);
    private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxRequestsInProgress = DEFAULT_MAX_REQUESTS_IN_PROGRESS;
    private boolean keepAliveEnabled = true;
    private Path keyStorePath;
    private String keyStorePassword;
    private final List<BooleanSupplier> readinessChecks = new ArrayList<>();
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    private Builder() {}

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
     * Sets the address to bind. Default {@code 127.0.0.1}, reachable only from this machine; use {@code 0.0.0.0} in
     * a container.
     *
     * @param bindAddress a host name or IP address
     * @return this builder
     */
    public Builder bindAddress(String bindAddress) {
      this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
      return this;
    }

    /**
     * Sets the port. Default 8080; 0 picks a free port (see {@link WebhookHttpServer#port()}).
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
     * Sets how long a client has to send a request's headers, counted from the connection's opening (or, on a
     * kept-alive connection, from the next request's first byte). Default 10 s; past it the connection is closed.
     * Bounds slowloris clients, which reset any idle timeout by sending a byte now and then.
     *
     * @param headerReadTimeout positive
     * @return this builder
     */
    public Builder headerReadTimeout(Duration headerReadTimeout) {
      this.headerReadTimeout = Objects.requireNonNull(headerReadTimeout, "headerReadTimeout");
      return this;
    }

    /**
     * Sets how long a client has to send a webhook's body once its headers are in. Default 10 s; past it the answer
     * is 408 and the connection is closed. Raise it for senders on slow links with large bodies.
     *
     * @param bodyReadTimeout positive
     * @return this builder
     */
    public Builder bodyReadTimeout(Duration bodyReadTimeout) {
      this.bodyReadTimeout = Objects.requireNonNull(bodyReadTimeout, "bodyReadTimeout");
      return this;
    }

    /**
     * Sets how long a connection may stay silent: between kept-alive requests, or while a request is being read or
     * answered. Default 30 s.
     *
     * @param idleTimeout positive
     * @return this builder
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
      return this;
    }

    /**
     * Sets the most bytes the request line and headers may take together; beyond it the answer is 431. Default
     * {@value WebhookHttpServer#DEFAULT_MAX_HEADER_BYTES}.
     *
     * @param maxHeaderBytes 1,024 to 1,048,576
     * @return this builder
     */
    public Builder maxHeaderBytes(int maxHeaderBytes) {
      this.maxHeaderBytes = maxHeaderBytes;
      return this;
    }

    /**
     * Sets how many connections may be open at once; beyond it new connections wait in the operating system's
     * accept queue (its size is {@code min(maxConnections, 1024)}) until one closes. At the limit, kept-alive
     * connections idle between requests are closed, longest-idle first and at most an eighth of the limit at a time,
     * so that a sender's idle connection pool cannot lock others out until its idle timeout; a connection with a
     * request in progress is never closed for room. Default {@value WebhookHttpServer#DEFAULT_MAX_CONNECTIONS}.
     *
     * @param maxConnections at least 1
     * @return this builder
     */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * Sets how many webhook requests may be in progress at once (reading the body, verifying, waiting for the sink);
     * beyond it a new one gets 503 with {@code Retry-After: 1} before its body is read. Default {@value
     * WebhookHttpServer#DEFAULT_MAX_REQUESTS_IN_PROGRESS}. Health and readiness probes are never refused.
     *
     * @param maxRequestsInProgress at least 1
     * @return this builder
     */
    public Builder maxRequestsInProgress(int maxRequestsInProgress) {
      this.maxRequestsInProgress = maxRequestsInProgress;
      return this;
    }

    /**
     * Sets whether connections are kept open between requests (HTTP/1.1 persistent connections). Default true;
     * false answers every request with {@code Connection: close}.
     *
     * @param keepAliveEnabled whether to keep connections alive
     * @return this builder
     */
    public Builder keepAliveEnabled(boolean keepAliveEnabled) {
      this.keepAliveEnabled = keepAliveEnabled;
      return this;
    }

    /**
     * Serves HTTPS with the key and certificate from a keystore (PKCS12 or JKS). Default: plain HTTP, for a server
     * behind a load balancer that ends TLS.
     *
     * @param path the keystore file
     * @param password its password (and the key's)
     * @return this builder
     */
    public Builder keyStore(Path path, String password) {
      this.keyStorePath = Objects.requireNonNull(path, "keyStore");
      this.keyStorePassword = Objects.requireNonNull(password, "keyStorePassword");
      return this;
    }

    /**
     * Replaces the readiness checks. {@code GET /readyz} answers 200 only while each returns true; for example
     * {@code runner::isRunning}. Checks run on every probe, so they must be cheap and must not block.
     *
     * @param checks the checks; none means ready whenever started
     * @return this builder
     */
    public Builder readinessChecks(Collection<BooleanSupplier> checks) {
      Objects.requireNonNull(checks, "readinessChecks");
      readinessChecks.clear();
      checks.forEach(this::addReadinessCheck);
      return this;
    }

    /**
     * Adds a readiness check (see {@link #readinessChecks(Collection)}).
     *
     * @param check true when ready
     * @return this builder
     */
    public Builder addReadinessCheck(BooleanSupplier check) {
      readinessChecks.add(Objects.requireNonNull(check, "readinessCheck"));
      return this;
    }

    /**
     * Sets the executor Jetty runs on. Default: a pool of {@link #threads(int)} threads named {@code hookline-http-N},
     * which the server stops. An executor you pass in is yours to stop, after the server; Jetty's acceptor and
     * selector hold two of its threads while the server runs, so give it at least four.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the default pool's thread count. Default {@value WebhookHttpServer#DEFAULT_THREADS}: bodies are read and
     * sinks awaited without holding a thread, so a few suffice. Ignored when an executor is passed in.
     *
     * @param threads at least 4
     * @return this builder
     */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * Sets how long {@link WebhookHttpServer#close()} lets requests in progress finish. Default 10 s, above the
     * receiver's default enqueue budget (5 s) so a webhook being stored gets its real answer.
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
    public WebhookHttpServer build() {
      if (receiver == null) {
        throw new IllegalArgumentException("receiver must be set");
      }
      if (bindAddress.isBlank()) {
        throw new IllegalArgumentException("bindAddress must not be blank");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
      }
      if (!pathPrefix.startsWith("/") || !pathPrefix.endsWith("/")) {
        throw new IllegalArgumentException("pathPrefix must start and end with '/', was '" + pathPrefix + "'");
      }
      if (pathPrefix.equals(HEALTH_PATH + "/") || pathPrefix.equals(READY_PATH + "/")) {
        throw new IllegalArgumentException("pathPrefix must not be " + pathPrefix + ", which is a probe's path");
      }
      positive("headerReadTimeout", headerReadTimeout);
      positive("bodyReadTimeout", bodyReadTimeout);
      positive("idleTimeout", idleTimeout);
      if (maxHeaderBytes < 1024 || maxHeaderBytes > 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxHeaderBytes must be between 1024 and 1048576, was " + maxHeaderBytes);
      }
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be >= 1, was " + maxConnections);
      }
      if (maxRequestsInProgress < 1) {
        throw new IllegalArgumentException("maxRequestsInProgress must be >= 1, was " + maxRequestsInProgress);
      }
      if (threads < 4) {
        throw new IllegalArgumentException("threads must be >= 4, was " + threads);
      }
      if (keyStorePath != null && !Files.isReadable(keyStorePath)) {
        throw new IllegalArgumentException("keyStore must be a readable file, was " + keyStorePath);
      }
      if (shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative, was " + shutdownTimeout);
      }
      return new WebhookHttpServer(this);
    }

    private static void positive(String field, Duration value) {
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(field + " must be positive, was " + value);
      }
    }
  }
}
