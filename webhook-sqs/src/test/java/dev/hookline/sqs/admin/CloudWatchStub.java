package dev.hookline.sqs.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * A stand-in for CloudWatch's control plane on {@code 127.0.0.1}. SDK 2.58's CloudWatch client speaks Smithy RPC v2
 * CBOR ({@code POST /service/GraniteServiceVersion20100801/operation/<Operation>}, {@code Content-Type:
 * application/cbor}, header {@code smithy-protocol: rpc-v2-cbor}), so this stub decodes CBOR (RFC 8949) bodies and
 * keeps the alarms it was given by name, as {@code PutMetricAlarm} does (create or replace). Public for other modules'
 * tests (the CLI's), through this module's test-jar.
 */
public final class CloudWatchStub implements AutoCloseable {

  /**
   * One recorded request: path, selected headers and the decoded body.
   *
   * @param path the request path
   * @param contentType the {@code Content-Type} header
   * @param smithyProtocol the {@code smithy-protocol} header
   * @param body the decoded CBOR body
   */
  public record Request(String path, String contentType, String smithyProtocol, Map<String, Object> body) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Map<String, Object>> alarms = new LinkedHashMap<>();

  /**
   * Starts the stub on a free port of {@code 127.0.0.1}.
   *
   * @throws IOException when the port cannot be bound
   */
  public CloudWatchStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "hookline-cloudwatch-stub-1"));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Returns the stub's endpoint, for an SDK client's {@code endpointOverride}.
   *
   * @return {@code http://127.0.0.1:<port>}
   */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Returns a new client of the stub, with static credentials; the caller closes it.
   *
   * @return the client
   */
  public CloudWatchClient newClient() {
    return CloudWatchClient.builder()
        .endpointOverride(endpoint())
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("hookline", "hookline")))
        .build();
  }

  /**
   * Returns the requests received so far, in order.
   *
   * @return the requests
   */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /**
   * Returns the alarms put so far, by name, each as its last {@code PutMetricAlarm} body.
   *
   * @return the alarms
   */
  public synchronized Map<String, Map<String, Object>> alarms() {
    return new LinkedHashMap<>(alarms);
  }

  @SuppressWarnings("unchecked")
  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      Object decoded = raw.length == 0 ? Map.of() : Cbor.decode(raw);
      Map<String, Object> body = (Map<String, Object>) decoded;
      String path = exchange.getRequestURI().getPath();
      requests.add(
          new Request(
              path,
              exchange.getRequestHeaders().getFirst("Content-Type"),
              exchange.getRequestHeaders().getFirst("smithy-protocol"),
              body));
      if (path.endsWith("/operation/PutMetricAlarm")) {
        synchronized (this) {
          alarms.put((String) body.get("AlarmName"), body);
        }
      }
      // PutMetricAlarm's output is an empty structure: an empty CBOR map.
      byte[] out = {(byte) 0xA0};
      exchange.getResponseHeaders().set("Content-Type", "application/cbor");
      exchange.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
      exchange.getResponseHeaders().set("x-amzn-RequestId", "req-" + requests.size());
      exchange.sendResponseHeaders(200, out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    }
  }

  /** Stops the stub. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** A minimal CBOR decoder: integers, strings, arrays, maps (definite or indefinite), floats, simple values, tags. */
  static final class Cbor {
    private static final Object BREAK = new Object();
    private final ByteBuffer in;

    private Cbor(byte[] bytes) {
      this.in = ByteBuffer.wrap(bytes);
    }

    static Object decode(byte[] bytes) {
      Cbor c = new Cbor(bytes);
      Object value = c.next();
      if (c.in.hasRemaining()) {
        throw new IllegalArgumentException("trailing bytes after CBOR item");
      }
      return value;
    }

    private long length(int info) {
      if (info < 24) {
        return info;
      }
      switch (info) {
        case 24:
          return in.get() & 0xFF;
        case 25:
          return in.getShort() & 0xFFFF;
        case 26:
          return in.getInt() & 0xFFFFFFFFL;
        case 27:
          return in.getLong();
        case 31:
          return -1; // indefinite
        default:
          throw new IllegalArgumentException("bad additional info " + info);
      }
    }

    private Object next() {
      int initial = in.get() & 0xFF;
      int major = initial >>> 5;
      int info = initial & 0x1F;
      switch (major) {
        case 0:
          return length(info);
        case 1:
          return -1 - length(info);
        case 2:
          return bytes(info);
        case 3:
          return new String(bytes(info), StandardCharsets.UTF_8);
        case 4:
          {
            long n = length(info);
            List<Object> list = new ArrayList<>();
            for (long i = 0; n < 0 || i < n; i++) {
              Object item = next();
              if (item == BREAK) {
                break;
              }
              list.add(item);
            }
            return list;
          }
        case 5:
          {
            long n = length(info);
            Map<String, Object> map = new LinkedHashMap<>();
            for (long i = 0; n < 0 || i < n; i++) {
              Object key = next();
              if (key == BREAK) {
                break;
              }
              map.put(String.valueOf(key), next());
            }
            return map;
          }
        case 6:
          length(info); // tag number; the tagged value is what matters here
          return next();
        default:
          return simple(info);
      }
    }

    private byte[] bytes(int info) {
      long n = length(info);
      if (n >= 0) {
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
      }
      ByteArrayOutputStream chunks = new ByteArrayOutputStream();
      while (true) {
        int peek = in.get(in.position()) & 0xFF;
        if (peek == 0xFF) {
          in.get();
          return chunks.toByteArray();
        }
        int chunkInfo = in.get() & 0x1F;
        chunks.writeBytes(bytes(chunkInfo));
      }
    }

    private static double halfToDouble(short half) {
      int bits = half & 0xFFFF;
      int exp = (bits >>> 10) & 0x1F;
      int mant = bits & 0x3FF;
      double v;
      if (exp == 0) {
        v = mant * Math.pow(2, -24);
      } else if (exp == 31) {
        v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
      } else {
        v = (1 + mant / 1024.0) * Math.pow(2, exp - 15);
      }
      return (bits >>> 15) == 1 ? -v : v;
    }

    private Object simple(int info) {
      switch (info) {
        case 20:
          return Boolean.FALSE;
        case 21:
          return Boolean.TRUE;
        case 22:
        case 23:
          return null;
        case 25:
          return halfToDouble(in.getShort());
        case 26:
          return (double) in.getFloat();
        case 27:
          return in.getDouble();
        case 31:
          return BREAK;
        default:
          throw new IllegalArgumentException("unsupported simple value " + info);
      }
    }
  }
}
