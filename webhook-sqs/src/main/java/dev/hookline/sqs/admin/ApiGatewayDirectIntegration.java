package dev.hookline.sqs.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.core.signature.ShopifyVerifier;
import dev.hookline.core.signature.SignatureVerifiers;
import dev.hookline.core.signature.SlackVerifier;
import dev.hookline.core.signature.StandardWebhooksVerifier;
import dev.hookline.core.signature.StripeVerifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.EndpointType;
import software.amazon.awssdk.services.apigateway.model.GetMethodResponse;
import software.amazon.awssdk.services.apigateway.model.GetResourcesResponse;
import software.amazon.awssdk.services.apigateway.model.GetRestApisResponse;
import software.amazon.awssdk.services.apigateway.model.GetStageResponse;
import software.amazon.awssdk.services.apigateway.model.Integration;
import software.amazon.awssdk.services.apigateway.model.IntegrationResponse;
import software.amazon.awssdk.services.apigateway.model.IntegrationType;
import software.amazon.awssdk.services.apigateway.model.MethodResponse;
import software.amazon.awssdk.services.apigateway.model.NotFoundException;
import software.amazon.awssdk.services.apigateway.model.Resource;
import software.amazon.awssdk.services.apigateway.model.RestApi;

/**
 * An API Gateway REST API that writes each webhook straight to SQS, with no Lambda function in between: {@code POST
 * /webhooks/{source}} becomes one SQS {@code SendMessage} call made by API Gateway itself.
 *
 * <p>What lands on the queue (the contract the consumer's envelope decoder reads): the message body is the raw
 * request body, and these String message attributes are set (decoded by {@link EnvelopeCodec#decode}):
 *
 * <ul>
 *   <li>{@code hookline-source} — the {@code {source}} path parameter (always);
 *   <li>{@code hookline-received-at} — API Gateway's request time in epoch milliseconds (always);
 *   <li>{@code hookline-content-type} — the request's {@code Content-Type} header, when present;
 *   <li>{@code hookline-delivery-id} — the {@link Builder#deliveryIdHeader(String) delivery-id header}, when one is
 *       configured and present;
 *   <li>{@code hookline-h-<name>} — each {@link #headers() carried header} (lower-case name), when present: the
 *       headers the verifiers of the {@link Builder#schemes(Collection) configured schemes} read, plus any {@link
 *       Builder#headers(Collection) extra headers}.
 * </ul>
 *
 * <p>SQS refuses empty attribute values, so the mapping template adds an attribute only when its header is there.
 * SQS allows at most {@value EnvelopeCodec#MAX_ATTRIBUTES} attributes per message; {@link Builder#build()} checks
 * that the configuration fits. For a FIFO queue (name ending in {@code .fifo}) the message group is the source, and
 * the delivery id, when configured and present, is the deduplication id (otherwise enable content-based
 * deduplication on the queue).
 *
 * <p>Responses to the sender: 200 once SQS accepted the message; 500 when SQS refused the request (a 4xx from SQS:
 * usually the role or queue is misconfigured, or the body has characters SQS does not allow, see the API's
 * execution logs); 503 when SQS failed (a 5xx). API Gateway itself answers 415 for a content type without a mapping
 * template (passthrough is {@code NEVER}) and 413 above its 10 MB payload limit. Bodies larger than SQS's message
 * size limit are refused by SQS (500). A 4xx from SQS is deliberately not passed on as a 4xx: SQS answers 400 both
 * for a body it refuses and for a queue that does not exist, and the integration cannot tell them apart, so a 4xx
 * would make senders drop webhooks for as long as a deployment is misconfigured; a 500 makes them retry. The method
 * has no authorization: webhook senders authenticate by signature, which the consumer verifies.
 *
 * <p>Limits of the direct integration, compared with Hookline's own receiver: no signature check before the
 * message is queued (the consumer verifies), the body must be text (API Gateway hands non-UTF-8 bytes to the
 * template as text unless binary media types are configured), and SQS refuses an empty body (500). Header names
 * are matched in any letter case.
 *
 * <pre>{@code
 * ApiGatewayDirectIntegration integration = ApiGatewayDirectIntegration.builder()
 *     .apiName("webhooks")
 *     .region(Region.EU_WEST_1)
 *     .queueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks")
 *     .roleArn("arn:aws:iam::123456789012:role/apigateway-sqs-send")
 *     .schemes(List.of("github", "stripe"))   // carries the headers their verifiers read
 *     .deliveryIdHeader("x-github-delivery")
 *     .build();
 * try (ApiGatewayClient client = ApiGatewayClient.create()) {
 *   ProvisionResult result = integration.provision(client);
 *   System.out.println(result.webhookUrl("github"));
 * }
 * // or, for CloudFormation / Terraform / CDK users:
 * Files.writeString(Path.of("webhooks-openapi.json"), integration.openApiDocument());
 * }</pre>
 *
 * <p>The role must trust {@code apigateway.amazonaws.com} and allow {@code sqs:SendMessage} on the queue (and
 * {@code kms:GenerateDataKey}/{@code kms:Decrypt} for a queue encrypted with a customer managed key).
 *
 * <p>Thread-safety: immutable and thread-safe. {@link #provision(ApiGatewayClient)} should not run concurrently
 * for the same API name (two runs could both create the API).
 */
public final class ApiGatewayDirectIntegration {

  private static final Logger log = LoggerFactory.getLogger(ApiGatewayDirectIntegration.class);

