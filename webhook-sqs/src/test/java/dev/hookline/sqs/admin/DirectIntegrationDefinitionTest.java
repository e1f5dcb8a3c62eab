package dev.hookline.sqs.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The rendered definition: mapping template, OpenAPI document and the hash deployments carry. */
class DirectIntegrationDefinitionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROLE = "arn:aws:iam::123456789012:role/apigateway-sqs-send";

  private static ApiGatewayDirectIntegration.Builder valid() {
    return ApiGatewayDirectIntegrationTest.valid();
  }

  private static String hash(ApiGatewayDirectIntegration integration) {
    return new DirectIntegrationDefinition(integration).configurationHash();
  }

  @Test
  void templateIsAFormEncodedSendMessageWithoutEnvelopeVersion() {
    String template = valid().deliveryIdHeader("webhook-id").build().requestTemplate();

    assertThat(template)
        .contains("Action=SendMessage")
        .contains("&MessageBody=$util.urlEncode($input.body)")
        .contains("$context.requestTimeEpoch")
        .contains("$input.params('source')")
        .contains("hookline-delivery-id")
        .doesNotContain("hookline-envelope-version")
        .doesNotContain("MessageGroupId");
    // Every line ends in a comment, so no template newline reaches the form.
    assertThat(template.lines()).allMatch(l -> l.endsWith("##") || l.startsWith("##"));
  }

  @Test
  void fifoTemplateSetsGroupAndDeduplicationIds() {
    String template =
        valid()
            .queueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks.fifo")
            .deliveryIdHeader("webhook-id")
            .build()
            .requestTemplate();

    assertThat(template).contains("&MessageGroupId=").contains("&MessageDeduplicationId=");
  }

  @Test
  void openApiDocumentCarriesTheSameIntegration() throws Exception {
    ApiGatewayDirectIntegration i = valid().deliveryIdHeader("webhook-id").build();

    JsonNode doc = JSON.readTree(i.openApiDocument());

    assertThat(doc.get("openapi").asText()).startsWith("3.");
    assertThat(doc.at("/info/title").asText()).isEqualTo("webhooks");
    JsonNode post = doc.at("/paths/~1webhooks~1{source}/post");
    assertThat(post.isMissingNode()).isFalse();
    assertThat(post.get("parameters").get(0).get("name").asText()).isEqualTo("source");
    assertThat(post.get("parameters").get(0).get("in").asText()).isEqualTo("path");
    assertThat(post.get("parameters").get(0).get("required").asBoolean()).isTrue();
    // source + the six default headers; webhook-id, also the delivery-id header, is listed once.
    assertThat(post.get("parameters")).hasSize(7);
    assertThat(post.get("responses").has("200")).isTrue();
    assertThat(post.get("responses").has("500")).isTrue();
    assertThat(post.get("responses").has("503")).isTrue();

    JsonNode x = post.get("x-amazon-apigateway-integration");
    assertThat(x.get("type").asText()).isEqualTo("aws");
    assertThat(x.get("httpMethod").asText()).isEqualTo("POST");
    assertThat(x.get("uri").asText()).isEqualTo(i.integrationUri());
    assertThat(x.get("credentials").asText()).isEqualTo(ROLE);
    assertThat(x.get("passthroughBehavior").asText()).isEqualTo("never");
    assertThat(x.at("/requestParameters/integration.request.header.Content-Type").asText())
        .isEqualTo("'application/x-www-form-urlencoded'");
    for (String contentType : ApiGatewayDirectIntegration.DEFAULT_CONTENT_TYPES) {
      assertThat(x.get("requestTemplates").get(contentType).asText()).isEqualTo(i.requestTemplate());
    }
    assertThat(x.at("/responses/default/statusCode").asText()).isEqualTo("200");
    assertThat(x.get("responses").get("4\\d{2}").get("statusCode").asText()).isEqualTo("500");
    assertThat(x.get("responses").get("5\\d{2}").get("statusCode").asText()).isEqualTo("503");
    assertThat(doc.at("/components/schemas/Empty/type").asText()).isEqualTo("object");
  }

  @Test
  void configurationHashFollowsTheDefinition() {
    ApiGatewayDirectIntegration a = valid().build();

    assertThat(hash(a)).hasSize(16).isEqualTo(hash(valid().build()));
    assertThat(hash(a.toBuilder().roleArn("arn:aws:iam::123456789012:role/other").build()))
        .isNotEqualTo(hash(a));
  }
}
