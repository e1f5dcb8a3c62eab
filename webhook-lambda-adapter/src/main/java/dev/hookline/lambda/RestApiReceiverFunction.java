package dev.hookline.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.sqs.SqsClients;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The receiver as a Lambda function behind an API Gateway REST API with Lambda proxy integration (payload format
 * 1.0): verifies each webhook and enqueues it, answering 2xx only once SQS has it.
 *
 * <p>It behaves as {@link HttpApiReceiverFunction} does and reads the same environment variables (see there); only
 * the event differs. Headers come from {@code multiValueHeaders}, so a repeated header keeps each value (a repeated
 * signature header fails verification), falling back to {@code headers}. The query string is rebuilt, percent-encoded,
 * from {@code multiValueQueryStringParameters}. The source is the {@code source} path parameter (resource
 * {@code /webhooks/{source}}), else the segment after {@code webhooks} in the path.
 *
 * <p>Thread-safety: immutable; Lambda calls it one invocation at a time, but it is safe to share.
 */
public class RestApiReceiverFunction
    implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

  private final ApiGatewayBridge bridge;

  /**
   * Creates the function from environment variables (see {@link HttpApiReceiverFunction}).
   *
   * @throws IllegalStateException naming the first missing or invalid variable
   */
  public RestApiReceiverFunction() {
    this(LambdaEnvironment.system(), SqsClients::create);
  }

  /**
   * Creates the function over your receiver with the default 500 ms budget margin.
   *
   * @param receiver the receiver; it and its sink belong to you
   */
  public RestApiReceiverFunction(WebhookReceiver receiver) {
    this(receiver, ApiGatewayBridge.DEFAULT_BUDGET_MARGIN);
  }

  /**
   * Creates the function over your receiver.
   *
   * @param receiver the receiver; it and its sink belong to you
   * @param budgetMargin time kept back from the invocation's remaining time for answering; more than 250 ms
   * @throws IllegalArgumentException when the margin is 250 ms or less
   */
  public RestApiReceiverFunction(WebhookReceiver receiver, Duration budgetMargin) {
    this.bridge = new ApiGatewayBridge(receiver, budgetMargin);
  }

  RestApiReceiverFunction(LambdaEnvironment env, Supplier<SqsAsyncClient> clients) {
    this(LambdaWiring.receiver(env, clients), LambdaWiring.budgetMargin(env));
  }

  /**
   * Receives one webhook.
   *
   * @param event the REST API proxy event
   * @param context the invocation context, for the remaining time
   * @return the response; never null
   */
  @Override
  public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
    Map<String, String> pathParameters = event.getPathParameters();
    APIGatewayProxyRequestEvent.ProxyRequestContext requestContext = event.getRequestContext();
    String sourceIp =
        requestContext == null || requestContext.getIdentity() == null
            ? null
            : requestContext.getIdentity().getSourceIp();
    ApiGatewayBridge.Reply reply =
        bridge.receive(
            event.getHttpMethod(),
            event.getPath(),
            pathParameters == null ? null : pathParameters.get("source"),
            query(event.getMultiValueQueryStringParameters(), event.getQueryStringParameters()),
            headers(event.getMultiValueHeaders(), event.getHeaders()),
            event.getBody(),
            Boolean.TRUE.equals(event.getIsBase64Encoded()),
            sourceIp,
            context);
    return new APIGatewayProxyResponseEvent()
        .withStatusCode(reply.status())
        .withHeaders(reply.headers())
        .withBody(reply.body())
        .withIsBase64Encoded(false);
  }

  /** {@return the receiver this function calls} */
  public WebhookReceiver receiver() {
    return bridge.receiver();
  }

  /** {@return the time kept back from each invocation's remaining time} */
  public Duration budgetMargin() {
    return bridge.budgetMargin();
  }

  private static WebhookHeaders headers(Map<String, List<String>> multi, Map<String, String> single) {
    WebhookHeaders.Builder builder = WebhookHeaders.builder();
    if (multi != null && !multi.isEmpty()) {
      multi.forEach(
          (name, values) -> {
            if (name != null && values != null) {
              values.stream().filter(v -> v != null).forEach(v -> builder.add(name, v));
            }
          });
    } else if (single != null) {
      single.forEach(
          (name, value) -> {
            if (name != null && value != null) {
              builder.add(name, value);
            }
          });
    }
    return builder.build();
  }

  private static String query(Map<String, List<String>> multi, Map<String, String> single) {
    StringBuilder sb = new StringBuilder();
    if (multi != null && !multi.isEmpty()) {
      multi.forEach(
          (name, values) -> {
            if (name != null && values != null) {
              values.forEach(v -> appendParameter(sb, name, v));
            }
          });
    } else if (single != null) {
      single.forEach((name, value) -> appendParameter(sb, name, value));
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  private static void appendParameter(StringBuilder sb, String name, String value) {
    if (name == null) {
      return;
    }
    if (sb.length() > 0) {
      sb.append('&');
    }
    sb.append(URLEncoder.encode(name, StandardCharsets.UTF_8));
    if (value != null) {
      sb.append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }
}
