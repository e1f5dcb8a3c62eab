package dev.hookline.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.RejectReason;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.internal.LogContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both API Gateway functions share: the request fields as API Gateway gives them in, the receiver's result as a
 * status, headers and body out (a handshake's answer included). Everything else is the receiver's job.
 */
final class ApiGatewayBridge {

  private static final Logger log = LoggerFactory.getLogger(ApiGatewayBridge.class);

  /** The default time kept back from the invocation's remaining time. */
  static final Duration DEFAULT_BUDGET_MARGIN = Duration.ofMillis(500);

  /** The path segment before the source name: {@code /webhooks/{source}}. */
  private static final String WEBHOOKS_SEGMENT = "webhooks";

  private final WebhookReceiver receiver;
  private final Duration budgetMargin;

  ApiGatewayBridge(WebhookReceiver receiver, Duration budgetMargin) {
    this.receiver = Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(budgetMargin, "budgetMargin");
    // The receiver waits up to its own margin past the budget for a sink that does not answer; ours must be larger
    // or the invocation could time out (API Gateway then answers 5xx without Retry-After).
    if (budgetMargin.toMillis() <= WebhookReceiver.SINK_TIMEOUT_MARGIN_MILLIS) {
      throw new IllegalArgumentException(
          "budgetMargin must be more than "
              + WebhookReceiver.SINK_TIMEOUT_MARGIN_MILLIS
              + " ms (the receiver's sink-timeout margin), was "
              + budgetMargin);
    }
    this.budgetMargin = budgetMargin;
  }

  WebhookReceiver receiver() {
    return receiver;
  }

  Duration budgetMargin() {
    return budgetMargin;
  }

  /**
   * Receives one request.
   *
   * @param method the HTTP method, or null when the event has none
   * @param path the request path
   * @param pathSource the {@code source} path parameter, or null
   * @param query the raw query string, or null
   * @param headers the headers
   * @param body the body as API Gateway passes it, or null
   * @param base64 whether {@code body} is base64
   * @param sourceIp the client's address, or null
   * @param context the invocation context, for the remaining time and the request id (MDC {@code AWSRequestId})
   * @return the status, headers and body to answer
   */
  Reply receive(
      String method,
      String path,
      String pathSource,
      String query,
      WebhookHeaders headers,
      String body,
      boolean base64,
      String sourceIp,
      Context context) {
    if (method == null || method.isBlank()) {
      return reply(ReceiveResult.Rejected.of(RejectReason.MALFORMED, "not an API Gateway request"));
    }
    if (body == null && "POST".equals(method) && !declaresEmptyBody(headers)) {
      return reply(ReceiveResult.Rejected.of(RejectReason.MALFORMED, "body is required"));
    }
    byte[] bytes;
    if (body == null) {
      // A GET (a handshake such as Meta's ?hub.challenge) or a POST that says it is empty (Content-Length: 0, as
      // Microsoft Graph's validation): API Gateway passes no body at all.
      bytes = new byte[0];
    } else if (base64) {
      try {
        bytes = Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        log.debug("Body flagged base64 is not valid base64. path={}", path);
        return reply(ReceiveResult.Rejected.of(RejectReason.MALFORMED, "body is not valid base64"));
      }
    } else {
      // API Gateway passes text bodies as strings; their UTF-8 bytes are the bytes that were sent.
      bytes = body.getBytes(StandardCharsets.UTF_8);
    }
    InboundRequest.Builder request =
        InboundRequest.builder()
            .method(method)
            .path(path == null || path.isBlank() ? "/" : path)
            .headers(headers)
            .body(bytes);
    if (query != null && !query.isEmpty()) {
      request.query(query);
    }
    if (sourceIp != null && !sourceIp.isEmpty()) {
      request.remoteAddress(sourceIp);
    }
    String source = sourceName(pathSource, path);
    try (LogContext logContext = LogContext.open()) {
      if (context != null && context.getAwsRequestId() != null) {
        logContext.put(LogContext.AWS_REQUEST_ID, context.getAwsRequestId());
      }
      ReceiveResult result =
          context == null
              ? receiver.receiveBlocking(source, request.build())
              : receiver.receiveBlocking(source, request.build(), budget(context));
      return reply(result);
    }
  }

  /** The invocation's remaining time less the margin; the receiver caps it by the source's budget. */
  Duration budget(Context context) {
    return Duration.ofMillis(context.getRemainingTimeInMillis()).minus(budgetMargin);
  }

  /**
   * Returns the source: the {@code source} path parameter, else the segment after the last {@code webhooks} segment
   * when it is the path's last one ({@code /prod/webhooks/github} → {@code github}), else empty (answered 404).
   */
  static String sourceName(String pathSource, String path) {
    if (pathSource != null && !pathSource.isBlank()) {
      return pathSource;
    }
    if (path == null) {
      return "";
    }
    String[] segments = path.split("/");
    int last = segments.length - 1;
    while (last >= 0 && segments[last].isEmpty()) {
      last--; // a trailing slash
    }
    if (last >= 1 && WEBHOOKS_SEGMENT.equals(segments[last - 1])) {
      return segments[last];
    }
    return "";
  }

  /** Returns whether the request says its body is empty: {@code Content-Length: 0}. */
  private static boolean declaresEmptyBody(WebhookHeaders headers) {
    return headers.first("Content-Length").map(String::trim).filter("0"::equals).isPresent();
  }

  /** The receiver's status, headers and body, whatever the result: a rejection, an acceptance or a handshake. */
  static Reply reply(ReceiveResult result) {
    return new Reply(result.status(), Map.copyOf(result.headers()), result.body());
  }

  /** Rounds up to whole seconds, at least 1: {@code Retry-After} is delay-seconds (RFC 9110 §10.2.3). */
  static long retryAfterSeconds(Duration d) {
    return ReceiveResult.retryAfterSeconds(d);
  }

  /**
   * What to answer.
   *
   * @param status the HTTP status
   * @param headers the response headers
   * @param body the body: the receiver's JSON, or a handshake's answer
   */
  record Reply(int status, Map<String, String> headers, String body) {}
}
