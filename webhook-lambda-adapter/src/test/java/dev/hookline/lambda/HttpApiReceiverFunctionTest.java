package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSink;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.testkit.SignedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The HTTP API (payload 2.0) function with events shaped like API Gateway's published samples. */
class HttpApiReceiverFunctionTest {

  // GitHub's documented example secret (docs: "Validating webhook deliveries").
  private static final String SECRET = "It's a Secret to Everybody";

  // Bytes that must reach the verifier unchanged: CRLF, a tab, non-ASCII and a byte that is not UTF-8.
  private static final byte[] BODY = concat("{\"zen\":\"Design for failure.\",\r\n\t\"caf\u00e9\":true}", (byte) 0xff);

  private final InMemoryWebhookSink sink = InMemoryWebhookSink.create();
  private final HttpApiReceiverFunction function = new HttpApiReceiverFunction(receiver(sink));

  static WebhookReceiver receiver(WebhookSink sink) {
    return WebhookReceiver.builder()
        .addSource(
            WebhookSource.builder().name("github").verifier(GitHubVerifier.builder().addSecret(SECRET).build()).build())
        .sink(sink)
        .build();
  }

  /** The template filled with a correctly signed GitHub delivery of {@link #BODY}. */
  static Map<String, String> signed(byte[] body) {
    InboundRequest request = SignedRequest.github(SECRET).id("72d3162e-cc78-11e3-81ab-4c9367dc0958").body(body).build();
    Map<String, String> values = new HashMap<>();
    values.put("RAW_PATH", "/webhooks/github");
    values.put("SOURCE", "github");
    values.put("CONTENT_LENGTH", Integer.toString(body.length));
    values.put("DELIVERY_ID", request.headers().first("X-GitHub-Delivery").orElseThrow());
    values.put("SIGNATURE", request.headers().first("X-Hub-Signature-256").orElseThrow());
    values.put("BODY", Base64.getEncoder().encodeToString(body));
    return values;
  }

  private static APIGatewayV2HTTPEvent event(Map<String, String> values) {
    return Events.load("apigw-http-v2-github.json", values, APIGatewayV2HTTPEvent.class);
  }

