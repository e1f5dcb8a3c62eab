package dev.hookline.sqs.admin;

import static java.util.stream.Collectors.toUnmodifiableList;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.signature.SignatureVerifier;
import dev.hookline.core.signature.SignatureVerifiers;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;

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
 * SQS allows at most {@value SqsLimits#MAX_MESSAGE_ATTRIBUTES} attributes per message; {@link Builder#build()} checks
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
 *   DirectIntegrationResult result = integration.provision(client);
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

  /** The content types that get a mapping template by default. */
  public static final List<String> DEFAULT_CONTENT_TYPES =
      List.of("application/json", "application/x-www-form-urlencoded", "text/plain");

  /** The path of the webhook resource; {@code {source}} names the sender. */
  public static final String RESOURCE_PATH = "/webhooks/{source}";

  /** Attributes every message may carry whatever the configuration: source, received-at, content type. */
  private static final int FIXED_ATTRIBUTES = 3;

  // An SQS attribute name may hold letters, digits, '_', '-' and '.', not start or end with '.', and have no "..".
  private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");
  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
  // SQS queue names: up to 80 letters, digits, '-' or '_', plus ".fifo" for FIFO queues.
  private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}(\\.fifo)?");
  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/.+");
  private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z0-9_]{1,128}");
  private static final Pattern CONTENT_TYPE = Pattern.compile("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+");

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
      Builder b,
      String accountId,
      String queueName,
      Set<String> schemes,
      Set<String> extraHeaders,
      List<String> carried) {
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
    this.contentTypes = b.contentTypes.stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(toUnmodifiableList());
  }

  /**
   * The headers the schemes' verifiers read ({@link SignatureVerifiers#headerNames(String)}) in order, then the extra
   * headers that are not among them; all lower case.
   */
  private static List<String> carried(Set<String> schemes, Set<String> extraHeaders) {
    Set<String> all = new LinkedHashSet<>();
    for (String scheme : schemes) {
      for (String header : SignatureVerifiers.headerNames(scheme)) {
        all.add(header.toLowerCase(Locale.ROOT));
      }
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
   * Returns the lower-case names of the headers carried as {@code hookline-h-<name>} attributes: those of the {@link
   * #schemes() schemes} (what their verifiers read, {@link SignatureVerifier#headerNames()}), then the extra headers
   * set with {@link Builder#headers(Collection)} that are not among them.
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
   * Returns the request mapping template: a Velocity template that turns the method request into a form-encoded SQS
   * {@code SendMessage} call ({@code Action=SendMessage&MessageBody=...&MessageAttribute.N.Name=...}) carrying the
   * attributes described above.
   *
   * @return the template, the same for every content type
   */
  public String requestTemplate() {
    return new DirectIntegrationDefinition(this).requestTemplate();
  }

  /**
   * Returns the same API as an OpenAPI 3 document with API Gateway's {@code x-amazon-apigateway-integration}
   * extension, for CloudFormation ({@code AWS::ApiGateway::RestApi} {@code Body}), Terraform, the CDK or {@code aws
   * apigateway import-rest-api}.
   *
   * @return the document as pretty-printed JSON
   */
  public String openApiDocument() {
    return new DirectIntegrationDefinition(this).openApiDocument();
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
  public DirectIntegrationResult provision(ApiGatewayClient client) {
    return new DirectIntegrationProvisioner(this, Objects.requireNonNull(client, "client")).provision();
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
     * headers their verifiers read ({@link SignatureVerifier#headerNames()}, looked up by name with {@link
     * SignatureVerifiers#headerNames(String)}) are carried, so the consumer can verify. Default: none; {@link
     * #build()} requires a scheme or a {@link #headers(Collection) header}. SQS's limit of 10 message attributes
     * leaves room for 7 headers (6 with a {@link #deliveryIdHeader(String) delivery-id header}): all five schemes
     * need 10, so give senders that do not fit together an integration of their own (another {@code apiName}), which
     * may write to the same queue.
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
     * #schemes(Collection) schemes} (default none): the headers of a custom verifier (its {@link
     * SignatureVerifier#headerNames()}), or ones your handler reads. Names are case-insensitive and stored in lower
     * case; one the schemes already carry is carried once. They count against the same limit of 10 attributes.
     * Credential headers ({@link WebhookHeaders#CREDENTIALS}: {@code Authorization}, {@code Cookie}, ...) are
     * refused, here and as the {@link #deliveryIdHeader(String) delivery-id header}.
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
      String[] accountAndQueue = accountAndQueueName();
      if (roleArn == null) {
        throw new IllegalArgumentException("roleArn is required: the role API Gateway assumes to call SQS");
      }
      if (!ROLE_ARN.matcher(roleArn).matches()) {
        throw new IllegalArgumentException(
            "roleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), was '" + roleArn + "'");
      }
      Set<String> knownSchemes = schemeNames();
      Set<String> extraHeaders = extraHeaderNames();
      if (knownSchemes.isEmpty() && extraHeaders.isEmpty()) {
        throw new IllegalArgumentException(
            "schemes is required (or headers): name the senders' signature schemes ("
                + String.join(", ", SignatureVerifiers.SCHEMES)
                + ") so that the headers their verifiers read reach the consumer");
      }
      if (deliveryIdHeader != null) {
        checkHeaderName("deliveryIdHeader", deliveryIdHeader.toLowerCase(Locale.ROOT));
      }
      List<String> carried = carried(knownSchemes, extraHeaders);
      checkAttributeLimit(knownSchemes, extraHeaders, carried);
      checkContentTypes();
      return new ApiGatewayDirectIntegration(
          this, accountAndQueue[0], accountAndQueue[1], knownSchemes, extraHeaders, carried);
    }

    /** Returns the account id and queue name, from the queue URL or as set. */
    private String[] accountAndQueueName() {
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
      return new String[] {account, name};
    }

    /** Returns the scheme names in lower case, in order; each must be a built-in scheme, given once. */
    private Set<String> schemeNames() {
      Set<String> known = new LinkedHashSet<>();
      for (String scheme : schemes) {
        String sc = scheme.toLowerCase(Locale.ROOT);
        if (!SignatureVerifiers.SCHEMES.contains(sc)) {
          throw new IllegalArgumentException(
              "schemes must be built-in scheme names ("
                  + String.join(", ", SignatureVerifiers.SCHEMES)
                  + "), was '"
                  + scheme
                  + "'");
        }
        if (!known.add(sc)) {
          throw new IllegalArgumentException("schemes must not repeat a scheme, '" + sc + "' appears twice");
        }
      }
      return known;
    }

    /** Returns the extra header names in lower case, in order; each a valid attribute name, given once. */
    private Set<String> extraHeaderNames() {
      Set<String> seen = new LinkedHashSet<>();
      for (String header : headers) {
        String h = header.toLowerCase(Locale.ROOT);
        checkHeaderName("headers", h);
        if (h.equals("content-type")) {
          throw new IllegalArgumentException(
              "headers must not include content-type: it is always carried as " + EnvelopeCodec.ATTR_CONTENT_TYPE);
        }
        if (!seen.add(h)) {
          throw new IllegalArgumentException("headers must not repeat a header, '" + h + "' appears twice");
        }
      }
      return seen;
    }

    /** Checks that the fixed attributes, the delivery id and the carried headers fit SQS's attribute limit. */
    private void checkAttributeLimit(Set<String> knownSchemes, Set<String> extraHeaders, List<String> carried) {
      int attributes = FIXED_ATTRIBUTES + (deliveryIdHeader == null ? 0 : 1) + carried.size();
      if (attributes <= SqsLimits.MAX_MESSAGE_ATTRIBUTES) {
        return;
      }
      // Name the setting that added headers: the schemes, unless extra headers were set too.
      String field = extraHeaders.isEmpty() ? "schemes" : "headers";
      throw new IllegalArgumentException(
          field
              + " must fit SQS's limit of "
              + SqsLimits.MAX_MESSAGE_ATTRIBUTES
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
              + (knownSchemes.isEmpty()
                  ? ""
                  : " of schemes " + knownSchemes + (extraHeaders.isEmpty() ? "" : " and headers"))
              + " = "
              + attributes);
    }

    private void checkContentTypes() {
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
      if (WebhookHeaders.isCredential(h)) {
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