  /**
   * The headers each built-in scheme's verifier reads, in lower case, by scheme name (the names of {@link
   * SignatureVerifiers#SCHEMES}): the signature, the signed timestamp and the delivery id.
   *
   * <ul>
   *   <li>{@code standard-webhooks}: {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature} (not
   *       the older {@code svix-*} names; carry those with {@link Builder#headers(Collection)} if your sender uses
   *       them);
   *   <li>{@code github}: {@code x-hub-signature-256}, {@code x-github-delivery};
   *   <li>{@code stripe}: {@code stripe-signature} (the event id is read from the body);
   *   <li>{@code shopify}: {@code x-shopify-hmac-sha256}, {@code x-shopify-webhook-id};
   *   <li>{@code slack}: {@code x-slack-signature}, {@code x-slack-request-timestamp}.
   * </ul>
   *
   * <p>All five together need ten headers, and with the three attributes every message may carry that is more than
   * SQS's ten, so an integration carries those of the schemes it is {@link Builder#schemes(Collection) configured
   * with}.
   */
  public static final Map<String, List<String>> SCHEME_HEADERS = schemeHeaders();

  /** The content types that get a mapping template by default. */
  public static final List<String> DEFAULT_CONTENT_TYPES =
      List.of("application/json", "application/x-www-form-urlencoded", "text/plain");

  /** The path of the webhook resource; {@code {source}} names the sender. */
  public static final String RESOURCE_PATH = "/webhooks/{source}";

  static final String PARENT_PATH = "/webhooks";
  static final String HTTP_METHOD = "POST";
  static final String FORM_CONTENT_TYPE = "'application/x-www-form-urlencoded'";
  static final String CONTENT_TYPE_PARAMETER = "integration.request.header.Content-Type";
  static final String PASSTHROUGH_NEVER = "NEVER";
  static final String PATTERN_CLIENT_ERROR = "4\\d{2}";
  static final String PATTERN_SERVER_ERROR = "5\\d{2}";
  static final String RESPONSE_CONTENT_TYPE = "application/json";

  /** Attributes every message may carry whatever the configuration: source, received-at, content type. */
  private static final int FIXED_ATTRIBUTES = 3;

  private static final Set<String> CREDENTIAL_HEADERS =
      Set.of("authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key");

