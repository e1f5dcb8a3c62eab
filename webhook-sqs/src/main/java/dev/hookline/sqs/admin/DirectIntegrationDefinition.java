package dev.hookline.sqs.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.envelope.EnvelopeCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What API Gateway is told for an {@link ApiGatewayDirectIntegration}: the request mapping template, the {@code POST}
 * method's request parameters and responses, and all of it as one OpenAPI document. It only renders text from the
 * integration and calls nothing; {@link DirectIntegrationProvisioner} writes the same definition with the SDK and
 * compares an existing method with it.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
final class DirectIntegrationDefinition {

  static final String HTTP_METHOD = "POST";
  static final String PASSTHROUGH_NEVER = "NEVER";
  static final String RESPONSE_CONTENT_TYPE = "application/json";

  /** The integration request's parameters: SQS's Query API reads a form, whatever the webhook's content type. */
  static final Map<String, String> INTEGRATION_REQUEST_PARAMETERS =
      Map.of("integration.request.header.Content-Type", "'application/x-www-form-urlencoded'");

  /** The responses by status code: default 200, an SQS 4xx to 500, an SQS 5xx to 503 (why: see the integration). */
  static final List<ResponseSpec> RESPONSES =
      List.of(
          new ResponseSpec(
              "200",
              null,
              "Accepted: SQS stored the message.",
              "{\"accepted\":true,\"requestId\":\"$context.requestId\"}"),
          new ResponseSpec(
              "500",
              "4\\d{2}",
              "SQS refused the message (check the role, the queue and the API's execution logs).",
              "{\"accepted\":false,\"message\":\"The queue refused the message.\","
                  + "\"requestId\":\"$context.requestId\"}"),
          new ResponseSpec(
              "503",
              "5\\d{2}",
              "SQS is unavailable; retry later.",
              "{\"accepted\":false,\"message\":\"The queue is unavailable; retry later.\","
                  + "\"requestId\":\"$context.requestId\"}"));

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ApiGatewayDirectIntegration integration;

  DirectIntegrationDefinition(ApiGatewayDirectIntegration integration) {
    this.integration = Objects.requireNonNull(integration, "integration");
  }

  /**
   * One method response and its integration response.
   *
   * @param statusCode the status the sender gets
   * @param selectionPattern the SQS status codes that select it; null for the default response
   * @param description the OpenAPI description
   * @param template the response mapping template (JSON)
   */
  record ResponseSpec(String statusCode, String selectionPattern, String description, String template) {}

  /**
   * Returns the request mapping template: a Velocity template that turns the method request into a form-encoded SQS
   * {@code SendMessage} call ({@code Action=SendMessage&MessageBody=...&MessageAttribute.N.Name=...}). Every line ends
   * in a {@code ##} comment, so the output carries no line breaks of the template's own whatever the Velocity
   * whitespace settings; attributes are numbered without gaps because optional ones are counted as they are added.
   */
  String requestTemplate() {
    StringBuilder t = new StringBuilder(1024);
    t.append("## Hookline: API Gateway -> SQS SendMessage (form-encoded). Generated; edit the builder, not this.\n");
    t.append("#set($n = 0)##\n");
    t.append("Action=SendMessage##\n");
    t.append("&MessageBody=$util.urlEncode($input.body)##\n");
    appendAttribute(t, EnvelopeCodec.ATTR_SOURCE, "$util.urlEncode($input.params('source'))");
    appendAttribute(t, EnvelopeCodec.ATTR_RECEIVED_AT, "$context.requestTimeEpoch");
    appendOptionalHeaderAttribute(t, EnvelopeCodec.ATTR_CONTENT_TYPE, "content-type");
    integration
        .deliveryIdHeader()
        .ifPresent(h -> appendOptionalHeaderAttribute(t, EnvelopeCodec.ATTR_DELIVERY_ID, h));
    for (String header : integration.headers()) {
      appendOptionalHeaderAttribute(t, EnvelopeCodec.ATTR_HEADER_PREFIX + header, header);
    }
    if (integration.fifo()) {
      t.append("&MessageGroupId=$util.urlEncode($input.params('source'))##\n");
      integration
          .deliveryIdHeader()
          .ifPresent(
              h -> {
                appendHeaderLookup(t, h);
                t.append("#if($v != \"\")&MessageDeduplicationId=$util.urlEncode($v)#end##\n");
              });
    }
    return t.toString();
  }

  private static void appendAttribute(StringBuilder t, String name, String valueExpression) {
    t.append("#set($n = $n + 1)##\n");
    t.append("&MessageAttribute.${n}.Name=").append(name);
    t.append("&MessageAttribute.${n}.Value.DataType=String");
    t.append("&MessageAttribute.${n}.Value.StringValue=").append(valueExpression).append("##\n");
  }

  private static void appendOptionalHeaderAttribute(StringBuilder t, String attribute, String header) {
    appendHeaderLookup(t, header);
    t.append("#if($v != \"\")##\n");
    appendAttribute(t, attribute, "$util.urlEncode($v)");
    t.append("#end##\n");
  }

