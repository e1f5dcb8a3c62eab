package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.testkit.SignedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * URL handshakes through both API Gateway functions, on events shaped like API Gateway's and parsed as the Lambda
 * runtime does; the sources come from {@code HOOKLINE_SOURCES} with the catalog's provider names. Answers are the
 * challenges the senders expect; refusals are 401 or 403; nothing reaches the sink.
 */
class HandshakeFunctionsTest {

  private final InMemoryWebhookSink sink = InMemoryWebhookSink.create();
  private final WebhookReceiver receiver =
      WebhookReceiver.builder()
          .sources(
              new LambdaEnvironment(
                      Map.of(
                          "HOOKLINE_SOURCES", "fb:meta, tw:x, dbx:dropbox, graph:microsoft-graph, slack:slack",
                          "HOOKLINE_SECRET_FB", "meta-app-secret:verify-me",
                          "HOOKLINE_SECRET_TW", "x-consumer-secret",
                          "HOOKLINE_SECRET_DBX", "dropbox-app-secret",
                          "HOOKLINE_SECRET_GRAPH", "client-state-42",
                          "HOOKLINE_SECRET_SLACK", "slack-signing-secret"))
                  .sources())
          .sink(sink)
          .build();
  private final HttpApiReceiverFunction httpApi = new HttpApiReceiverFunction(receiver);
  private final RestApiReceiverFunction restApi = new RestApiReceiverFunction(receiver);

  private APIGatewayV2HTTPResponse get(String source, String query) {
    Map<String, String> values = new HashMap<>();
    values.put("SOURCE", source);
    values.put("QUERY", query);
    values.put("USER_AGENT", "Hookline-Test/1.0");
    return httpApi.handleRequest(
        Events.load("apigw-http-v2-get.json", values, APIGatewayV2HTTPEvent.class), TestContext.plenty());
  }

  @Test
  void metaSubscriptionThroughTheRestApiFunction() {
    Map<String, String> values = new HashMap<>();
    values.put("SOURCE", "fb");
    values.put("VERIFY_TOKEN", "verify-me");
    values.put("CHALLENGE", "1158201444");
    APIGatewayProxyRequestEvent event =
        Events.load("apigw-rest-v1-meta-get.json", values, APIGatewayProxyRequestEvent.class);

    APIGatewayProxyResponseEvent response = restApi.handleRequest(event, TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getHeaders())
        .containsEntry("Content-Type", "text/plain; charset=utf-8")
        .containsEntry("X-Content-Type-Options", "nosniff");
    assertThat(response.getBody()).isEqualTo("1158201444");

    values.put("VERIFY_TOKEN", "guess");
    APIGatewayProxyResponseEvent refused =
        restApi.handleRequest(
            Events.load("apigw-rest-v1-meta-get.json", values, APIGatewayProxyRequestEvent.class),
            TestContext.plenty());
    assertThat(refused.getStatusCode()).isEqualTo(403);
    assertThat(refused.getBody()).contains("forbidden").doesNotContain("verify");
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void getHandshakesThroughTheHttpApiFunction() throws Exception {
    APIGatewayV2HTTPResponse meta = get("fb", "hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42");
    assertThat(meta.getStatusCode()).isEqualTo(200);
    assertThat(meta.getBody()).isEqualTo("42");

    APIGatewayV2HTTPResponse crc = get("tw", "crc_token=QcRwBA9cxkb0");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("x-consumer-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected =
        Base64.getEncoder().encodeToString(mac.doFinal("QcRwBA9cxkb0".getBytes(StandardCharsets.UTF_8)));
    assertThat(crc.getStatusCode()).isEqualTo(200);
    assertThat(crc.getHeaders()).containsEntry("Content-Type", "application/json");
    assertThat(crc.getBody()).isEqualTo("{\"response_token\":\"sha256=" + expected + "\"}");

    APIGatewayV2HTTPResponse dropbox = get("dbx", "challenge=5CgjIs4LTp9ivwDxPhe6uCpRiU2U");
    assertThat(dropbox.getStatusCode()).isEqualTo(200);
    assertThat(dropbox.getBody()).isEqualTo("5CgjIs4LTp9ivwDxPhe6uCpRiU2U");

    assertThat(get("fb", "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42").getStatusCode())
        .isEqualTo(403);
    // Slack has no GET handshake: 405, as for every source before.
    assertThat(get("slack", "challenge=1").getStatusCode()).isEqualTo(405);
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void graphValidationIsAnEmptyPostThroughTheHttpApiFunction() {
    Map<String, String> values = new HashMap<>();
    values.put("SOURCE", "graph");
    values.put("TOKEN", "Validation%3A%20Testing%20client%20application%20reachability");

    APIGatewayV2HTTPResponse response =
        httpApi.handleRequest(
            Events.load("apigw-http-v2-graph-validation.json", values, APIGatewayV2HTTPEvent.class),
            TestContext.plenty());

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "text/plain; charset=utf-8");
    assertThat(response.getBody()).isEqualTo("Validation: Testing client application reachability");
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void slackUrlVerificationIsAnsweredOnlyWhenSigned() {
    String body = "{\"token\":\"Jhj5dZrVaK7ZwHHjRyZWjbDl\",\"challenge\":\"3eZbrw1aBm2rZ\",\"type\":\"url_verification\"}";

    APIGatewayV2HTTPResponse answered = slack(SignedRequest.forProvider("slack", "slack-signing-secret").body(body));
    APIGatewayV2HTTPResponse forged =
        slack(SignedRequest.forProvider("slack", "slack-signing-secret").body(body).withWrongSecret());

    assertThat(answered.getStatusCode()).isEqualTo(200);
    assertThat(answered.getBody()).isEqualTo("{\"challenge\":\"3eZbrw1aBm2rZ\"}");
    assertThat(forged.getStatusCode()).isEqualTo(401);
    assertThat(sink.storeCalls()).isZero();
  }

  private APIGatewayV2HTTPResponse slack(SignedRequest.Builder signed) {
    InboundRequest request = signed.build();
    Map<String, String> values = new HashMap<>();
    values.put("SOURCE", "slack");
    values.put("CONTENT_LENGTH", Integer.toString(request.bodyLength()));
    values.put("TIMESTAMP", request.headers().first("X-Slack-Request-Timestamp").orElseThrow());
    values.put("SIGNATURE", request.headers().first("X-Slack-Signature").orElseThrow());
    values.put("BODY", new String(request.body(), StandardCharsets.UTF_8));
    return httpApi.handleRequest(
        Events.load("apigw-http-v2-slack.json", values, APIGatewayV2HTTPEvent.class), TestContext.plenty());
  }
}