  // An SQS attribute name may hold letters, digits, '_', '-' and '.', not start or end with '.', and have no "..".
  private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");
  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
  // SQS queue names: up to 80 letters, digits, '-' or '_', plus ".fifo" for FIFO queues.
  private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}(\\.fifo)?");
  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/.+");
  private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z0-9_]{1,128}");
  private static final Pattern CONTENT_TYPE = Pattern.compile("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE_LIMIT = 500;

  private final String apiName;
  private final String stageName;
  private final Region region;
  private final String accountId;
  private final String queueName;
  private final String roleArn;
  private final List<String> schemes;
  /** The headers set with {@link Builder#headers(Collection)}, beside those of the schemes. */
  private final List<String> extraHeaders;
  /** What is carried: the schemes' headers, then the extra ones not among them. */
  private final List<String> headers;
  private final String deliveryIdHeader;
  private final List<String> contentTypes;

  private ApiGatewayDirectIntegration(
      Builder b, String accountId, String queueName, Set<String> schemes, Set<String> extraHeaders, List<String> carried) {
    this.apiName = b.apiName;
    this.stageName = b.stageName;
    this.region = b.region;
    this.accountId = accountId;
    this.queueName = queueName;
    this.roleArn = b.roleArn;
    this.schemes = List.copyOf(schemes);
    this.extraHeaders = List.copyOf(extraHeaders);
    this.headers = carried;
    this.deliveryIdHeader = b.deliveryIdHeader == null ? null : b.deliveryIdHeader.toLowerCase(Locale.ROOT);
    this.contentTypes = b.contentTypes.stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(toList());
  }

  private static java.util.stream.Collector<String, ?, List<String>> toList() {
    return java.util.stream.Collectors.toUnmodifiableList();
  }

  private static Map<String, List<String>> schemeHeaders() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put(
        "standard-webhooks",
        lowerCase(
            StandardWebhooksVerifier.ID_HEADER,
            StandardWebhooksVerifier.TIMESTAMP_HEADER,
            StandardWebhooksVerifier.SIGNATURE_HEADER));
    m.put("github", lowerCase(GitHubVerifier.SIGNATURE_HEADER, GitHubVerifier.DELIVERY_HEADER));
    m.put("stripe", lowerCase(StripeVerifier.SIGNATURE_HEADER));
    m.put("shopify", lowerCase(ShopifyVerifier.SIGNATURE_HEADER, ShopifyVerifier.WEBHOOK_ID_HEADER));
    m.put("slack", lowerCase(SlackVerifier.SIGNATURE_HEADER, SlackVerifier.TIMESTAMP_HEADER));
    return java.util.Collections.unmodifiableMap(m);
  }

  private static List<String> lowerCase(String... names) {
    return java.util.Arrays.stream(names).map(n -> n.toLowerCase(Locale.ROOT)).collect(toList());
  }

  /** The schemes' headers in order, then the extra headers that are not among them; all lower case. */
  private static List<String> carried(Set<String> schemes, Set<String> extraHeaders) {
    Set<String> all = new LinkedHashSet<>();
    for (String scheme : schemes) {
      all.addAll(SCHEME_HEADERS.get(scheme));
    }
    all.addAll(extraHeaders);
    return List.copyOf(all);
  }

  /**
   * Returns a new builder.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder with this integration's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.apiName = apiName;
    b.stageName = stageName;
    b.region = region;
    b.accountId = accountId;
    b.queueName = queueName;
    b.roleArn = roleArn;
    b.schemes = new ArrayList<>(schemes);
    b.headers = new ArrayList<>(extraHeaders);
    b.deliveryIdHeader = deliveryIdHeader;
    b.contentTypes = new ArrayList<>(contentTypes);
    return b;
  }

  /** {@return the REST API's name, by which {@link #provision(ApiGatewayClient)} finds it} */
  public String apiName() {
    return apiName;
  }

  /** {@return the stage name (default {@code prod})} */
  public String stageName() {
    return stageName;
  }

  /** {@return the region of the API and the queue} */
  public Region region() {
    return region;
  }

  /** {@return the queue owner's account id} */
  public String accountId() {
    return accountId;
  }

  /** {@return the queue's name} */
  public String queueName() {
    return queueName;
  }

  /** {@return whether the queue is a FIFO queue (its name ends in {@code .fifo})} */
  public boolean fifo() {
    return queueName.endsWith(".fifo");
  }

  /** {@return the ARN of the role API Gateway assumes to call SQS} */
  public String roleArn() {
    return roleArn;
  }

  /** {@return the signature schemes whose headers are carried, in lower case} */
  public List<String> schemes() {
    return schemes;
  }

  /**
   * {@return the lower-case names of the headers carried as {@code hookline-h-<name>} attributes: those of the {@link
   * #schemes() schemes} ({@link #SCHEME_HEADERS}), then the extra headers set with {@link
   * Builder#headers(Collection)} that are not among them}
   */
  public List<String> headers() {
    return headers;
  }

  /** {@return the header whose value becomes {@code hookline-delivery-id}, if one is configured} */
  public Optional<String> deliveryIdHeader() {
    return Optional.ofNullable(deliveryIdHeader);
  }

  /** {@return the content types that have a mapping template; others get 415 from API Gateway} */
  public List<String> contentTypes() {
    return contentTypes;
  }

  /**
   * Returns the integration URI: {@code arn:aws:apigateway:{region}:sqs:path/{accountId}/{queueName}}.
   *
   * @return the URI API Gateway calls, signed with the role
   */
  public String integrationUri() {
    return "arn:aws:apigateway:" + region.id() + ":sqs:path/" + accountId + "/" + queueName;
  }

  /**
   * Returns the request mapping template: a Velocity template that turns the method request into a form-encoded
   * SQS {@code SendMessage} call ({@code Action=SendMessage&MessageBody=...&MessageAttribute.N.Name=...}). Every line
   * ends in a {@code ##} comment, so the output carries no line breaks of the template's own whatever the Velocity
   * whitespace settings; attributes are numbered without gaps because optional ones are counted as they are added.
   *
   * @return the template, the same for every content type
   */
  public String requestTemplate() {
    StringBuilder t = new StringBuilder(1024);
    t.append("## Hookline: API Gateway -> SQS SendMessage (form-encoded). Generated; edit the builder, not this.\n");
    t.append("#set($n = 0)##\n");
    t.append("Action=SendMessage##\n");
    t.append("&MessageBody=$util.urlEncode($input.body)##\n");
    appendAttribute(t, EnvelopeCodec.ATTR_SOURCE, "$util.urlEncode($input.params('source'))");
    appendAttribute(t, EnvelopeCodec.ATTR_RECEIVED_AT, "$context.requestTimeEpoch");
    appendOptionalHeaderAttribute(t, EnvelopeCodec.ATTR_CONTENT_TYPE, "content-type");
    if (deliveryIdHeader != null) {
      appendOptionalHeaderAttribute(t, EnvelopeCodec.ATTR_DELIVERY_ID, deliveryIdHeader);
    }
    for (String header : headers) {
      appendOptionalHeaderAttribute(t, EnvelopeCodec.ATTR_HEADER_PREFIX + header, header);
    }
    if (fifo()) {
      t.append("&MessageGroupId=$util.urlEncode($input.params('source'))##\n");
      if (deliveryIdHeader != null) {
        appendHeaderLookup(t, deliveryIdHeader);
        t.append("#if($v != \"\")&MessageDeduplicationId=$util.urlEncode($v)#end##\n");
      }
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

  /** Returns the request templates by content type. */
  Map<String, String> requestTemplates() {
    String template = requestTemplate();
    Map<String, String> templates = new LinkedHashMap<>();
    for (String contentType : contentTypes) {
      templates.put(contentType, template);
    }
    return templates;
  }

  /** Returns the method request parameters: the source path parameter (required) and the carried headers. */
  Map<String, Boolean> methodRequestParameters() {
    Map<String, Boolean> params = new LinkedHashMap<>();
    params.put("method.request.path.source", true);
    for (String header : carriedHeaderNames()) {
      params.put("method.request.header." + header, false);
    }
    return params;
  }

  private List<String> carriedHeaderNames() {
    Set<String> names = new LinkedHashSet<>();
    if (deliveryIdHeader != null) {
      names.add(deliveryIdHeader);
    }
    names.addAll(headers);
    return List.copyOf(names);
  }

  /** The integration responses by status code: default 200, SQS 4xx to 500, SQS 5xx to 503. */
  List<ResponseSpec> responses() {
    return List.of(
        new ResponseSpec(
            "200",
            null,
            "Accepted: SQS stored the message.",
            "{\"accepted\":true,\"requestId\":\"$context.requestId\"}"),
        new ResponseSpec(
            "500",
            PATTERN_CLIENT_ERROR,
            "SQS refused the message (check the role, the queue and the API's execution logs).",
            "{\"accepted\":false,\"message\":\"The queue refused the message.\",\"requestId\":\"$context.requestId\"}"),
        new ResponseSpec(
            "503",
            PATTERN_SERVER_ERROR,
            "SQS is unavailable; retry later.",
            "{\"accepted\":false,\"message\":\"The queue is unavailable; retry later.\","
                + "\"requestId\":\"$context.requestId\"}"));
  }

  /** One method response and its integration response. */
  record ResponseSpec(String statusCode, String selectionPattern, String description, String template) {}

  /**
   * Returns the same API as an OpenAPI 3 document with API Gateway's {@code x-amazon-apigateway-integration}
   * extension, for CloudFormation ({@code AWS::ApiGateway::RestApi} {@code Body}), Terraform, the CDK or {@code aws
   * apigateway import-rest-api}.
   *
   * @return the document as pretty-printed JSON
   */
  public String openApiDocument() {
    ObjectNode root = JSON.createObjectNode();
    root.put("openapi", "3.0.1");
    ObjectNode info = root.putObject("info");
    info.put("title", apiName);
    info.put("version", "1.0");
    info.put("description", "Webhooks written straight to the SQS queue " + queueName + " (Hookline).");
    ObjectNode post = root.putObject("paths").putObject(RESOURCE_PATH).putObject("post");
    post.put("operationId", "receiveWebhook");
    ArrayNode parameters = post.putArray("parameters");
    ObjectNode source = parameters.addObject();
    source.put("name", "source");
    source.put("in", "path");
    source.put("required", true);
    source.putObject("schema").put("type", "string");
    for (String header : carriedHeaderNames()) {
      ObjectNode p = parameters.addObject();
      p.put("name", header);
      p.put("in", "header");
      p.put("required", false);
      p.putObject("schema").put("type", "string");
    }
    ObjectNode requestBody = post.putObject("requestBody");
    requestBody.put("required", true);
    ObjectNode requestContent = requestBody.putObject("content");
    for (String contentType : contentTypes) {
      requestContent.putObject(contentType).putObject("schema").put("type", "string");
    }
    ObjectNode responses = post.putObject("responses");
    for (ResponseSpec r : responses()) {
      ObjectNode response = responses.putObject(r.statusCode());
      response.put("description", r.description());
      response
          .putObject("content")
          .putObject(RESPONSE_CONTENT_TYPE)
          .putObject("schema")
          .put("$ref", "#/components/schemas/Empty");
    }
    ObjectNode integration = post.putObject("x-amazon-apigateway-integration");
    integration.put("type", "aws");
    integration.put("httpMethod", HTTP_METHOD);
    integration.put("uri", integrationUri());
    integration.put("credentials", roleArn);
    integration.putObject("requestParameters").put(CONTENT_TYPE_PARAMETER, FORM_CONTENT_TYPE);
    ObjectNode templates = integration.putObject("requestTemplates");
    requestTemplates().forEach(templates::put);
    integration.put("passthroughBehavior", "never");
    ObjectNode integrationResponses = integration.putObject("responses");
    for (ResponseSpec r : responses()) {
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

  String deploymentDescription() {
    return "Hookline direct integration, configuration " + configurationHash();
  }

  /**
   * Creates or updates the REST API so that it matches this definition, then deploys it to the stage. Idempotent:
   * it finds the API by name (or creates it), creates {@code /webhooks} and {@code /webhooks/{source}} only when
   * missing, replaces the {@code POST} method only when it differs from this definition, and deploys only when the
   * stage does not already serve this definition. Running it twice in a row makes no change the second time.
   *
   * <p>The client belongs to the caller, who closes it. Errors from API Gateway propagate as the SDK's exceptions;
   * a partly applied run is completed by running again.
   *
   * @param client the API Gateway client, configured for {@link #region()}
   * @return the API's id and URLs
   * @throws IllegalStateException when more than one REST API has this name
   */
  public ProvisionResult provision(ApiGatewayClient client) {
    Objects.requireNonNull(client, "client");
    boolean created = false;
    String apiId = findApiId(client).orElse(null);
    if (apiId == null) {
      apiId =
          client
              .createRestApi(
                  b ->
                      b.name(apiName)
                          .description("Webhooks written straight to SQS by Hookline's direct integration.")
                          .endpointConfiguration(e -> e.types(EndpointType.REGIONAL)))
              .id();
      created = true;
      log.info("Created REST API apiName={} restApiId={}", apiName, apiId);
    }
    String restApiId = apiId;

    Map<String, Resource> byPath = resourcesByPath(client, restApiId);
    Resource root = byPath.get("/");
    if (root == null) {
      throw new IllegalStateException("REST API " + restApiId + " has no root resource");
    }
    String parentId = ensureResource(client, restApiId, byPath, root.id(), "webhooks", PARENT_PATH);
    String resourceId = ensureResource(client, restApiId, byPath, parentId, "{source}", RESOURCE_PATH);

    boolean methodChanged = ensureMethod(client, restApiId, resourceId);

    String description = deploymentDescription();
    boolean deploy = methodChanged || !stageServes(client, restApiId, description);
    if (deploy) {
      String deploymentId =
          client.createDeployment(b -> b.restApiId(restApiId).stageName(stageName).description(description)).id();
      log.info("Deployed restApiId={} stage={} deploymentId={}", restApiId, stageName, deploymentId);
    } else {
      log.info("REST API is up to date restApiId={} stage={}", restApiId, stageName);
    }
    return new ProvisionResult(restApiId, stageUrl(restApiId), created, deploy);
  }

  private Optional<String> findApiId(ApiGatewayClient client) {
    List<String> ids = new ArrayList<>();
    String position = null;
    do {
      String pos = position;
      GetRestApisResponse page = client.getRestApis(b -> b.limit(PAGE_LIMIT).position(pos));
      for (RestApi api : page.items()) {
        if (apiName.equals(api.name())) {
          ids.add(api.id());
        }
      }
      position = page.position();
    } while (position != null && !position.isEmpty());
    if (ids.size() > 1) {
      throw new IllegalStateException(
          "more than one REST API is named " + apiName + " (" + ids + "); rename or delete the extra ones");
    }
    return ids.stream().findFirst();
  }

  private static Map<String, Resource> resourcesByPath(ApiGatewayClient client, String restApiId) {
    Map<String, Resource> byPath = new LinkedHashMap<>();
    String position = null;
    do {
      String pos = position;
      GetResourcesResponse page = client.getResources(b -> b.restApiId(restApiId).limit(PAGE_LIMIT).position(pos));
      for (Resource r : page.items()) {
        byPath.put(r.path(), r);
      }
      position = page.position();
    } while (position != null && !position.isEmpty());
    return byPath;
  }

  private static String ensureResource(
      ApiGatewayClient client,
      String restApiId,
      Map<String, Resource> byPath,
      String parentId,
      String pathPart,
      String path) {
    Resource existing = byPath.get(path);
    if (existing != null) {
      return existing.id();
    }
    String id = client.createResource(b -> b.restApiId(restApiId).parentId(parentId).pathPart(pathPart)).id();
    log.info("Created resource restApiId={} path={} resourceId={}", restApiId, path, id);
    return id;
  }

  /** Makes the POST method match this definition; returns whether anything was written. */
  private boolean ensureMethod(ApiGatewayClient client, String restApiId, String resourceId) {
    GetMethodResponse existing;
    try {
      existing = client.getMethod(b -> b.restApiId(restApiId).resourceId(resourceId).httpMethod(HTTP_METHOD));
    } catch (NotFoundException e) {
      existing = null;
    }
    if (existing != null) {
      if (methodMatches(existing)) {
        return false;
      }
      // Replacing the method in the working copy is safe: the stage keeps serving its deployment until we deploy.
      client.deleteMethod(b -> b.restApiId(restApiId).resourceId(resourceId).httpMethod(HTTP_METHOD));
      log.info("Replacing method restApiId={} resourceId={} method={}", restApiId, resourceId, HTTP_METHOD);
    }
    client.putMethod(
        b ->
            b.restApiId(restApiId)
                .resourceId(resourceId)
                .httpMethod(HTTP_METHOD)
                .authorizationType("NONE")
                .requestParameters(methodRequestParameters()));
    client.putIntegration(
        b ->
            b.restApiId(restApiId)
                .resourceId(resourceId)
                .httpMethod(HTTP_METHOD)
                .type(IntegrationType.AWS)
                .integrationHttpMethod(HTTP_METHOD)
                .uri(integrationUri())
                .credentials(roleArn)
                .requestParameters(Map.of(CONTENT_TYPE_PARAMETER, FORM_CONTENT_TYPE))
                .requestTemplates(requestTemplates())
                .passthroughBehavior(PASSTHROUGH_NEVER));
    for (ResponseSpec r : responses()) {
      client.putMethodResponse(
          b ->
              b.restApiId(restApiId)
                  .resourceId(resourceId)
                  .httpMethod(HTTP_METHOD)
                  .statusCode(r.statusCode())
                  .responseModels(Map.of(RESPONSE_CONTENT_TYPE, "Empty")));
      client.putIntegrationResponse(
          b ->
              b.restApiId(restApiId)
                  .resourceId(resourceId)
                  .httpMethod(HTTP_METHOD)
                  .statusCode(r.statusCode())
                  .selectionPattern(r.selectionPattern())
                  .responseTemplates(Map.of(RESPONSE_CONTENT_TYPE, r.template())));
    }
    return true;
  }

  boolean methodMatches(GetMethodResponse m) {
    Integration i = m.methodIntegration();
    if (i == null
        || !"NONE".equals(m.authorizationType())
        || !methodRequestParameters().equals(m.requestParameters())
        || i.type() != IntegrationType.AWS
        || !HTTP_METHOD.equals(i.httpMethod())
        || !integrationUri().equals(i.uri())
        || !roleArn.equals(i.credentials())
        || !Map.of(CONTENT_TYPE_PARAMETER, FORM_CONTENT_TYPE).equals(i.requestParameters())
        || !requestTemplates().equals(i.requestTemplates())
        || !PASSTHROUGH_NEVER.equals(i.passthroughBehavior())) {
      return false;
    }
    List<ResponseSpec> wanted = responses();
    if (m.methodResponses().size() != wanted.size() || i.integrationResponses().size() != wanted.size()) {
      return false;
    }
    for (ResponseSpec r : wanted) {
      MethodResponse mr = m.methodResponses().get(r.statusCode());
      IntegrationResponse ir = i.integrationResponses().get(r.statusCode());
      if (mr == null
          || ir == null
          || !Objects.equals(emptyToNull(r.selectionPattern()), emptyToNull(ir.selectionPattern()))
          || !Map.of(RESPONSE_CONTENT_TYPE, r.template()).equals(ir.responseTemplates())) {
        return false;
      }
    }
    return true;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Whether the stage exists and serves a deployment of this exact definition. */
  private boolean stageServes(ApiGatewayClient client, String restApiId, String description) {
    GetStageResponse stage;
    try {
      stage = client.getStage(b -> b.restApiId(restApiId).stageName(stageName));
    } catch (NotFoundException e) {
      return false;
    }
    if (stage.deploymentId() == null) {
      return false;
    }
    try {
      return description.equals(
          client.getDeployment(b -> b.restApiId(restApiId).deploymentId(stage.deploymentId())).description());
    } catch (NotFoundException e) {
      return false;
    }
  }

  private URI stageUrl(String restApiId) {
    // execute-api endpoints live under amazonaws.com, and amazonaws.com.cn in the China regions.
    String domain = region.id().startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return URI.create("https://" + restApiId + ".execute-api." + region.id() + "." + domain + "/" + stageName);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ApiGatewayDirectIntegration)) {
      return false;
    }
    ApiGatewayDirectIntegration that = (ApiGatewayDirectIntegration) o;
    return apiName.equals(that.apiName)
        && stageName.equals(that.stageName)
        && region.equals(that.region)
        && accountId.equals(that.accountId)
        && queueName.equals(that.queueName)
        && roleArn.equals(that.roleArn)
        && schemes.equals(that.schemes)
        && extraHeaders.equals(that.extraHeaders)
        && Objects.equals(deliveryIdHeader, that.deliveryIdHeader)
        && contentTypes.equals(that.contentTypes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        apiName,
        stageName,
        region,
        accountId,
        queueName,
        roleArn,
        schemes,
        extraHeaders,
        deliveryIdHeader,
        contentTypes);
  }

  @Override
  public String toString() {
    return "ApiGatewayDirectIntegration{apiName="
        + apiName
        + ", stageName="
        + stageName
        + ", uri="
        + integrationUri()
        + ", roleArn="
        + roleArn
        + ", schemes="
        + schemes
        + ", headers="
        + headers
        + ", deliveryIdHeader="
        + deliveryIdHeader
        + ", contentTypes="
        + contentTypes
        + '}';
  }

  /**
   * What {@link #provision(ApiGatewayClient)} did and where the API answers.
   *
   * <p>Thread-safety: immutable and thread-safe.
   */
  public static final class ProvisionResult {
    private final String restApiId;
    private final URI stageUrl;
    private final boolean created;
    private final boolean deployed;

    ProvisionResult(String restApiId, URI stageUrl, boolean created, boolean deployed) {
      this.restApiId = restApiId;
      this.stageUrl = stageUrl;
      this.created = created;
      this.deployed = deployed;
    }

    /** {@return the REST API's id} */
    public String restApiId() {
      return restApiId;
    }

    /** {@return the stage's invoke URL, for example {@code https://abc123.execute-api.eu-west-1.amazonaws.com/prod}} */
    public URI invokeUrl() {
      return stageUrl;
    }

    /**
     * Returns the URL to give a sender, for example {@code .../prod/webhooks/github}.
     *
     * @param source the source name the consumer routes by
     * @return the webhook URL
     */
    public URI webhookUrl(String source) {
      Objects.requireNonNull(source, "source");
      // A path segment: URLEncoder's '+' for a space would be a literal plus there.
      String segment = java.net.URLEncoder.encode(source, StandardCharsets.UTF_8).replace("+", "%20");
      return URI.create(stageUrl + "/webhooks/" + segment);
    }

    /** {@return whether this run created the REST API} */
    public boolean created() {
      return created;
    }

    /** {@return whether this run made a new deployment (false when the stage already served this definition)} */
    public boolean deployed() {
      return deployed;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof ProvisionResult)) {
        return false;
      }
      ProvisionResult that = (ProvisionResult) o;
      return restApiId.equals(that.restApiId)
          && stageUrl.equals(that.stageUrl)
          && created == that.created
          && deployed == that.deployed;
    }

    @Override
    public int hashCode() {
      return Objects.hash(restApiId, stageUrl, created, deployed);
    }

    @Override
    public String toString() {
      return "ProvisionResult{restApiId="
          + restApiId
          + ", invokeUrl="
          + stageUrl
          + ", created="
          + created
          + ", deployed="
          + deployed
          + '}';
    }
  }

  /**
   * Builds an {@link ApiGatewayDirectIntegration}. Setters only record; {@link #build()} checks everything.
   *
   * <p>Thread-safety: not thread-safe.
   */
  public static final class Builder {
    private String apiName;
    private String stageName = "prod";
    private Region region;
    private String queueUrl;
    private String accountId;
    private String queueName;
    private String roleArn;
    private List<String> schemes = new ArrayList<>();
    private List<String> headers = new ArrayList<>();
    private String deliveryIdHeader;
    private List<String> contentTypes = new ArrayList<>(DEFAULT_CONTENT_TYPES);

    private Builder() {}

    /**
     * Sets the REST API's name (required); {@link ApiGatewayDirectIntegration#provision(ApiGatewayClient)} finds
     * the API by it, so it must be unique in the account and region.
     *
     * @param apiName the name
     * @return this builder
     */
    public Builder apiName(String apiName) {
      this.apiName = Objects.requireNonNull(apiName, "apiName");
      return this;
    }

    /**
     * Sets the stage to deploy to (default {@code prod}).
     *
     * @param stageName letters, digits and underscores
     * @return this builder
     */
    public Builder stageName(String stageName) {
      this.stageName = Objects.requireNonNull(stageName, "stageName");
      return this;
    }

    /**
     * Sets the region of the API and the queue (required; the direct integration calls SQS in its own region).
     *
     * @param region the region
     * @return this builder
     */
    public Builder region(Region region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /**
     * Sets the queue by URL, for example {@code https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks}; the
     * account id and queue name are read from its path. Use this or {@link #queueName(String)} with {@link
     * #accountId(String)}.
     *
     * @param queueUrl the queue URL
     * @return this builder
     */
    public Builder queueUrl(String queueUrl) {
      this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
      return this;
    }

    /**
     * Sets the queue's name (with {@link #accountId(String)}; or use {@link #queueUrl(String)}).
     *
     * @param queueName the queue name; ends in {@code .fifo} for a FIFO queue
     * @return this builder
     */
    public Builder queueName(String queueName) {
      this.queueName = Objects.requireNonNull(queueName, "queueName");
      return this;
    }

    /**
     * Sets the queue owner's 12-digit account id (with {@link #queueName(String)}).
     *
     * @param accountId the account id
     * @return this builder
     */
    public Builder accountId(String accountId) {
      this.accountId = Objects.requireNonNull(accountId, "accountId");
      return this;
    }

    /**
     * Sets the ARN of the IAM role API Gateway assumes to call {@code sqs:SendMessage} (required).
     *
     * @param roleArn for example {@code arn:aws:iam::123456789012:role/apigateway-sqs-send}
     * @return this builder
     */
    public Builder roleArn(String roleArn) {
      this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
      return this;
    }

    /**
     * Replaces the signature schemes of the senders this API receives: names from {@link SignatureVerifiers#SCHEMES}
     * ({@code standard-webhooks}, {@code github}, {@code stripe}, {@code shopify}, {@code slack}), in any case. The
     * headers their verifiers read ({@link ApiGatewayDirectIntegration#SCHEME_HEADERS}) are carried, so the
     * consumer can verify. Default: none; {@link #build()} requires a scheme or a {@link #headers(Collection)
     * header}. SQS's limit of 10 message attributes leaves room for 7 headers (6 with a {@link
     * #deliveryIdHeader(String) delivery-id header}): all five schemes need 10, so give senders that do not fit
     * together an integration of their own (another {@code apiName}), which may write to the same queue.
     *
     * @param schemes the scheme names
     * @return this builder
     */
    public Builder schemes(Collection<String> schemes) {
      Objects.requireNonNull(schemes, "schemes");
      List<String> copy = new ArrayList<>(schemes.size());
      for (String s : schemes) {
        copy.add(Objects.requireNonNull(s, "schemes"));
      }
      this.schemes = copy;
      return this;
    }

    /**
     * Adds one signature scheme whose headers are carried; see {@link #schemes(Collection)}.
     *
     * @param scheme the scheme name
     * @return this builder
     */
    public Builder addScheme(String scheme) {
      this.schemes.add(Objects.requireNonNull(scheme, "scheme"));
      return this;
    }

    /**
     * Replaces the extra headers carried as {@code hookline-h-<name>} attributes beside those of the {@link
     * #schemes(Collection) schemes} (default none): the headers of a custom {@code HmacVerifier}, or ones your
     * handler reads. Names are case-insensitive and stored in lower case; one the schemes already carry is carried
     * once. They count against the same limit of 10 attributes. Credential headers ({@code Authorization}, {@code
     * Cookie}, ...) are refused.
     *
     * @param headers the header names
     * @return this builder
     */
    public Builder headers(Collection<String> headers) {
      Objects.requireNonNull(headers, "headers");
      List<String> copy = new ArrayList<>(headers.size());
      for (String h : headers) {
        copy.add(Objects.requireNonNull(h, "headers"));
      }
      this.headers = copy;
      return this;
    }

    /**
     * Adds one extra header to carry; see {@link #headers(Collection)}.
     *
     * @param header the header name
     * @return this builder
     */
    public Builder addHeader(String header) {
      this.headers.add(Objects.requireNonNull(header, "header"));
      return this;
    }

    /**
     * Sets the header whose value becomes the {@code hookline-delivery-id} attribute (and the FIFO deduplication
     * id), for example {@code webhook-id} or {@code x-github-delivery}. Default: none, and the consumer derives an
     * id.
     *
     * @param deliveryIdHeader the header name
     * @return this builder
     */
    public Builder deliveryIdHeader(String deliveryIdHeader) {
      this.deliveryIdHeader = Objects.requireNonNull(deliveryIdHeader, "deliveryIdHeader");
      return this;
    }

    /**
     * Replaces the content types that get a mapping template (default {@link
     * ApiGatewayDirectIntegration#DEFAULT_CONTENT_TYPES}). A request
     * with another content type gets 415 from API Gateway, and nothing is queued.
     *
     * @param contentTypes media types such as {@code application/json}
     * @return this builder
     */
    public Builder contentTypes(Collection<String> contentTypes) {
      Objects.requireNonNull(contentTypes, "contentTypes");
      List<String> copy = new ArrayList<>(contentTypes.size());
      for (String c : contentTypes) {
        copy.add(Objects.requireNonNull(c, "contentTypes"));
      }
      this.contentTypes = copy;
      return this;
    }

    /**
     * Checks the settings and builds the integration.
     *
     * @return the integration
     * @throws IllegalArgumentException naming the first setting that is missing or invalid
     */
    public ApiGatewayDirectIntegration build() {
      if (apiName == null || apiName.isBlank()) {
        throw new IllegalArgumentException("apiName is required");
      }
      if (!STAGE_NAME.matcher(stageName).matches()) {
        throw new IllegalArgumentException(
            "stageName must be 1-128 letters, digits or underscores, was '" + stageName + "'");
      }
      if (region == null) {
        throw new IllegalArgumentException("region is required");
      }
      String account = accountId;
      String name = queueName;
      if (queueUrl != null) {
        if (account != null || name != null) {
          throw new IllegalArgumentException("queueUrl must not be combined with queueName or accountId");
        }
        String[] parts = parseQueueUrl(queueUrl);
        account = parts[0];
        name = parts[1];
      }
      if (name == null) {
        throw new IllegalArgumentException("queueName is required (or queueUrl)");
      }
      if (!QUEUE_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "queueName must be 1-80 letters, digits, '-' or '_' (plus .fifo), was '" + name + "'");
      }
      if (account == null) {
        throw new IllegalArgumentException("accountId is required (or queueUrl)");
      }
      if (!ACCOUNT_ID.matcher(account).matches()) {
        throw new IllegalArgumentException("accountId must be 12 digits, was '" + account + "'");
      }
      if (roleArn == null) {
        throw new IllegalArgumentException("roleArn is required: the role API Gateway assumes to call SQS");
      }
      if (!ROLE_ARN.matcher(roleArn).matches()) {
        throw new IllegalArgumentException(
            "roleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), was '" + roleArn + "'");
      }
      Set<String> knownSchemes = new LinkedHashSet<>();
      for (String scheme : schemes) {
        String sc = scheme.toLowerCase(Locale.ROOT);
        if (!SCHEME_HEADERS.containsKey(sc)) {
          throw new IllegalArgumentException(
              "schemes must be built-in scheme names ("
                  + String.join(", ", SCHEME_HEADERS.keySet())
                  + "), was '"
                  + scheme
                  + "'");
        }
        if (!knownSchemes.add(sc)) {
          throw new IllegalArgumentException("schemes must not repeat a scheme, '" + sc + "' appears twice");
        }
      }
      Set<String> seen = new LinkedHashSet<>();
      for (String header : headers) {
        String h = header.toLowerCase(Locale.ROOT);
        checkHeaderName("headers", h);
        if (h.equals("content-type")) {
          throw new IllegalArgumentException("headers must not include content-type: it is always carried as "
              + EnvelopeCodec.ATTR_CONTENT_TYPE);
        }
        if (!seen.add(h)) {
          throw new IllegalArgumentException("headers must not repeat a header, '" + h + "' appears twice");
        }
      }
      if (knownSchemes.isEmpty() && seen.isEmpty()) {
        throw new IllegalArgumentException(
            "schemes is required (or headers): name the senders' signature schemes ("
                + String.join(", ", SCHEME_HEADERS.keySet())
                + ") so that the headers their verifiers read reach the consumer");
      }
      if (deliveryIdHeader != null) {
        checkHeaderName("deliveryIdHeader", deliveryIdHeader.toLowerCase(Locale.ROOT));
      }
      List<String> carried = carried(knownSchemes, seen);
      int attributes = FIXED_ATTRIBUTES + (deliveryIdHeader == null ? 0 : 1) + carried.size();
      if (attributes > EnvelopeCodec.MAX_ATTRIBUTES) {
        // Name the setting that added headers: the schemes, unless extra headers were set too.
        String field = seen.isEmpty() ? "schemes" : "headers";
        throw new IllegalArgumentException(
            field
                + " must fit SQS's limit of "
                + EnvelopeCodec.MAX_ATTRIBUTES
                + " message attributes (give senders that do not fit an integration of their own; it may write to"
                + " the same queue): "
                + FIXED_ATTRIBUTES
                + " fixed ("
                + EnvelopeCodec.ATTR_SOURCE
                + ", "
                + EnvelopeCodec.ATTR_RECEIVED_AT
                + ", "
                + EnvelopeCodec.ATTR_CONTENT_TYPE
                + ")"
                + (deliveryIdHeader == null ? "" : " + 1 for deliveryIdHeader")
                + " + "
                + carried.size()
                + " headers "
                + carried
                + (knownSchemes.isEmpty() ? "" : " of schemes " + knownSchemes + (seen.isEmpty() ? "" : " and headers"))
                + " = "
                + attributes);
      }
      if (contentTypes.isEmpty()) {
        throw new IllegalArgumentException("contentTypes must not be empty");
      }
      Set<String> types = new LinkedHashSet<>();
      for (String c : contentTypes) {
        String ct = c.toLowerCase(Locale.ROOT);
        if (!CONTENT_TYPE.matcher(ct).matches()) {
          throw new IllegalArgumentException("contentTypes must be media types like application/json, was '" + c + "'");
        }
        if (!types.add(ct)) {
          throw new IllegalArgumentException("contentTypes must not repeat a type, '" + ct + "' appears twice");
        }
      }
      return new ApiGatewayDirectIntegration(this, account, name, knownSchemes, seen, carried);
    }

    private static void checkHeaderName(String field, String h) {
      if (!HEADER_NAME.matcher(h).matches() || EnvelopeCodec.ATTR_HEADER_PREFIX.length() + h.length() > 256) {
        throw new IllegalArgumentException(
            field
                + " must be header names of letters, digits, '-', '_' and inner '.' (they become SQS attribute"
                + " names), was '"
                + h
                + "'");
      }
      if (CREDENTIAL_HEADERS.contains(h)) {
        throw new IllegalArgumentException(field + " must not carry credentials, was '" + h + "'");
      }
    }

    private static String[] parseQueueUrl(String queueUrl) {
      URI uri;
      try {
        uri = URI.create(queueUrl);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("queueUrl is not a URL: '" + queueUrl + "'", e);
      }
      String path = uri.getPath();
      String[] parts = path == null ? new String[0] : path.replaceAll("^/+|/+$", "").split("/");
      if (uri.getScheme() == null || parts.length != 2) {
        throw new IllegalArgumentException(
            "queueUrl must look like https://sqs.<region>.amazonaws.com/<accountId>/<queueName>, was '"
                + queueUrl
                + "'");
      }
      return parts;
    }
  }
}
