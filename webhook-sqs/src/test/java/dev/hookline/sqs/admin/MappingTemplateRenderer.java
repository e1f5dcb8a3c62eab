package dev.hookline.sqs.admin;

import java.io.StringWriter;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.runtime.RuntimeConstants;

/**
 * Renders an API Gateway request mapping template with Apache Velocity and small stand-ins for the variables API
 * Gateway provides, as its mapping template reference describes them:
 *
 * <ul>
 *   <li>{@code $input.body} — the raw payload as a string;
 *   <li>{@code $input.params()} — a map of {@code path}, {@code querystring} and {@code header} maps; header names as
 *       the sender spelled them;
 *   <li>{@code $input.params(x)} — the value of a path, query string or header parameter named {@code x}, searched in
 *       that order, or an empty string when there is none (header names compared exactly, the less forgiving
 *       reading, since API Gateway does not document it);
 *   <li>{@code $util.urlEncode(s)} — "converts a string into application/x-www-form-urlencoded format", UTF-8 by
 *       default, which is {@link URLEncoder} with UTF-8; {@code $util.escapeJavaScript(s)};
 *   <li>{@code $context.requestTimeEpoch} (epoch milliseconds) and {@code $context.requestId}.
 * </ul>
 */
final class MappingTemplateRenderer {

  /** Velocity's whitespace modes; API Gateway's exact setting is not documented, so templates must not depend on it. */
  static final List<String> SPACE_GOBBLING_MODES = List.of("none", "bc", "lines", "structured");

  private static final Map<String, VelocityEngine> ENGINES = new ConcurrentHashMap<>();

  private MappingTemplateRenderer() {}

  private static VelocityEngine newEngine(String spaceGobbling) {
    VelocityEngine engine = new VelocityEngine();
    engine.setProperty(RuntimeConstants.SPACE_GOBBLING, spaceGobbling);
    engine.setProperty(RuntimeConstants.RUNTIME_REFERENCES_STRICT, "true");
    engine.init();
    return engine;
  }

  /** One method request as API Gateway sees it. */
  static final class Request {
    final String body;
    final Map<String, String> path = new LinkedHashMap<>();
    final Map<String, String> query = new LinkedHashMap<>();
    // Names as the sender spelled them: the template must not rely on a case-insensitive lookup.
    final Map<String, String> headers = new LinkedHashMap<>();
    long requestTimeEpoch = 1_764_337_200_123L;
    String requestId = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";

    Request(String body) {
      this.body = body;
    }

    Request source(String source) {
      path.put("source", source);
      return this;
    }

    Request header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Request query(String name, String value) {
      query.put(name, value);
      return this;
    }

    String headerIgnoreCase(String name) {
      String found = null;
      for (Map.Entry<String, String> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          found = e.getValue();
        }
      }
      return found;
    }
  }

  /**
   * Renders the template in the given whitespace mode, with strict references so that a typo in the template fails.
   */
  static String render(String template, Request request, String spaceGobbling) {
    VelocityEngine engine = ENGINES.computeIfAbsent(spaceGobbling, MappingTemplateRenderer::newEngine);
    VelocityContext context = new VelocityContext();
    context.put("input", new Input(request));
    context.put("util", new Util());
    Map<String, Object> ctx = new LinkedHashMap<>();
    ctx.put("requestTimeEpoch", request.requestTimeEpoch);
    ctx.put("requestId", request.requestId);
    context.put("context", ctx);
    StringWriter out = new StringWriter();
    engine.evaluate(context, out, "requestTemplate", template);
    return out.toString();
  }

  /** Renders in every whitespace mode and insists that they agree. */
  static String render(String template, Request request) {
    String first = render(template, request, SPACE_GOBBLING_MODES.get(0));
    for (String mode : SPACE_GOBBLING_MODES.subList(1, SPACE_GOBBLING_MODES.size())) {
      String other = render(template, request, mode);
      if (!other.equals(first)) {
        throw new AssertionError("space gobbling '" + mode + "' renders differently:\n" + other + "\nvs\n" + first);
      }
    }
    return first;
  }

  /** Splits a form-encoded string into decoded (name, value) pairs, in order, as SQS's Query API reads it. */
  static List<Map.Entry<String, String>> parseForm(String form) {
    List<Map.Entry<String, String>> pairs = new ArrayList<>();
    for (String pair : form.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new AssertionError("form pair without '=': " + pair);
      }
      pairs.add(
          Map.entry(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
    }
    return pairs;
  }

  /** {@code $input}. Public so that Velocity's introspection can call it. */
  public static final class Input {
    private final Request request;

    Input(Request request) {
      this.request = request;
    }

    /**
     * Returns the raw body.
     *
     * @return the body
     */
    public String getBody() {
      return request.body;
    }

    /**
     * Returns all parameters by kind: {@code path}, {@code querystring}, {@code header}.
     *
     * @return the parameter maps
     */
    public Map<String, Map<String, String>> params() {
      Map<String, Map<String, String>> all = new LinkedHashMap<>();
      all.put("path", request.path);
      all.put("querystring", request.query);
      all.put("header", request.headers);
      return all;
    }

    /**
     * Returns a path, query string or header parameter, or an empty string.
     *
     * @param name the parameter name
     * @return the value
     */
    public String params(String name) {
      if (request.path.containsKey(name)) {
        return request.path.get(name);
      }
      if (request.query.containsKey(name)) {
        return request.query.get(name);
      }
      return request.headers.getOrDefault(name, "");
    }
  }

  /** {@code $util}. Public so that Velocity's introspection can call it. */
  public static final class Util {
    /**
     * Form-encodes a string (UTF-8).
     *
     * @param s the string
     * @return the encoded string
     */
    public String urlEncode(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * Decodes a form-encoded string (UTF-8).
     *
     * @param s the string
     * @return the decoded string
     */
    public String urlDecode(String s) {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * Escapes a string with JavaScript string rules.
     *
     * @param s the string
     * @return the escaped string
     */
    public String escapeJavaScript(String s) {
      StringBuilder b = new StringBuilder(s.length() + 16);
      for (char c : s.toCharArray()) {
        switch (c) {
          case '\'':
            b.append("\\'");
            break;
          case '"':
            b.append("\\\"");
            break;
          case '\\':
            b.append("\\\\");
            break;
          case '/':
            b.append("\\/");
            break;
          case '\n':
            b.append("\\n");
            break;
          case '\r':
            b.append("\\r");
            break;
          case '\t':
            b.append("\\t");
            break;
          default:
            if (c < 0x20 || c > 0x7e) {
              b.append(String.format("\\u%04X", (int) c));
            } else {
              b.append(c);
            }
        }
      }
      return b.toString();
    }
  }
}
