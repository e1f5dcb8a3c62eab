package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Verifies a custom HMAC scheme, for senders without a built-in verifier.
 *
 * <p>The request carries the signature in one header ({@link Builder#signatureHeader}), hex or base64 encoded
 * ({@link Builder#encoding}), optionally after a fixed prefix such as {@code sha256=} ({@link Builder#prefix}). The
 * MAC ({@link Builder#algorithm}, HMAC-SHA256 by default) is keyed with each secret's UTF-8 bytes.
 *
 * <p>What is signed is described by a template ({@link Builder#signedContent}) with two placeholders: {@code {body}}
 * (the raw body bytes, exactly once) and {@code {timestamp}} (the value of the timestamp header, as sent). Everything
 * else is literal UTF-8 text. Without a timestamp header the default template is {@code {body}}; with one it is
 * {@code {timestamp}.{body}}. A timestamp header holds Unix seconds and must lie within the tolerance (default 5
 * minutes, both directions).
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * <pre>{@code
 * // X-Signature: sha256=<hex of HMAC-SHA256(secret, "<X-Timestamp>:<body>")>
 * SignatureVerifier custom = HmacVerifier.builder()
 *     .addSecret(System.getenv("PARTNER_SECRET"))
 *     .signatureHeader("X-Signature")
 *     .prefix("sha256=")
 *     .timestampHeader("X-Timestamp")
 *     .signedContent("{timestamp}:{body}")
 *     .deliveryIdHeader("X-Request-Id")
 *     .build();
 * }</pre>
 */
public final class HmacVerifier extends TimestampedVerifier {

  /** The placeholder for the raw body in {@link Builder#signedContent}. */
  public static final String BODY = "{body}";

  /** The placeholder for the timestamp header's value in {@link Builder#signedContent}. */
  public static final String TIMESTAMP = "{timestamp}";

  /** The HMAC algorithms on offer; all are required of every Java platform. */
  public enum Algorithm {
    /** HMAC-SHA1: only for senders that still use it. */
    HMAC_SHA1("HmacSHA1"),
    /** HMAC-SHA256, the default. */
    HMAC_SHA256("HmacSHA256"),
    /** HMAC-SHA512. */
    HMAC_SHA512("HmacSHA512");

    private final String jcaName;

    Algorithm(String jcaName) {
      this.jcaName = jcaName;
    }

    /** {@return the JCA name, for example {@code HmacSHA256}} */
    public String jcaName() {
      return jcaName;
    }
  }

  /** How the signature is written in the header. */
  public enum Encoding {
    /** Hexadecimal, either case; the default. */
    HEX,
    /** Standard base64 with padding. */
    BASE64
  }

  private final HmacFamily family;
  private final String signatureHeader;
  private final Encoding encoding;
  private final String timestampHeader;
  private final String deliveryIdHeader;
  private final List<String> headerNames;

  private HmacVerifier(Builder b, HmacFamily family, TimestampWindow window) {
    super(window);
    this.family = family;
    this.signatureHeader = b.signatureHeader;
    this.encoding = b.encoding;
    this.timestampHeader = b.timestampHeader;
    this.deliveryIdHeader = b.deliveryIdHeader;
    this.headerNames =
        Stream.of(signatureHeader, timestampHeader, deliveryIdHeader)
            .filter(Objects::nonNull)
            .distinct()
            .collect(Collectors.toUnmodifiableList());
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  void verifyAt(WebhookHeaders headers, byte[] body, long receivedAtMillis) {
    family.verify(headers, body, receivedAtMillis);
  }

  /** The template's literal text and placeholders as the HMAC family's parts. */
  private static HmacFamily.Part[] parts(String template) {
    List<HmacFamily.Part> parts = new ArrayList<>();
    int at = 0;
    while (at < template.length()) {
      int body = template.indexOf(BODY, at);
      int timestamp = template.indexOf(TIMESTAMP, at);
      int next = body < 0 ? timestamp : timestamp < 0 ? body : Math.min(body, timestamp);
      if (next < 0) {
        parts.add(HmacFamily.literal(template.substring(at)));
        break;
      }
      if (next > at) {
        parts.add(HmacFamily.literal(template.substring(at, next)));
      }
      boolean isBody = next == body;
      parts.add(isBody ? HmacFamily.BODY : HmacFamily.TIMESTAMP);
      at = next + (isBody ? BODY.length() : TIMESTAMP.length());
    }
    return parts.toArray(new HmacFamily.Part[0]);
  }

  /** Returns the configured delivery id header's value, or empty when none is configured or it is absent. */
  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return deliveryIdHeader == null ? Optional.empty() : HeaderValues.firstNonBlank(headers, deliveryIdHeader);
  }

  /** Returns the signature header, then the timestamp and delivery id headers when they are set. */
  @Override
  public List<String> headerNames() {
    return headerNames;
  }

  /** Returns {@code hmac}. */
  @Override
  public String scheme() {
    return "hmac";
  }

  /** Shows the scheme, algorithm, headers and the number of secrets, never the secrets. */
  @Override
  public String toString() {
    return "HmacVerifier{scheme=hmac, algorithm="
        + family.keys().algorithm()
        + ", signatureHeader="
        + signatureHeader
        + ", encoding="
        + encoding
        + (timestampHeader == null ? "" : ", timestampHeader=" + timestampHeader + ", tolerance=" + window.tolerance())
        + ", secrets="
        + family.keys().size()
        + '}';
  }

  /**
   * Builds an {@link HmacVerifier}; not thread-safe. Each secret is used as its UTF-8 bytes; at least one is required.
   * The {@link #tolerance tolerance} and {@link #clock clock} apply only with a {@link #timestampHeader timestamp
   * header}.
   */
  public static final class Builder extends TimestampedVerifierBuilder<Builder> {
    private Algorithm algorithm = Algorithm.HMAC_SHA256;
    private String signatureHeader;
    private Encoding encoding = Encoding.HEX;
    private String prefix = "";
    private String timestampHeader;
    private String signedContent;
    private String deliveryIdHeader;

    private Builder() {}

    /**
     * Sets the MAC algorithm. Default {@link Algorithm#HMAC_SHA256}.
     *
     * @param algorithm the algorithm
     * @return this builder
     */
    public Builder algorithm(Algorithm algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /**
     * Sets the header that carries the signature. Required.
     *
     * @param signatureHeader the header name, for example {@code X-Signature}
     * @return this builder
     */
    public Builder signatureHeader(String signatureHeader) {
      this.signatureHeader = Objects.requireNonNull(signatureHeader, "signatureHeader");
      return this;
    }

    /**
     * Sets how the signature is encoded. Default {@link Encoding#HEX}.
     *
     * @param encoding the encoding
     * @return this builder
     */
    public Builder encoding(Encoding encoding) {
      this.encoding = Objects.requireNonNull(encoding, "encoding");
      return this;
    }

    /**
     * Sets a prefix the signature header's value must start with, for example {@code sha256=}. Default: none.
     *
     * @param prefix the prefix, matched exactly
     * @return this builder
     */
    public Builder prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * Sets the header holding the signed timestamp in Unix seconds. Default: none, so there is no replay window;
     * set it whenever the sender signs a timestamp.
     *
     * @param timestampHeader the header name, for example {@code X-Timestamp}
     * @return this builder
     */
    public Builder timestampHeader(String timestampHeader) {
      this.timestampHeader = Objects.requireNonNull(timestampHeader, "timestampHeader");
      return this;
    }

    /**
     * Sets what is signed: a template with {@code {body}} exactly once and, when a timestamp header is set, {@code
     * {timestamp}} at least once; all other text is literal. Default {@code {body}}, or {@code {timestamp}.{body}}
     * with a timestamp header.
     *
     * @param signedContent the template, for example {@code v1:{timestamp}:{body}}
     * @return this builder
     */
    public Builder signedContent(String signedContent) {
      this.signedContent = Objects.requireNonNull(signedContent, "signedContent");
      return this;
    }

    /**
     * Sets the header holding the sender's delivery id. Default: none, and the receiver uses a content hash.
     *
     * @param deliveryIdHeader the header name
     * @return this builder
     */
    public Builder deliveryIdHeader(String deliveryIdHeader) {
      this.deliveryIdHeader = Objects.requireNonNull(deliveryIdHeader, "deliveryIdHeader");
      return this;
    }

    /**
     * Returns the verifier.
     *
     * @return the immutable verifier
     * @throws IllegalArgumentException starting with the offending field: {@code secrets}, {@code signatureHeader},
     *     {@code timestampHeader}, {@code deliveryIdHeader}, {@code signedContent} or {@code tolerance}
     */
    @Override
    public HmacVerifier build() {
      HmacKeys keys = utf8Keys(algorithm.jcaName());
      requireHeaderName(signatureHeader, "signatureHeader", true);
      requireHeaderName(timestampHeader, "timestampHeader", false);
      requireHeaderName(deliveryIdHeader, "deliveryIdHeader", false);
      String template = signedContent != null ? signedContent : timestampHeader == null ? BODY : TIMESTAMP + "." + BODY;
      int first = template.indexOf(BODY);
      if (first < 0 || template.indexOf(BODY, first + 1) >= 0) {
        throw new IllegalArgumentException("signedContent must contain " + BODY + " exactly once, was " + template);
      }
      boolean usesTimestamp = template.contains(TIMESTAMP);
      if (timestampHeader != null && !usesTimestamp) {
        throw new IllegalArgumentException(
            "signedContent must contain " + TIMESTAMP + " when timestampHeader is set, was " + template);
      }
      if (timestampHeader == null && usesTimestamp) {
        throw new IllegalArgumentException(
            "signedContent uses " + TIMESTAMP + " but no timestampHeader is set, was " + template);
      }
      TimestampWindow window = window();
      HmacFamily.Builder family =
          HmacFamily.builder(keys)
              .signatureHeader(signatureHeader)
              .prefix(prefix)
              .encoding(encoding == Encoding.HEX ? HmacFamily.Encoding.HEX : HmacFamily.Encoding.BASE64)
              .window(window)
              .signedContent(parts(template));
      if (timestampHeader != null) {
        family.timestampHeader(timestampHeader, TimestampWindow.Format.UNIX_SECONDS);
      }
      return new HmacVerifier(this, family.build(), window);
    }

    private static void requireHeaderName(String name, String field, boolean required) {
      if (name == null) {
        if (required) {
          throw new IllegalArgumentException(field + " must be set");
        }
        return;
      }
      if (name.isBlank()) {
        throw new IllegalArgumentException(field + " must not be blank");
      }
    }
  }
}
