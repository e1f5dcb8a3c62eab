package dev.hookline.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.sqs.SqsClients;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The receiver as a Lambda function behind an API Gateway HTTP API (payload format 2.0): verifies each webhook and
 * enqueues it, answering 2xx only once SQS has it.
 *
 * <p>Translation only: the method, raw path, raw query string, headers and body become an
 * {@link dev.hookline.core.InboundRequest} for {@link WebhookReceiver}, and its result becomes the response (status,
 * {@code Content-Type: application/json}, {@code Retry-After} on 429 and 503, a small JSON body).
 *
 * <ul>
 *   <li>A base64 body ({@code isBase64Encoded}) is decoded, so the verifier sees the bytes that were sent; a body
 *       that is not valid base64 is 400, and so is a missing body.
 *   <li>Payload 2.0 lower-cases header names (lookups ignore case anyway) and joins repeated headers with commas;
 *       such a value is kept as one value, as API Gateway gives it. A repeated signature header therefore fails
 *       verification (401), as it does behind a REST API.
 *   <li>The source is the {@code source} path parameter (route {@code POST /webhooks/{source}}), else the path
 *       segment after {@code webhooks} ({@code /prod/webhooks/github} → {@code github}); none is 404.
 *   <li>The enqueue budget is the invocation's remaining time less a margin (default 500 ms), capped by the
 *       source's own budget, so the function answers 503 before Lambda would time it out.
 * </ul>
 *
 * <p><b>Configuration from the environment</b> (the no-argument constructor, which the Lambda runtime calls once
 * per execution environment, in the INIT phase; a missing or invalid variable fails INIT with a message naming it):
 *
 * <ul>
 *   <li>{@code HOOKLINE_QUEUE_URL} — required: the queue webhooks go to.
 *   <li>{@code HOOKLINE_SOURCES} — required: {@code name:scheme} pairs, for example
 *       {@code github:github,stripe:stripe}. Schemes: {@code github}, {@code stripe}, {@code shopify}, {@code slack},
 *       {@code standard-webhooks}.
 *   <li>{@code HOOKLINE_SECRET_<NAME>} — each source's secret; the name upper-cased with other characters than
 *       letters and digits as {@code _} ({@code my-shop} → {@code HOOKLINE_SECRET_MY_SHOP}). In production, resolve
 *       it from Secrets Manager or SSM Parameter Store at deployment (or with the Parameters and Secrets Lambda
 *       extension) rather than storing it in plain text.
 *   <li>{@code HOOKLINE_MAX_BODY_BYTES} — optional largest body for every source (default 256 KiB).
 *   <li>{@code HOOKLINE_ENQUEUE_BUDGET_MILLIS} — optional per-source enqueue budget (default 5000).
 *   <li>{@code HOOKLINE_BUDGET_MARGIN_MILLIS} — optional time kept back from the invocation (default 500, more than
 *       250).
 * </ul>
 *
 * <p>For any other wiring (your own sources, listener or sink), subclass and pass a receiver:
 *
 * <pre>{@code
 * public final class WebhooksFunction extends HttpApiReceiverFunction {
 *   public WebhooksFunction() {
 *     super(WebhookReceiver.builder().addSource(github).sink(enqueuer).build());
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable; Lambda calls it one invocation at a time, but it is safe to share.
 */
public class HttpApiReceiverFunction implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  private final ApiGatewayBridge bridge;

  /**
   * Creates the function from environment variables (see the class description): a receiver with the configured
   * sources and an SQS enqueuer on a client from {@link dev.hookline.sqs.SqsClients#create()} (region and
   * credentials from the Lambda environment, AWS CRT when it is on the classpath).
   *
   * @throws IllegalStateException naming the first missing or invalid variable
   */
  public HttpApiReceiverFunction() {
    this(LambdaEnvironment.system(), SqsClients::create);
  }

  /**
   * Creates the function over your receiver with the default 500 ms budget margin.
   *
   * @param receiver the receiver; it and its sink belong to you
   */
  public HttpApiReceiverFunction(WebhookReceiver receiver) {
    this(receiver, ApiGatewayBridge.DEFAULT_BUDGET_MARGIN);
  }

  /**
   * Creates the function over your receiver.
   *
   * @param receiver the receiver; it and its sink belong to you
   * @param budgetMargin time kept back from the invocation's remaining time for answering; more than 250 ms (the
   *     receiver's own wait past the budget). Raise it for cold paths or a slow network.
   * @throws IllegalArgumentException when the margin is 250 ms or less
   */
  public HttpApiReceiverFunction(WebhookReceiver receiver, Duration budgetMargin) {
    this.bridge = new ApiGatewayBridge(receiver, budgetMargin);
  }

  HttpApiReceiverFunction(LambdaEnvironment env, Supplier<SqsAsyncClient> clients) {
    this(LambdaWiring.receiver(env, clients), LambdaWiring.budgetMargin(env));
  }

  /**
   * Receives one webhook.
   *
   * @param event the HTTP API event
   * @param context the invocation context, for the remaining time
   * @return the response; never null
   */
  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    APIGatewayV2HTTPEvent.RequestContext.Http http =
        event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
    Map<String, String> pathParameters = event.getPathParameters();
    ApiGatewayBridge.Reply reply =
        bridge.receive(
            http == null ? null : http.getMethod(),
            event.getRawPath(),
            pathParameters == null ? null : pathParameters.get("source"),
            event.getRawQueryString(),
            headers(event.getHeaders()),
            event.getBody(),
            event.getIsBase64Encoded(),
            http == null ? null : http.getSourceIp(),
            context);
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(reply.status())
        .withHeaders(reply.headers())
        .withBody(reply.body())
        .withIsBase64Encoded(false)
        .build();
  }

  /** {@return the receiver this function calls} */
  public WebhookReceiver receiver() {
    return bridge.receiver();
  }

  /** {@return the time kept back from each invocation's remaining time} */
  public Duration budgetMargin() {
    return bridge.budgetMargin();
  }

  private static WebhookHeaders headers(Map<String, String> headers) {
    WebhookHeaders.Builder builder = WebhookHeaders.builder();
    if (headers != null) {
      headers.forEach(
          (name, value) -> {
            if (name != null && value != null) {
              builder.add(name, value);
            }
          });
    }
    return builder.build();
  }
}
