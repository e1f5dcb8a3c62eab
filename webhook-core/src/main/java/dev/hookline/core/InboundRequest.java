package dev.hookline.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request as a transport received it: method, path, raw query, headers and the raw body bytes.
 *
 * <p>Transports (the JDK HTTP server, the API Gateway Lambda handler, or your own framework) build one and pass it
 * to {@link WebhookReceiver}. The body must be the bytes exactly as they arrived: signatures are computed over them.
 * {@link #toString()} never prints the body or signature values.
 *
 * <p>Thread-safety: immutable. The body array is copied in and out.
 *
 * <pre>{@code
 * InboundRequest request = InboundRequest.builder()
 *     .method("POST")
 *     .path("/webhooks/github")
 *     .headers(headers)
 *     .body(rawBytes)
 *     .build();
 * }</pre>
 */
public final class InboundRequest {

  private final String method;
  private final String path;
  private final String query;
  private final WebhookHeaders headers;
  private final byte[] body;
  private final String remoteAddress;

  private InboundRequest(Builder b) {
    this.method = b.method;
    this.path = b.path;
    this.query = b.query;
    this.headers = b.headers;
    this.body = b.body.clone();
    this.remoteAddress = b.remoteAddress;
  }

  /** {@return a new builder} Method defaults to {@code POST}, path to {@code /}, body and headers to empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the HTTP method as sent, for example {@code POST}} */
  public String method() {
    return method;
  }

  /** {@return the request path without the query string, for example {@code /webhooks/github}} */
  public String path() {
    return path;
  }

  /** {@return the raw (still percent-encoded) query string without {@code ?}, or empty when there was none} */
  public Optional<String> query() {
    return Optional.ofNullable(query);
  }

  /**
   * Returns the values of one query parameter, decoded ({@code +} and percent-escapes, as UTF-8), in order. Names
   * are matched exactly. An occurrence with a malformed percent-escape is left out.
   *
   * @param name the parameter name, for example {@code hub.challenge}
   * @return the values; empty when the parameter is absent or there is no query
   */
  public List<String> queryParameters(String name) {
    Objects.requireNonNull(name, "name");
    if (query == null || query.isEmpty()) {
      return List.of();
    }
    List<String> values = new ArrayList<>(1);
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (URLDecoder.decode(rawName, StandardCharsets.UTF_8).equals(name)) {
          values.add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      } catch (IllegalArgumentException e) {
        // A malformed escape: this occurrence is unreadable and is left out.
      }
    }
    return List.copyOf(values);
  }

  /** Returns the request headers. */
  public WebhookHeaders headers() {
    return headers;
  }

  /** {@return a copy of the raw body bytes} */
  public byte[] body() {
    return body.clone();
  }

  /** {@return the body length in bytes without copying it} */
  public int bodyLength() {
    return body.length;
  }

  /** {@return the client's address as the transport saw it, or empty when unknown} */
  public Optional<String> remoteAddress() {
    return Optional.ofNullable(remoteAddress);
  }

  /** {@return the {@code Content-Type} header's first value, if present} */
  public Optional<String> contentType() {
    return headers.first("Content-Type");
  }

  /** {@return a builder that starts with this request's values} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.method = method;
    b.path = path;
    b.query = query;
    b.headers = headers;
    b.body = body;
    b.remoteAddress = remoteAddress;
    return b;
  }

  /**
   * Returns the raw body without copying; for this package's callers that promise not to modify it.
   *
   * @return the body array itself
   */
  byte[] bodyUnsafe() {
    return body;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof InboundRequest)) {
      return false;
    }
    InboundRequest other = (InboundRequest) o;
    return method.equals(other.method)
        && path.equals(other.path)
        && Objects.equals(query, other.query)
        && headers.equals(other.headers)
        && Arrays.equals(body, other.body)
        && Objects.equals(remoteAddress, other.remoteAddress);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, path, query, headers, Arrays.hashCode(body), remoteAddress);
  }

  /** Prints method, path, headers (signatures redacted) and the body length, never the body. */
  @Override
  public String toString() {
    return "InboundRequest{"
        + method
        + ' '
        + path
        + (query == null ? "" : "?" + query)
        + ", headers="
        + headers
        + ", bodyLength="
        + body.length
        + (remoteAddress == null ? "" : ", remoteAddress=" + remoteAddress)
        + '}';
  }

  /** Builds an {@link InboundRequest}; not thread-safe. */
  public static final class Builder {
    private String method = "POST";
    private String path = "/";
    private String query;
    private WebhookHeaders headers = WebhookHeaders.empty();
    private byte[] body = new byte[0];
    private String remoteAddress;

    private Builder() {}

    /**
     * Sets the HTTP method, exactly as sent: methods are case-sensitive, so {@code post} is not {@code POST} (and is
     * answered 405). Default {@code POST}.
     *
     * @param method the method
     * @return this builder
     */
    public Builder method(String method) {
      this.method = Objects.requireNonNull(method, "method");
      return this;
    }

    /**
     * Sets the path without the query string. Default {@code /}.
     *
     * @param path the path
     * @return this builder
     */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Sets the raw query string, without {@code ?}. Default: none.
     *
     * @param query the query string
     * @return this builder
     */
    public Builder query(String query) {
      this.query = Objects.requireNonNull(query, "query");
      return this;
    }

    /**
     * Sets the headers. Default: none.
     *
     * @param headers the headers
     * @return this builder
     */
    public Builder headers(WebhookHeaders headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /**
     * Sets the raw body bytes; the array is copied at {@link #build()}. Default: empty.
     *
     * @param body the body
     * @return this builder
     */
    public Builder body(byte[] body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /**
     * Sets the client's address. Default: unknown.
     *
     * @param remoteAddress the address, for example {@code 192.0.2.10}
     * @return this builder
     */
    public Builder remoteAddress(String remoteAddress) {
      this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
      return this;
    }

    /**
     * Returns the request.
     *
     * @return the immutable request
     * @throws IllegalArgumentException when method or path is blank
     */
    public InboundRequest build() {
      if (method.isBlank()) {
        throw new IllegalArgumentException("method must not be blank");
      }
      if (path.isBlank()) {
        throw new IllegalArgumentException("path must not be blank");
      }
      return new InboundRequest(this);
    }
  }
}
