package dev.hookline.core.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.internal.DeliveryIds;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Encodes a {@link Webhook} as the JSON envelope that goes on the queue, and decodes it back.
 *
 * <h2>The envelope (version 1)</h2>
 *
 * <p>The message body is a JSON object:
 *
 * <pre>{@code
 * {"hooklineEnvelope":1, "deliveryId":"…", "source":"github", "receivedAt":"2026-01-02T03:04:05.123Z",
 *  "headers":{"X-GitHub-Event":["push"], …}, "contentType":"application/json",
 *  "body":"{\"zen\":\"…\"}", "bodyBase64":false, "verification":"VERIFIED"}
 * }</pre>
 *
 * <p>The body round-trips byte-exactly: when it is valid UTF-8 (and has no character SQS refuses in a message body,
 * U+FFFE or U+FFFF) it is kept as a JSON string; anything else is base64 with {@code "bodyBase64":true}.
 * {@code contentType} is omitted when the webhook has none. The optional {@code "traceContext"} object carries the
 * webhook's {@link Webhook#traceContext()} (W3C {@code traceparent} and {@code tracestate}) when it has one, so a
 * trace follows the message through retries, the dead-letter queue and a redrive without a message attribute; it is
 * omitted otherwise, envelopes without it decode as before, and a malformed one is ignored, never poison. {@link #encode} also sets three message attributes:
 * {@link #ATTR_DELIVERY_ID}, {@link #ATTR_SOURCE} and {@link #ATTR_VERSION}.
 *
 * <p>Headers are kept so a handler can use them and verify the signature again (signature and id headers included),
 * except credentials: {@code Authorization}, {@code Proxy-Authorization} and {@code Cookie} are always dropped, and
 * so is every header named in {@link Builder#sensitiveHeaders}. They are dropped both when encoding and when
 * decoding.
 *
 * <h2>API Gateway direct integration (public contract)</h2>
 *
 * <p>{@link #decode} also accepts a message written by an API Gateway → SQS direct integration: the raw request body
 * is the message body and everything else travels as string message attributes:
 *
 * <ul>
 *   <li>{@value #ATTR_SOURCE} (required): the source name;
 *   <li>{@value #ATTR_RECEIVED_AT} (optional): epoch milliseconds of receipt; default the codec's clock at decode;
 *   <li>{@value #ATTR_DELIVERY_ID} (optional): the delivery id; default a SHA-256 of source and body;
 *   <li>{@value #ATTR_CONTENT_TYPE} (optional): the content type; default the {@code content-type} header attribute,
 *       if any;
 *   <li>{@value #ATTR_HEADER_PREFIX}{@code <lower-case header name>} (optional, one value each): a request header, for
 *       example {@code hookline-h-webhook-signature}.
 * </ul>
 *
 * <p>Such a message has no {@value #ATTR_VERSION} attribute, and its webhook gets {@link Verification#DEFERRED}: the
 * consumer verifies the signature before handling. The body bytes are the message body's UTF-8 bytes. SQS allows
 * at most {@value SqsLimits#MAX_MESSAGE_ATTRIBUTES} attributes per message, so map only the headers the verifier and handler need.
 *
 * <h2>Decoding</h2>
 *
 * <p>If the {@value #ATTR_VERSION} attribute is present, the message is an envelope; otherwise if {@value
 * #ATTR_SOURCE} is present it is the direct-integration form, whatever its body looks like (a sender must not be able
 * to pass an envelope, with its recorded verification result, through an endpoint that only queues raw bodies);
 * otherwise, if the body is a JSON object with a recognised {@code hooklineEnvelope} version, it is an envelope sent
 * without attributes. Anything else, unknown envelope versions and malformed envelopes make {@link #decode} throw
 * {@link EnvelopeException} (a poison message).
 *
 * <h2>Limits</h2>
 *
 * <p>{@link EncodedEnvelope#encodedSize()} is what SQS counts; compare it with {@link SqsLimits#MAX_MESSAGE_BYTES} before
 * sending (and batches with {@link SqsLimits#MAX_BATCH_BYTES}). {@link #encode} does not throw for size.
 *
 * <p>Thread-safety: immutable and thread-safe. Defaults: {@link #defaults()} uses the system UTC clock and drops only
 * the three credential headers.
 */
public final class EnvelopeCodec {

  /** The envelope version this codec writes. */
  public static final int VERSION = 1;

  /** Message attribute carrying the delivery id (also read from direct-integration messages). */
  public static final String ATTR_DELIVERY_ID = "hookline-delivery-id";

  /** Message attribute carrying the source name (required on direct-integration messages). */
  public static final String ATTR_SOURCE = "hookline-source";

  /** Message attribute carrying the envelope version. */
  public static final String ATTR_VERSION = "hookline-envelope-version";

  /** Direct-integration message attribute: when the request was received, in epoch milliseconds. */
  public static final String ATTR_RECEIVED_AT = "hookline-received-at";

  /** Direct-integration message attribute: the request's content type. */
  public static final String ATTR_CONTENT_TYPE = "hookline-content-type";

  /** Direct-integration message attribute prefix for a header; the rest is the lower-case header name. */
  public static final String ATTR_HEADER_PREFIX = "hookline-h-";

  private static final String F_VERSION = "hooklineEnvelope";
  private static final String F_DELIVERY_ID = "deliveryId";
  private static final String F_SOURCE = "source";
  private static final String F_RECEIVED_AT = "receivedAt";
  private static final String F_HEADERS = "headers";
  private static final String F_CONTENT_TYPE = "contentType";
  private static final String F_BODY = "body";
  private static final String F_BODY_BASE64 = "bodyBase64";
  private static final String F_VERIFICATION = "verification";
  private static final String F_TRACE_CONTEXT = "traceContext";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final EnvelopeCodec DEFAULTS = builder().build();

  private final Set<String> dropped;
  private final Clock clock;

  private EnvelopeCodec(Builder b) {
    Set<String> all = new TreeSet<>(WebhookHeaders.NEVER_KEPT);
    b.sensitiveHeaders.forEach(h -> all.add(h.toLowerCase(Locale.ROOT)));
    this.dropped = Set.copyOf(all);
    this.clock = b.clock;
  }

  /**
   * Returns the codec with default settings: the system UTC clock, and only the credential headers dropped.
   *
   * @return the default codec
   */
  public static EnvelopeCodec defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Encodes a webhook.
   *
   * @param webhook the webhook
   * @return the message body and attributes
   */
  public EncodedEnvelope encode(Webhook webhook) {
    Objects.requireNonNull(webhook, "webhook");
    ObjectNode root = MAPPER.createObjectNode();
    root.put(F_VERSION, VERSION);
    root.put(F_DELIVERY_ID, webhook.deliveryId());
    root.put(F_SOURCE, webhook.source());
    root.put(F_RECEIVED_AT, webhook.receivedAt().toString());
    ObjectNode headers = root.putObject(F_HEADERS);
    webhook
        .headers()
        .asMap()
        .forEach(
            (name, values) -> {
              if (!isDropped(name)) {
                ArrayNode array = headers.putArray(name);
                values.forEach(array::add);
              }
            });
    webhook.contentType().ifPresent(ct -> root.put(F_CONTENT_TYPE, ct));
    byte[] body = webhook.body();
    String text = utf8OrNull(body);
    if (text != null) {
      root.put(F_BODY, text);
      root.put(F_BODY_BASE64, false);
    } else {
      root.put(F_BODY, Base64.getEncoder().encodeToString(body));
      root.put(F_BODY_BASE64, true);
    }
    root.put(F_VERIFICATION, webhook.verification().name());
    if (!webhook.traceContext().isEmpty()) {
      ObjectNode trace = root.putObject(F_TRACE_CONTEXT);
      webhook.traceContext().forEach(trace::put);
    }
    String json;
    try {
      json = MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      // A tree of strings, numbers and booleans always serializes.
      throw new IllegalStateException("envelope could not be serialized", e);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(ATTR_DELIVERY_ID, webhook.deliveryId());
    attributes.put(ATTR_SOURCE, webhook.source());
    attributes.put(ATTR_VERSION, Integer.toString(VERSION));
    return new EncodedEnvelope(json, attributes);
  }

  /**
   * Returns whether a message with these attributes is in the form an API Gateway direct integration writes (raw
   * body, webhook details as attributes) rather than an envelope: it has {@value #ATTR_SOURCE} and no {@value
   * #ATTR_VERSION}. {@link #decode} reads such a message as that form whatever its body looks like.
   *
   * @param attributes the message's string attributes
   * @return true for the direct-integration form
   */
  public static boolean isDirectIntegrationForm(Map<String, String> attributes) {
    return !attributes.containsKey(ATTR_VERSION) && attributes.containsKey(ATTR_SOURCE);
  }

  /**
   * Decodes a queue message: our envelope, or the form an API Gateway direct integration writes.
   *
   * @param messageBody the message body
   * @param attributes the message's string attributes
   * @return the webhook
   * @throws EnvelopeException when the message cannot be decoded (a poison message)
   */
  public Webhook decode(String messageBody, Map<String, String> attributes) {
    Objects.requireNonNull(messageBody, "messageBody");
    Objects.requireNonNull(attributes, "attributes");
    String versionAttribute = attributes.get(ATTR_VERSION);
    if (versionAttribute != null) {
      int version;
      try {
        version = Integer.parseInt(versionAttribute.trim());
      } catch (NumberFormatException e) {
        throw new EnvelopeException(
            "message attribute " + ATTR_VERSION + " is not a number: '" + clip(versionAttribute) + "'", e);
      }
      checkVersion(version);
      return decodeEnvelope(parse(messageBody));
    }
    // Attributes decide before the body: a direct-integration body is the sender's, and may look like an envelope.
    if (isDirectIntegrationForm(attributes)) {
      return decodeDirect(messageBody, attributes);
    }
    // Cheap test first so that other bodies are not parsed as JSON for nothing.
    if (messageBody.contains("\"" + F_VERSION + "\"")) {
      JsonNode node = tryParse(messageBody);
      if (node != null && node.isObject() && node.has(F_VERSION)) {
        JsonNode v = node.get(F_VERSION);
        if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
          throw new EnvelopeException("envelope field " + F_VERSION + " is not an integer", null);
        }
        checkVersion(v.intValue());
        return decodeEnvelope(node);
      }
    }
    throw new EnvelopeException(
        "message is neither a Hookline envelope (no "
            + ATTR_VERSION
            + " attribute or "
            + F_VERSION
            + " field) nor a direct-integration message (no "
            + ATTR_SOURCE
            + " attribute)",
        null);
  }

  private static void checkVersion(int version) {
    if (version != VERSION) {
      throw new EnvelopeException(
          "unsupported envelope version " + version + "; this Hookline reads version " + VERSION
              + " (upgrade the consumer to read newer envelopes)",
          null);
    }
  }

  private static JsonNode parse(String messageBody) {
    try {
      return MAPPER.readTree(messageBody);
    } catch (JsonProcessingException e) {
      // Jackson's message may quote the body; keep only the location.
      throw new EnvelopeException("envelope is not valid JSON at " + e.getLocation(), null);
    }
  }

  private static JsonNode tryParse(String messageBody) {
    try {
      return MAPPER.readTree(messageBody);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private Webhook decodeEnvelope(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new EnvelopeException("envelope is not a JSON object", null);
    }
    Webhook.Builder b = Webhook.builder();
    b.deliveryId(requiredText(root, F_DELIVERY_ID));
    b.source(requiredText(root, F_SOURCE));
    String receivedAt = requiredText(root, F_RECEIVED_AT);
    try {
      b.receivedAt(Instant.parse(receivedAt));
    } catch (DateTimeParseException e) {
      throw new EnvelopeException("envelope field " + F_RECEIVED_AT + " is not an ISO-8601 instant", e);
    }
    JsonNode headersNode = root.get(F_HEADERS);
    if (headersNode != null && !headersNode.isNull()) {
      if (!headersNode.isObject()) {
        throw new EnvelopeException("envelope field " + F_HEADERS + " is not an object", null);
      }
      WebhookHeaders.Builder headers = WebhookHeaders.builder();
      for (Map.Entry<String, JsonNode> field : headersNode.properties()) {
        if (!field.getValue().isArray()) {
          throw new EnvelopeException("envelope header '" + clip(field.getKey()) + "' is not an array", null);
        }
        for (JsonNode value : field.getValue()) {
          if (!value.isTextual()) {
            throw new EnvelopeException("envelope header '" + clip(field.getKey()) + "' has a non-string value", null);
          }
          if (!isDropped(field.getKey())) {
            headers.add(field.getKey(), value.textValue());
          }
        }
      }
      b.headers(headers.build());
    }
    JsonNode contentType = root.get(F_CONTENT_TYPE);
    if (contentType != null && !contentType.isNull()) {
      if (!contentType.isTextual()) {
        throw new EnvelopeException("envelope field " + F_CONTENT_TYPE + " is not a string", null);
      }
      b.contentType(contentType.textValue());
    }
    String body = requiredText(root, F_BODY);
    JsonNode base64 = root.get(F_BODY_BASE64);
    if (base64 != null && !base64.isNull() && !base64.isBoolean()) {
      throw new EnvelopeException("envelope field " + F_BODY_BASE64 + " is not a boolean", null);
    }
    if (base64 != null && base64.booleanValue()) {
      try {
        b.body(Base64.getDecoder().decode(body));
      } catch (IllegalArgumentException e) {
        throw new EnvelopeException("envelope body is flagged base64 but is not valid base64", e);
      }
    } else {
      b.body(body.getBytes(StandardCharsets.UTF_8));
    }
    String verification = requiredText(root, F_VERIFICATION);
    try {
      b.verification(Verification.valueOf(verification));
    } catch (IllegalArgumentException e) {
      throw new EnvelopeException(
          "envelope field " + F_VERIFICATION + " has unknown value '" + clip(verification) + "'", e);
    }
    b.traceContext(traceContext(root.get(F_TRACE_CONTEXT)));
    return build(b);
  }

  /**
   * Reads the optional trace context leniently: tracing must never make a webhook undeliverable, so a field that is
   * not an object, and entries that are not non-blank strings, are ignored rather than poison.
   */
  private static Map<String, String> traceContext(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Map.of();
    }
    Map<String, String> context = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      JsonNode value = field.getValue();
      if (!field.getKey().isBlank() && value.isTextual() && !value.textValue().isBlank()) {
        context.put(field.getKey(), value.textValue());
      }
    }
    return context;
  }

  private Webhook decodeDirect(String messageBody, Map<String, String> attributes) {
    String source = attributes.get(ATTR_SOURCE);
    if (source.isBlank()) {
      throw new EnvelopeException("message attribute " + ATTR_SOURCE + " is blank", null);
    }
    byte[] body = messageBody.getBytes(StandardCharsets.UTF_8);
    Webhook.Builder b = Webhook.builder().source(source).body(body).verification(Verification.DEFERRED);
    String receivedAt = attributes.get(ATTR_RECEIVED_AT);
    if (receivedAt == null) {
      b.receivedAt(clock.instant());
    } else {
      try {
        b.receivedAt(Instant.ofEpochMilli(Long.parseLong(receivedAt.trim())));
      } catch (NumberFormatException e) {
        throw new EnvelopeException(
            "message attribute " + ATTR_RECEIVED_AT + " is not epoch milliseconds: '" + clip(receivedAt) + "'", e);
      }
    }
    String deliveryId = attributes.get(ATTR_DELIVERY_ID);
    b.deliveryId(deliveryId == null || deliveryId.isBlank() ? DeliveryIds.fromContent(source, body) : deliveryId);
    List<String> names = new ArrayList<>(new TreeSet<>(attributes.keySet()));
    WebhookHeaders.Builder headers = WebhookHeaders.builder();
    for (String attribute : names) {
      if (attribute.startsWith(ATTR_HEADER_PREFIX) && attribute.length() > ATTR_HEADER_PREFIX.length()) {
        String name = attribute.substring(ATTR_HEADER_PREFIX.length());
        if (!isDropped(name)) {
          headers.add(name, attributes.get(attribute));
        }
      }
    }
    WebhookHeaders built = headers.build();
    b.headers(built);
    String contentType = attributes.get(ATTR_CONTENT_TYPE);
    if (contentType == null) {
      contentType = built.first("content-type").orElse(null);
    }
    if (contentType != null) {
      b.contentType(contentType);
    }
    return build(b);
  }

  private static Webhook build(Webhook.Builder b) {
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new EnvelopeException("envelope is invalid: " + e.getMessage(), e);
    }
  }

  private static String requiredText(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw new EnvelopeException("envelope field " + field + " is missing", null);
    }
    if (node.getNodeType() != JsonNodeType.STRING) {
      throw new EnvelopeException("envelope field " + field + " is not a string", null);
    }
    return node.textValue();
  }

  private boolean isDropped(String headerName) {
    return dropped.contains(headerName.toLowerCase(Locale.ROOT));
  }

  /** Shortens user-controlled text quoted in an error message. */
  private static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }

  /**
   * Returns the body as a string when it is valid UTF-8 that SQS accepts in a message body, else null. A plain
   * {@code new String(bytes, UTF_8)} would silently replace malformed input, so decode with REPORT.
   */
  static String utf8OrNull(byte[] body) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    String text;
    try {
      text = decoder.decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    // SQS accepts only #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF in a message body. Control
    // characters are escaped by the JSON writer, but U+FFFE and U+FFFF would be written as-is, so base64 those.
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\uFFFE' || c == '\uFFFF') {
        return null;
      }
    }
    return text;
  }

  @Override
  public String toString() {
    return "EnvelopeCodec{version=" + VERSION + ", droppedHeaders=" + new TreeSet<>(dropped) + ", clock=" + clock + '}';
  }

  /**
   * Builds an {@link EnvelopeCodec}. Not thread-safe; setters only record and {@link #build()} validates.
   */
  public static final class Builder {
    private List<String> sensitiveHeaders = List.of();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets extra header names never to keep (case-insensitive), replacing any set before. {@code Authorization},
     * {@code Proxy-Authorization} and {@code Cookie} are always dropped in addition. Default: none. Set this for
     * headers that carry credentials of your own, such as an API key an upstream proxy adds.
     *
     * @param names the header names
     * @return this builder
     */
    public Builder sensitiveHeaders(Collection<String> names) {
      Objects.requireNonNull(names, "sensitiveHeaders");
      this.sensitiveHeaders = new ArrayList<>(names);
      return this;
    }

    /**
     * Sets the clock that dates direct-integration messages without a {@value EnvelopeCodec#ATTR_RECEIVED_AT}
     * attribute. Default {@link Clock#systemUTC()}; change it in tests.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Returns the codec.
     *
     * @return the immutable codec
     * @throws IllegalArgumentException when a sensitive header name is null or blank
     */
    public EnvelopeCodec build() {
      for (String name : sensitiveHeaders) {
        if (name == null || name.isBlank()) {
          throw new IllegalArgumentException("sensitiveHeaders must not contain null or blank names");
        }
      }
      return new EnvelopeCodec(this);
    }
  }
}
