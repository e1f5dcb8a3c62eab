package dev.hookline.sqs.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.core.signature.SignatureVerificationException;
import dev.hookline.core.signature.ShopifyVerifier;
import dev.hookline.core.signature.SignatureVerifier;
import dev.hookline.core.signature.SlackVerifier;
import dev.hookline.core.signature.StandardWebhooksVerifier;
import dev.hookline.core.signature.StripeVerifier;
import dev.hookline.sqs.admin.MappingTemplateRenderer.Request;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.SignedRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Proves the generated request mapping template end to end: render it with Velocity as API Gateway would, read the
 * form the way SQS's Query API does, put the result on a real SQS implementation (ElasticMQ), receive it, and check
 * that the body is byte-exact and the attributes carry the source and headers.
 */
class MappingTemplateIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String ROLE = "arn:aws:iam::123456789012:role/apigateway-sqs-send";

  private static ApiGatewayDirectIntegration integrationFor(String queueUrl) {
    return ApiGatewayDirectIntegration.builder()
        .apiName("webhooks")
        .region(Region.US_EAST_1)
        .queueUrl(queueUrl)
        .roleArn(ROLE)
        .schemes(List.of("standard-webhooks", "github", "stripe"))
        .deliveryIdHeader("webhook-id")
        .build();
  }

  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of(
            "github json with form metacharacters",
            new Request("{\"action\":\"opened\",\"text\":\"a&b=c+d%20e 100% + more?x=1#frag\"}")
                .source("github")
                .header("Content-Type", "application/json")
                .header(
                    "X-Hub-Signature-256",
                    "sha256=6b1d53c8b4f5d7e3a9e0c2f1a4b7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f")
                .header("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")),
        Arguments.of(
            "unicode and emoji",
            new Request("{\"name\":\"Grüße aus Köln — ☃ 🎉 👩‍💻 𝄞\",\"yen\":\"¥\"}")
                .source("standard")
                .header("content-type", "application/json; charset=utf-8")
                .header("webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
                .header("webhook-timestamp", "1764337200")
                .header("webhook-signature", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,other+/=")),
        Arguments.of(
            "newlines, CRLF and tabs",
            new Request("line one\nline two\r\nline\tthree\r\n\r\n")
                .source("plain")
                .header("Content-Type", "text/plain")),
        Arguments.of(
            "slack style form body",
            new Request("token=abc&text=hello+world%21&user=%40me&pct=100%25")
                .source("slack")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(
                    "stripe-signature",
                    "t=1764337200,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")),
        Arguments.of(
            "body that looks like a template",
            new Request("#set($x = 1) $input.body ${n} ## not a comment $util.urlEncode('x') #end")
                .source("odd")
                .header("Content-Type", "text/plain")),
        Arguments.of(
            "quotes and backslashes, no headers at all",
            new Request("{\"q\":\"\\\"quoted\\\" \\\\ back\\/slash\",\"n\":null}").source("bare")),
        Arguments.of(
            "header names in capitals",
            new Request("{\"caps\":true}")
                .source("stripe")
                .header("CONTENT-TYPE", "application/json")
                .header("STRIPE-SIGNATURE", "t=1764337200,v1=abc")
                .header("Webhook-Id", "msg_caps")),
        Arguments.of(
            "query parameters named like headers do not become attributes",
            new Request("{\"q\":1}")
                .source("github")
                .query("webhook-signature", "v1,forged")
                .query("x-hub-signature-256", "sha256=forged")
                .header("X-Hub-Signature-256", "sha256=real")
                .header("Content-Type", "application/json")),
        Arguments.of(
            "source with characters that need encoding",
            new Request("{}").source("team a&b=c").header("Content-Type", "application/json")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void renderedFormCarriesBodyAndAttributesThroughSqs(String name, Request request) {
    String queueUrl = SQS.createQueue("direct");
    ApiGatewayDirectIntegration integration = integrationFor(queueUrl);

    String rendered = MappingTemplateRenderer.render(integration.requestTemplate(), request);
    List<Map.Entry<String, String>> form = MappingTemplateRenderer.parseForm(rendered);

    // The form is exactly Action, MessageBody, then attributes numbered 1..n without gaps.
    assertThat(form.get(0)).isEqualTo(Map.entry("Action", "SendMessage"));
    assertThat(form.get(1)).isEqualTo(Map.entry("MessageBody", request.body));
    Map<String, String> attributes = attributesOf(form.subList(2, form.size()));
    assertThat(attributes).containsEntry("hookline-source", request.path.get("source"));
    assertThat(attributes).containsEntry("hookline-received-at", Long.toString(request.requestTimeEpoch));
    assertThat(attributes).doesNotContainKey("hookline-envelope-version");
    assertThat(attributes).hasSizeLessThanOrEqualTo(10);
    assertThat(attributes.values()).allSatisfy(v -> assertThat(v).isNotEmpty());
    Map<String, String> expected = expectedAttributes(integration, request);
    assertThat(attributes).isEqualTo(expected);

    // Put it on the queue as the integration's SendMessage would, and read it back.
    Map<String, MessageAttributeValue> sqsAttributes = new LinkedHashMap<>();
    attributes.forEach(
        (k, v) -> sqsAttributes.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
    SQS.syncClient()
        .sendMessage(b -> b.queueUrl(queueUrl).messageBody(form.get(1).getValue()).messageAttributes(sqsAttributes));
    Message received = receiveOne(queueUrl);

    assertThat(received.body().getBytes(StandardCharsets.UTF_8))
        .isEqualTo(request.body.getBytes(StandardCharsets.UTF_8));
    assertThat(stringAttributes(received)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void renderedFormIsAValidSqsQueryRequest(String name, Request request) throws Exception {
    // Exactly what API Gateway sends: POST {account}/{queue} with the rendered form and the form content type.
    String queueUrl = SQS.createQueue("direct-raw");
    ApiGatewayDirectIntegration integration = integrationFor(queueUrl);
    String rendered = MappingTemplateRenderer.render(integration.requestTemplate(), request);

    HttpResponse<String> response = postForm(integration, rendered);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Message received = receiveOne(queueUrl);
    assertThat(received.body().getBytes(StandardCharsets.UTF_8))
        .isEqualTo(request.body.getBytes(StandardCharsets.UTF_8));
    assertThat(stringAttributes(received)).isEqualTo(expectedAttributes(integration, request));
  }

  @Test
  void absentAndEmptyHeadersAddNoAttribute() {
    ApiGatewayDirectIntegration integration = integrationFor("https://sqs.us-east-1.amazonaws.com/123456789012/q");
    Request request = new Request("{}").source("github").header("X-Hub-Signature-256", "").header("webhook-id", "");

    List<Map.Entry<String, String>> form =
        MappingTemplateRenderer.parseForm(MappingTemplateRenderer.render(integration.requestTemplate(), request));
    Map<String, String> attributes = attributesOf(form.subList(2, form.size()));

    assertThat(attributes).containsOnlyKeys("hookline-source", "hookline-received-at");
  }

  @Test
  void everyCarriedHeaderPresentStillFitsTenAttributes() throws Exception {
    String queueUrl = SQS.createQueue("direct-full");
    ApiGatewayDirectIntegration integration = integrationFor(queueUrl);
    Request request = new Request("{\"all\":true}").source("full").header("Content-Type", "application/json");
    for (String header : integration.headers()) {
      request.header(header, "value-of-" + header);
    }

    String rendered = MappingTemplateRenderer.render(integration.requestTemplate(), request);
    HttpResponse<String> response = postForm(integration, rendered);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, String> attributes = stringAttributes(receiveOne(queueUrl));
    assertThat(attributes).hasSize(10);
    assertThat(attributes)
        .containsEntry("hookline-delivery-id", "value-of-webhook-id")
        .containsEntry("hookline-h-webhook-id", "value-of-webhook-id")
        .containsEntry("hookline-h-stripe-signature", "value-of-stripe-signature")
        .containsEntry("hookline-content-type", "application/json");
  }

  @Test
  void fifoQueueGroupsBySourceAndDeduplicatesByDeliveryId() throws Exception {
    String queueUrl = SQS.createFifoQueue("direct");
    ApiGatewayDirectIntegration integration = integrationFor(queueUrl);
    assertThat(integration.fifo()).isTrue();
    Request request =
        new Request("{\"id\":1}")
            .source("standard")
            .header("Content-Type", "application/json")
            .header("webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
    String rendered = MappingTemplateRenderer.render(integration.requestTemplate(), request);
    assertThat(MappingTemplateRenderer.parseForm(rendered))
        .contains(Map.entry("MessageGroupId", "standard"))
        .contains(Map.entry("MessageDeduplicationId", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));

    // The sender retries the same delivery: SQS keeps one copy.
    assertThat(postForm(integration, rendered).statusCode()).isEqualTo(200);
    assertThat(postForm(integration, rendered).statusCode()).isEqualTo(200);

    List<Message> messages =
        SQS.syncClient()
            .receiveMessage(
                b ->
                    b.queueUrl(queueUrl)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(1)
                        .messageSystemAttributeNamesWithStrings("MessageGroupId"))
            .messages();
    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).attributesAsStrings()).containsEntry("MessageGroupId", "standard");
  }

  static Stream<Arguments> signedDeliveries() {
    // Bodies chosen to break naive handling: form metacharacters, non-ASCII, CRLF, a trailing newline.
    String body = "{\"zen\":\"Keep it logically awesome & 100% + =\",\"who\":\"Grüße 🎉\"}\r\n\tend\n";
    Instant now = Instant.parse("2026-11-28T14:00:00Z");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    String standardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    return Stream.of(
        Arguments.of(
            "github",
            "github",
            SignedRequest.github("It's a Secret to Everybody").clock(clock).body(body),
            GitHubVerifier.builder().addSecret("It's a Secret to Everybody").build(),
            "x-github-delivery"),
        Arguments.of(
            "standard",
            "standard-webhooks",
            SignedRequest.standardWebhooks(standardSecret).clock(clock).id("msg_p5jXN8AQM9LWM0D4loKWxJek").body(body),
            StandardWebhooksVerifier.builder().addSecret(standardSecret).clock(clock).build(),
            "webhook-id"),
        Arguments.of(
            "stripe",
            "stripe",
            SignedRequest.stripe("whsec_test_secret").clock(clock).body(body),
            StripeVerifier.builder().addSecret("whsec_test_secret").clock(clock).build(),
            "webhook-id"),
        Arguments.of(
            "shopify",
            "shopify",
            SignedRequest.shopify("shpss_test_secret").clock(clock).body(body),
            ShopifyVerifier.builder().addSecret("shpss_test_secret").build(),
            "x-shopify-webhook-id"),
        Arguments.of(
            "slack",
            "slack",
            SignedRequest.slack("8f742231b10e8888abcd99yyyzzz85a5").clock(clock).body(body),
            SlackVerifier.builder().addSecret("8f742231b10e8888abcd99yyyzzz85a5").clock(clock).build(),
            "webhook-id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signedDeliveries")
  void decodedWebhookIsByteExactAndItsSignatureVerifies(
      String source, String scheme, SignedRequest.Builder signed, SignatureVerifier verifier, String deliveryIdHeader)
      throws Exception {
    String queueUrl = SQS.createQueue("direct-signed");
    ApiGatewayDirectIntegration integration =
        ApiGatewayDirectIntegration.builder()
            .apiName("webhooks")
            .region(Region.US_EAST_1)
            .queueUrl(queueUrl)
            .roleArn(ROLE)
            .addScheme(scheme)
            .deliveryIdHeader(deliveryIdHeader)
            .build();
    byte[] sentBody = signed.body();
    WebhookHeaders sentHeaders = signed.headers();
    // API Gateway hands the template the body as text; these bodies are UTF-8, as JSON webhooks are.
    Request request = new Request(new String(sentBody, StandardCharsets.UTF_8)).source(source);
    sentHeaders.asMap().forEach((name, values) -> request.header(name, values.get(0)));

    String rendered = MappingTemplateRenderer.render(integration.requestTemplate(), request);
    assertThat(postForm(integration, rendered).statusCode()).isEqualTo(200);
    Message received = receiveOne(queueUrl);
    Webhook webhook = EnvelopeCodec.defaults().decode(received.body(), stringAttributes(received));

    assertThat(webhook.body()).isEqualTo(sentBody);
    assertThat(webhook.source()).isEqualTo(source);
    assertThat(webhook.receivedAt()).isEqualTo(Instant.ofEpochMilli(request.requestTimeEpoch));
    assertThat(webhook.contentType()).contains("application/json");
    assertThat(webhook.verification()).isEqualTo(Verification.DEFERRED);
    sentHeaders.first(deliveryIdHeader).ifPresent(id -> assertThat(webhook.deliveryId()).isEqualTo(id));
    verifier.verify(webhook.headers(), webhook.body()); // throws if the signature does not match
    // And the check is real: one changed byte fails it.
    byte[] tampered = webhook.body().clone();
    tampered[0] ^= 1;
    assertThatThrownBy(() -> verifier.verify(webhook.headers(), tampered))
        .isInstanceOf(SignatureVerificationException.class);
  }

  private static HttpResponse<String> postForm(ApiGatewayDirectIntegration integration, String form) {
    return DirectIntegrationSender.postForm(SQS.server().endpoint(), integration, form);
  }

  /** What the contract says must arrive: source, received-at, and each present, non-empty header. */
  private static Map<String, String> expectedAttributes(ApiGatewayDirectIntegration integration, Request request) {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("hookline-source", request.path.get("source"));
    expected.put("hookline-received-at", Long.toString(request.requestTimeEpoch));
    putIfPresent(expected, "hookline-content-type", request.headerIgnoreCase("content-type"));
    integration
        .deliveryIdHeader()
        .ifPresent(h -> putIfPresent(expected, "hookline-delivery-id", request.headerIgnoreCase(h)));
    for (String header : integration.headers()) {
      putIfPresent(expected, "hookline-h-" + header, request.headerIgnoreCase(header));
    }
    return expected;
  }

  private static void putIfPresent(Map<String, String> map, String key, String value) {
    if (value != null && !value.isEmpty()) {
      map.put(key, value);
    }
  }

  /** Reads MessageAttribute.N.* pairs, checking that N runs 1..n and each entry is a complete String attribute. */
  private static Map<String, String> attributesOf(List<Map.Entry<String, String>> pairs) {
    assertThat(pairs.size() % 3).as("three pairs per attribute: %s", pairs).isZero();
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i < pairs.size(); i += 3) {
      int n = i / 3 + 1;
      String prefix = "MessageAttribute." + n + ".";
      assertThat(pairs.get(i).getKey()).isEqualTo(prefix + "Name");
      assertThat(pairs.get(i + 1)).isEqualTo(Map.entry(prefix + "Value.DataType", "String"));
      assertThat(pairs.get(i + 2).getKey()).isEqualTo(prefix + "Value.StringValue");
      assertThat(attributes.put(pairs.get(i).getValue(), pairs.get(i + 2).getValue())).isNull();
    }
    return attributes;
  }

  private static Message receiveOne(String queueUrl) {
    List<Message> messages =
        SQS.syncClient()
            .receiveMessage(
                b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(5).messageAttributeNames("All"))
            .messages();
    assertThat(messages).hasSize(1);
    return messages.get(0);
  }

  private static Map<String, String> stringAttributes(Message message) {
    Map<String, String> out = new LinkedHashMap<>();
    message
        .messageAttributes()
        .forEach(
            (n, v) -> {
              assertThat(v.dataType()).isEqualTo("String");
              out.put(n, v.stringValue());
            });
    return out;
  }
}