  @Test
  void acceptsSignedBase64BodyByteExactly() {
    APIGatewayV2HTTPResponse response = function.handleRequest(event(signed(BODY)), TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(202);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
    assertThat(response.getHeaders()).doesNotContainKey("Retry-After");
    assertThat(response.getBody()).contains("\"deliveryId\":\"72d3162e-cc78-11e3-81ab-4c9367dc0958\"");
    assertThat(response.getIsBase64Encoded()).isFalse();

    assertThat(sink.webhooks()).hasSize(1);
    Webhook webhook = sink.webhooks().get(0);
    assertThat(webhook.body()).isEqualTo(BODY);
    assertThat(webhook.source()).isEqualTo("github");
    assertThat(webhook.verification()).isEqualTo(Verification.VERIFIED);
    assertThat(webhook.deliveryId()).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    // Payload 2.0 lower-cases names (lookups ignore case) and joins repeated headers: kept as API Gateway gave it.
    assertThat(webhook.headers().all("X-Forwarded-For")).containsExactly("192.30.252.44,10.1.2.3");
    assertThat(webhook.headers().first("X-GitHub-Event")).contains("push");
  }

  @Test
  void takesSourceFromRawPathWithoutPathParameter() {
    Map<String, String> values = signed(BODY);
    values.put("SOURCE", null);
    values.put("RAW_PATH", "/prod/webhooks/github/");

    APIGatewayV2HTTPResponse response = function.handleRequest(event(values), TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(202);
    assertThat(sink.webhooks()).hasSize(1);
  }

  @Test
  void unknownSourceIs404() {
    Map<String, String> values = signed(BODY);
    values.put("SOURCE", "gitlab");
    values.put("RAW_PATH", "/webhooks/gitlab");

    APIGatewayV2HTTPResponse response = function.handleRequest(event(values), TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(response.getBody()).contains("unknown_source");
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void pathWithoutSourceIs404() {
    Map<String, String> values = signed(BODY);
    values.put("SOURCE", null);
    values.put("RAW_PATH", "/hooks");

    assertThat(function.handleRequest(event(values), TestContext.plenty()).getStatusCode()).isEqualTo(404);
  }

  @Test
  void malformedBase64Is400() {
    Map<String, String> values = signed(BODY);
    values.put("BODY", "eyJ6ZW4iOi*not-base64*");

    APIGatewayV2HTTPResponse response = function.handleRequest(event(values), TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
    assertThat(response.getBody()).contains("malformed_request").contains("base64");
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void missingBodyIs400() {
    Map<String, String> values = signed(BODY);
    values.put("BODY", null);

    APIGatewayV2HTTPResponse response = function.handleRequest(event(values), TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(response.getBody()).contains("body is required");
  }

  @Test
  void repeatedSignatureHeaderJoinedByApiGatewayIs401() {
    Map<String, String> values = signed(BODY);
    String signature = values.get("SIGNATURE");
    values.put("SIGNATURE", signature + "," + signature);

    APIGatewayV2HTTPResponse response = function.handleRequest(event(values), TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(401);
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void bodyChangedInTransitIs401() {
    Map<String, String> values = signed(BODY);
    values.put("BODY", Base64.getEncoder().encodeToString("{\"zen\":\"Design for failure.\"}".getBytes(StandardCharsets.UTF_8)));

    assertThat(function.handleRequest(event(values), TestContext.plenty()).getStatusCode()).isEqualTo(401);
  }

  @Test
  void sinkFailureIs503WithRetryAfter() {
    sink.failNext(1, new IllegalStateException("queue down"));

    APIGatewayV2HTTPResponse response = function.handleRequest(event(signed(BODY)), TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(503);
    assertThat(response.getHeaders())
        .containsEntry("Retry-After", Long.toString(WebhookReceiver.DEFAULT_UNAVAILABLE_RETRY_AFTER.getSeconds()))
        .containsEntry("Content-Type", "application/json");
    assertThat(response.getBody()).contains("sink_unavailable");
  }

  @Test
  void budgetIsRemainingTimeLessMarginCappedBySourceBudget() {
    AtomicReference<Duration> budget = new AtomicReference<>();
    WebhookSink capturing =
        (webhook, b) -> {
          budget.set(b);
          return CompletableFuture.completedFuture(null);
        };
    HttpApiReceiverFunction fn = new HttpApiReceiverFunction(receiver(capturing), Duration.ofMillis(700));

    assertThat(fn.handleRequest(event(signed(BODY)), new TestContext(3_000)).getStatusCode()).isEqualTo(202);
    assertThat(budget.get()).isEqualTo(Duration.ofMillis(2_300));

    assertThat(fn.handleRequest(event(signed(BODY)), new TestContext(60_000)).getStatusCode()).isEqualTo(202);
    assertThat(budget.get()).isEqualTo(WebhookSource.DEFAULT_ENQUEUE_BUDGET);
  }

  @Test
  void noTimeLeftIs503WithoutCallingTheSink() {
    APIGatewayV2HTTPResponse response = function.handleRequest(event(signed(BODY)), new TestContext(400));

    assertThat(response.getStatusCode()).isEqualTo(503);
    assertThat(response.getHeaders()).containsKey("Retry-After");
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void budgetMarginMustExceedTheReceiversOwnMargin() {
    assertThatThrownBy(() -> new HttpApiReceiverFunction(receiver(sink), Duration.ofMillis(250)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("budgetMargin");
    assertThat(function.budgetMargin()).isEqualTo(Duration.ofMillis(500));
  }

  private static byte[] concat(String text, byte last) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] all = java.util.Arrays.copyOf(utf8, utf8.length + 1);
    all[utf8.length] = last;
    return all;
  }
}