  /**
   * Sets {@code $v} to the value of the header named {@code lowerCaseName} in any letter case, or to an empty string.
   * The header map is searched by hand rather than with {@code $input.params(name)}, which would also match a query
   * parameter of that name and whose treatment of letter case API Gateway does not document. The reset comes first
   * because in Velocity 1.7 a {@code #set} whose right side is null leaves the old value in place.
   */
  private static void appendHeaderLookup(StringBuilder t, String lowerCaseName) {
    t.append("#set($v = \"\")##\n");
    t.append("#foreach($k in $input.params().header.keySet())##\n");
    t.append("#if($k.toLowerCase() == \"").append(lowerCaseName).append("\")");
    t.append("#set($v = $input.params().header.get($k))#end##\n");
    t.append("#end##\n");
  }

  /** Returns the request templates by content type: the same template for each. */
  Map<String, String> requestTemplates() {
    String template = requestTemplate();
    Map<String, String> templates = new LinkedHashMap<>();
    for (String contentType : integration.contentTypes()) {
      templates.put(contentType, template);
    }
    return templates;
  }

  /** Returns the method request parameters: the source path parameter (required) and the carried headers. */
  Map<String, Boolean> methodRequestParameters() {
    Map<String, Boolean> params = new LinkedHashMap<>();
    params.put("method.request.path.source", true);
    for (String header : requestHeaderNames()) {
      params.put("method.request.header." + header, false);
    }
    return params;
  }

  /** The headers the method declares: the delivery-id header, then the carried ones, each once. */
  private List<String> requestHeaderNames() {
    Set<String> names = new LinkedHashSet<>();
    integration.deliveryIdHeader().ifPresent(names::add);
    names.addAll(integration.headers());
    return List.copyOf(names);
  }

  /**
   * Returns the same API as an OpenAPI 3 document with API Gateway's {@code x-amazon-apigateway-integration}
   * extension.
   */
  String openApiDocument() {
    ObjectNode root = JSON.createObjectNode();
    root.put("openapi", "3.0.1");
    ObjectNode info = root.putObject("info");
    info.put("title", integration.apiName());
    info.put("version", "1.0");
    info.put("description", "Webhooks written straight to the SQS queue " + integration.queueName() + " (Hookline).");
    ObjectNode post = root.putObject("paths").putObject(ApiGatewayDirectIntegration.RESOURCE_PATH).putObject("post");
    post.put("operationId", "receiveWebhook");
    ArrayNode parameters = post.putArray("parameters");
    ObjectNode source = parameters.addObject();
    source.put("name", "source");
    source.put("in", "path");
    source.put("required", true);
    source.putObject("schema").put("type", "string");
    for (String header : requestHeaderNames()) {
      ObjectNode p = parameters.addObject();
      p.put("name", header);
      p.put("in", "header");
      p.put("required", false);
      p.putObject("schema").put("type", "string");
    }
    ObjectNode requestBody = post.putObject("requestBody");
    requestBody.put("required", true);
    ObjectNode requestContent = requestBody.putObject("content");
    for (String contentType : integration.contentTypes()) {
      requestContent.putObject(contentType).putObject("schema").put("type", "string");
    }
    ObjectNode responses = post.putObject("responses");
    for (ResponseSpec r : RESPONSES) {
      ObjectNode response = responses.putObject(r.statusCode());
      response.put("description", r.description());
      response
          .putObject("content")
          .putObject(RESPONSE_CONTENT_TYPE)
          .putObject("schema")
          .put("$ref", "#/components/schemas/Empty");
    }
    ObjectNode x = post.putObject("x-amazon-apigateway-integration");
    x.put("type", "aws");
    x.put("httpMethod", HTTP_METHOD);
    x.put("uri", integration.integrationUri());
    x.put("credentials", integration.roleArn());
    ObjectNode requestParameters = x.putObject("requestParameters");
    INTEGRATION_REQUEST_PARAMETERS.forEach(requestParameters::put);
    ObjectNode templates = x.putObject("requestTemplates");
    requestTemplates().forEach(templates::put);
    x.put("passthroughBehavior", "never");
    ObjectNode integrationResponses = x.putObject("responses");
    for (ResponseSpec r : RESPONSES) {
      ObjectNode response =
          integrationResponses.putObject(r.selectionPattern() == null ? "default" : r.selectionPattern());
      response.put("statusCode", r.statusCode());
      response.putObject("responseTemplates").put(RESPONSE_CONTENT_TYPE, r.template());
    }
    ObjectNode schemas = root.putObject("components").putObject("schemas");
    schemas.putObject("Empty").put("title", "Empty Schema").put("type", "object");
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write the OpenAPI document", e);
    }
  }

  /** Returns a short hash of the whole definition; deployments carry it so that an unchanged API is not redeployed. */
  String configurationHash() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(openApiDocument().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Returns the description of a deployment of this definition, by which a stage's deployment is recognised. */
  String deploymentDescription() {
    return "Hookline direct integration, configuration " + configurationHash();
  }
}
