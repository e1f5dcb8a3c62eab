package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.SinkOverCapacityException;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.signature.StripeVerifier;
import dev.hookline.testkit.SignedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The REST API proxy (payload 1.0) function with events shaped like API Gateway's published samples. */
class RestApiReceiverFunctionTest {

  private static final String SECRET = "whsec_test_lambda_adapter";
  private static final String BODY =
      "{\n  \"id\": \"evt_1NG8Du2eZvKYlo2CUI79vXWy\",\n  \"object\": \"event\",\n  \"type\": \"invoice.paid\",\n"
          + "  \"data\": {\"object\": {\"description\": \"K\u00f8benhavn \u2014 caf\u00e9\"}}\n}";

  private final InMemoryWebhookSink sink = InMemoryWebhookSink.create();
  private final RestApiReceiverFunction function =
      new RestApiReceiverFunction(
          WebhookReceiver.builder()
              .addSource(
                  WebhookSource.builder()
                      .name("stripe")
                      .verifier(StripeVerifier.builder().addSecret(SECRET).build())
                      .build())
              .sink(sink)
              .build());

  private static Map<String, String> signed(String body) {
    InboundRequest request = SignedRequest.stripe(SECRET).body(body).build();
    Map<String, String> values = new HashMap<>();
    values.put("PATH", "/webhooks/stripe");
    values.put("SOURCE", "stripe");
    values.put("SIGNATURE", request.headers().first("Stripe-Signature").orElseThrow());
    values.put("BODY", body);
    return values;
  }

  private static APIGatewayProxyRequestEvent event(Map<String, String> values) {
    return Events.load("apigw-rest-v1-stripe.json", values, APIGatewayProxyRequestEvent.class);
  }

  @Test
  void acceptsSignedTextBodyWithMultiValueHeaders() {
    APIGatewayProxyResponseEvent response = function.handleRequest(event(signed(BODY)), TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(202);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
    assertThat(response.getBody()).startsWith("{\"status\":\"accepted\"");
    Webhook webhook = sink.webhooks().get(0);
    assertThat(webhook.body()).isEqualTo(BODY.getBytes(StandardCharsets.UTF_8));
    assertThat(webhook.source()).isEqualTo("stripe");
    assertThat(webhook.headers().all("x-forwarded-for")).containsExactly("3.18.12.63", "10.1.2.3");
    assertThat(webhook.contentType()).contains("application/json; charset=utf-8");
  }

  @Test
  void repeatedSignatureHeaderIs401() {
    Map<String, String> values = signed(BODY);
    APIGatewayProxyRequestEvent event = event(values);
    Map<String, List<String>> headers = new HashMap<>(event.getMultiValueHeaders());
    headers.put("Stripe-Signature", List.of(values.get("SIGNATURE"), values.get("SIGNATURE")));
    event.setMultiValueHeaders(headers);

    assertThat(function.handleRequest(event, TestContext.plenty()).getStatusCode()).isEqualTo(401);
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void base64BodyIsDecoded() {
    APIGatewayProxyRequestEvent event = event(signed(BODY));
    event.setBody(Base64.getEncoder().encodeToString(BODY.getBytes(StandardCharsets.UTF_8)));
    event.setIsBase64Encoded(true);

    assertThat(function.handleRequest(event, TestContext.plenty()).getStatusCode()).isEqualTo(202);
    assertThat(sink.webhooks().get(0).body()).isEqualTo(BODY.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void malformedBase64Is400() {
    APIGatewayProxyRequestEvent event = event(signed(BODY));
    event.setBody("%%%");
    event.setIsBase64Encoded(true);

    APIGatewayProxyResponseEvent response = function.handleRequest(event, TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(response.getBody()).contains("malformed_request");
  }

  @Test
  void missingBodyIs400() {
    Map<String, String> values = signed(BODY);
    values.put("BODY", null);

    APIGatewayProxyResponseEvent response = function.handleRequest(event(values), TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(response.getBody()).contains("body is required");
  }

  @Test
  void unknownSourceIs404() {
    Map<String, String> values = signed(BODY);
    values.put("PATH", "/webhooks/paypal");
    values.put("SOURCE", "paypal");

    assertThat(function.handleRequest(event(values), TestContext.plenty()).getStatusCode()).isEqualTo(404);
  }

  @Test
  void getIs405() {
    APIGatewayProxyRequestEvent event = event(signed(BODY));
    event.setHttpMethod("GET");

    assertThat(function.handleRequest(event, TestContext.plenty()).getStatusCode()).isEqualTo(405);
  }

  @Test
  void anyMethodButPostIs405BeforeTheBodyIsLookedAt() {
    for (String method : new String[] {"GET", "post", "PUT"}) {
      APIGatewayProxyRequestEvent event = event(signed(BODY));
      event.setHttpMethod(method);
      event.setBody(null);
      assertThat(function.handleRequest(event, TestContext.plenty()).getStatusCode()).as(method).isEqualTo(405);
    }
  }

  @Test
  void overCapacityIs429WithRetryAfter() {
    sink.failNext(1, new SinkOverCapacityException("full"));

    APIGatewayProxyResponseEvent response = function.handleRequest(event(signed(BODY)), TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(429);
    assertThat(response.getHeaders()).containsEntry("Retry-After", "5");
  }
}
