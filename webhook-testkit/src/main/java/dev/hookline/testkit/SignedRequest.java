package dev.hookline.testkit;

import dev.hookline.core.InboundRequest;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.SignatureVerifiers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Signed webhook requests for tests, for every built-in scheme, with a signing implementation of its own (it never
 * calls the verifiers, so a bug in one cannot hide a bug in the other).
 *
 * <p>By default a builder produces a valid request signed now (by its {@link Builder#clock clock}), with a small
 * JSON body, {@code Content-Type: application/json} and a delivery id derived from the scheme and timestamp, so the
 * same inputs always give the same request. The {@code with*} methods break one thing each, for negative tests.
 *
 * <pre>{@code
 * InboundRequest ok = SignedRequest.standardWebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
 *     .id("msg_1")
 *     .body("{\"type\":\"invoice.paid\"}")
 *     .build();
 * InboundRequest stale = SignedRequest.stripe("whsec_test")
 *     .clock(testClock)
 *     .withTimestampSkew(Duration.ofMinutes(-10))
 *     .build();
 * // Or send it over HTTP yourself:
 * SignedRequest.Builder github = SignedRequest.github("It's a Secret to Everybody");
 * github.headers().asMap().forEach((name, values) -> values.forEach(v -> http.header(name, v)));
 * http.POST(BodyPublishers.ofByteArray(github.body()));
 * }</pre>
 *
 * <p>Thread-safety: builders are mutable and not thread-safe.
 */
public final class SignedRequest {

  private SignedRequest() {}

  /**
   * Starts a Standard Webhooks v1 (HMAC-SHA256) request.
   *
   * @param secret the {@code whsec_<base64>} secret (the prefix may be omitted)
   * @return the builder
   */
  public static Builder standardWebhooks(String secret) {
    Objects.requireNonNull(secret, "secret");
    String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
    return new Builder(Scheme.STANDARD_WEBHOOKS, Base64.getDecoder().decode(encoded), null);
  }

  /**
   * Starts a Standard Webhooks v1a (Ed25519) request.
   *
   * @param privateKey an Ed25519 private key from the JDK ({@code KeyPairGenerator.getInstance("Ed25519")})
   * @return the builder
   */
  public static Builder standardWebhooksEd25519(PrivateKey privateKey) {
    return new Builder(Scheme.STANDARD_WEBHOOKS_ED25519, new byte[0], Objects.requireNonNull(privateKey, "privateKey"));
  }

  /**
   * Starts a GitHub request ({@code X-Hub-Signature-256}).
   *
   * @param secret the webhook secret
   * @return the builder
   */
  public static Builder github(String secret) {
    return utf8(Scheme.GITHUB, secret);
  }

  /**
   * Starts a Stripe request ({@code Stripe-Signature}).
   *
   * @param secret the endpoint's {@code whsec_...} signing secret, used as given
   * @return the builder
   */
  public static Builder stripe(String secret) {
    return utf8(Scheme.STRIPE, secret);
  }

  /**
   * Starts a Shopify request ({@code X-Shopify-Hmac-Sha256}).
   *
   * @param secret the app's client secret
   * @return the builder
   */
  public static Builder shopify(String secret) {
    return utf8(Scheme.SHOPIFY, secret);
  }

  /**
   * Starts a Slack request ({@code X-Slack-Signature}).
   *
   * @param secret the signing secret
   * @return the builder
   */
  public static Builder slack(String secret) {
    return utf8(Scheme.SLACK, secret);
  }

  /**
   * Starts a request for a built-in scheme given by name, for tools and examples that read the scheme as text: the
   * counterpart of {@link SignatureVerifiers#forScheme}, whose verifier accepts this request when keyed with the same
   * secret. The name is one of {@link SignatureVerifiers#SCHEMES}, matched ignoring case and not trimmed.
   *
   * @param scheme {@code standard-webhooks}, {@code github}, {@code stripe}, {@code shopify} or {@code slack}
   * @param secret the secret, in the form the named factory ({@link #standardWebhooks}, {@link #github}, ...) takes
   * @return the builder
   * @throws IllegalArgumentException starting with {@code scheme} and listing the known names when the scheme is
   *     unknown; for Standard Webhooks also when the secret is not base64
   */
  public static Builder forScheme(String scheme, String secret) {
    Objects.requireNonNull(scheme, "scheme");
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "standard-webhooks":
        return standardWebhooks(secret);
      case "github":
        return github(secret);
      case "stripe":
        return stripe(secret);
      case "shopify":
        return shopify(secret);
      case "slack":
        return slack(secret);
      default:
        throw new IllegalArgumentException(
            "scheme must be one of " + String.join(", ", SignatureVerifiers.SCHEMES) + ", was '" + scheme + "'");
    }
  }

  /**
   * Starts a request for a catalog provider ({@code dev.hookline.core.signature.Providers}) that signs with a shared
   * secret, given the secret in the same text form the provider's preset takes ({@code APP_SECRET:VERIFY_TOKEN} for
   * Meta, {@code AUTH_TOKEN:PUBLIC_URL} for Twilio, ...). The signing is this class's own, written from each
   * provider's documentation. The default path is {@code /webhooks/<provider>}; Twilio's default body is
   * form-encoded. For Linear, Mailgun and Microsoft Graph, which carry signed data in the body, the body given is
   * wrapped as their events are ({@code webhookTimestamp} added, {@code event-data}, {@code value[].resourceData}).
   *
   * @param provider a provider name, in any case
   * @param secret the secret text
   * @return the builder
   * @throws IllegalArgumentException starting with {@code provider} when the provider signs with a private key
   *     (Discord, SendGrid, Amazon SNS, a Standard Webhooks {@code whpk_} key) or is unknown
   */
  public static Builder forProvider(String provider, String secret) {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(secret, "secret");
    String name = ProviderSigning.check(provider, secret);
    boolean standard = name.equals("standard-webhooks") || name.equals("svix") || name.equals("clerk")
        || name.equals("resend");
    String keyText = ProviderSigning.key(name, secret);
    byte[] key =
        standard
            ? Base64.getDecoder().decode(keyText.startsWith("whsec_") ? keyText.substring(6) : keyText)
            : keyText.getBytes(StandardCharsets.UTF_8);
    Builder builder = new Builder(Scheme.PROVIDER, key, null);
    builder.provider = name;
    builder.providerSecret = keyText;
    builder.url = ProviderSigning.url(name, secret);
    if (name.equals("twilio")) {
      builder.contentType = "application/x-www-form-urlencoded";
    }
    return builder;
  }

  /**
   * Starts a request for a custom HMAC scheme: by default HMAC-SHA256 of the body, hex, in {@code signatureHeader},
   * with no prefix and no timestamp. See {@link Builder#algorithm}, {@link Builder#base64Encoded}, {@link
   * Builder#prefix}, {@link Builder#timestampHeader}, {@link Builder#signedContent} and {@link Builder#idHeader}.
   *
   * @param secret the secret, used as UTF-8 bytes
   * @param signatureHeader the header that carries the signature
   * @return the builder
   */
  public static Builder hmac(String secret, String signatureHeader) {
    Builder builder = utf8(Scheme.HMAC, secret);
    builder.signatureHeader = Objects.requireNonNull(signatureHeader, "signatureHeader");
    return builder;
  }

  /**
   * Encodes an Ed25519 public key as Standard Webhooks writes it: {@code whpk_} and the base64 of the raw 32 bytes.
   *
   * @param publicKey a JDK Ed25519 public key
   * @return the {@code whpk_...} text
   */
  public static String whpk(PublicKey publicKey) {
    byte[] der = Objects.requireNonNull(publicKey, "publicKey").getEncoded();
    // RFC 8410: the X.509 encoding ends with the raw 32-byte key.
    return "whpk_" + Base64.getEncoder().encodeToString(Arrays.copyOfRange(der, der.length - 32, der.length));
  }

  private static Builder utf8(Scheme scheme, String secret) {
    return new Builder(scheme, Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8), null);
  }

  private enum Scheme {
    STANDARD_WEBHOOKS("standard-webhooks", "msg_"),
    STANDARD_WEBHOOKS_ED25519("standard-webhooks", "msg_"),
    GITHUB("github", ""),
    STRIPE("stripe", "evt_"),
    SHOPIFY("shopify", ""),
    SLACK("slack", "Ev"),
    HMAC("hmac", "req_"),
    PROVIDER("provider", "req_");

    final String path;
    final String idPrefix;

    Scheme(String path, String idPrefix) {
      this.path = path;
      this.idPrefix = idPrefix;
    }
  }

  /** Builds one signed request; not thread-safe. Every option has a working default. */
  public static final class Builder {
    private final Scheme scheme;
    private final byte[] key;
    private final PrivateKey privateKey;
    private Clock clock = Clock.systemUTC();
    private String id;
    private Instant timestamp;
    private byte[] body;
    private String contentType = "application/json";
    private String path;
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();
    private Duration skew = Duration.ZERO;
    private boolean wrongSecret;
    private boolean tamperedBody;
    private boolean withoutSignature;
    private PrivateKey wrongPrivateKey;
    private Instant now;
    // Custom HMAC options.
    private String signatureHeader;
    private String algorithm = "HmacSHA256";
    private boolean base64;
    private String prefix = "";
    private String timestampHeader;
    private String signedContent;
    private String idHeader;
    // Catalog provider options.
    private String provider;
    private String providerSecret;
    private String url;

    private Builder(Scheme scheme, byte[] key, PrivateKey privateKey) {
      this.scheme = scheme;
      this.key = key.clone();
      this.privateKey = privateKey;
    }

    /**
     * Sets the clock that "now" comes from. Default {@link Clock#systemUTC()}; pass the verifier's test clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.now = null;
      return this;
    }

    /**
     * Sets the delivery id ({@code webhook-id}, {@code X-GitHub-Delivery}, the Stripe event's {@code id}, ...).
     * Default: derived from the scheme and the timestamp, so it is stable for the same inputs.
     *
     * @param id the id
     * @return this builder
     */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * Sets the signed timestamp. Default: the clock's instant when the request is first produced, truncated to seconds.
     *
     * @param timestamp the timestamp
     * @return this builder
     */
    public Builder timestamp(Instant timestamp) {
      this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
      return this;
    }

    /**
     * Sets the body as UTF-8 text. Default: a small JSON event carrying the id.
     *
     * @param body the body
     * @return this builder
     */
    public Builder body(String body) {
      this.body = Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /**
     * Sets the raw body bytes. Default: a small JSON event carrying the id.
     *
     * @param body the body
     * @return this builder
     */
    public Builder body(byte[] body) {
      this.body = Objects.requireNonNull(body, "body").clone();
      return this;
    }

    /**
     * Sets the {@code Content-Type}. Default {@code application/json}.
     *
     * @param contentType the content type
     * @return this builder
     */
    public Builder contentType(String contentType) {
      this.contentType = Objects.requireNonNull(contentType, "contentType");
      return this;
    }

    /**
     * Sets the request path. Default {@code /webhooks/<scheme>}, for example {@code /webhooks/github}.
     *
     * @param path the path
     * @return this builder
     */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Adds (or replaces) a header after signing, for example to duplicate or overwrite a signature header.
     *
     * @param name the header name
     * @param value the value
     * @return this builder
     */
    public Builder header(String name, String value) {
      extraHeaders.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Moves the signed timestamp by {@code skew} (negative: in the past) from the timestamp or now, to test the
     * tolerance. Schemes without a timestamp ignore it.
     *
     * @param skew the skew
     * @return this builder
     */
    public Builder withTimestampSkew(Duration skew) {
      this.skew = Objects.requireNonNull(skew, "skew");
      return this;
    }

    /**
     * Signs with a different secret (or, for Ed25519, a freshly generated key), so verification must fail.
     *
     * @return this builder
     */
    public Builder withWrongSecret() {
      this.wrongSecret = true;
      return this;
    }

    /**
     * Appends a space to the body after signing, so verification must fail.
     *
     * @return this builder
     */
    public Builder withTamperedBody() {
      this.tamperedBody = true;
      return this;
    }

    /**
     * Leaves the signature header out.
     *
     * @return this builder
     */
    public Builder withoutSignature() {
      this.withoutSignature = true;
      return this;
    }

    /**
     * Custom HMAC only: sets the JCA algorithm. Default {@code HmacSHA256}.
     *
     * @param algorithm {@code HmacSHA1}, {@code HmacSHA256} or {@code HmacSHA512}
     * @return this builder
     */
    public Builder algorithm(String algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /**
     * Custom HMAC only: writes the signature in base64 instead of hex.
     *
     * @return this builder
     */
    public Builder base64Encoded() {
      this.base64 = true;
      return this;
    }

    /**
     * Custom HMAC only: writes {@code prefix} before the signature, for example {@code sha256=}. Default: none.
     *
     * @param prefix the prefix
     * @return this builder
     */
    public Builder prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * Custom HMAC only: sends the timestamp (Unix seconds) in this header. Default: no timestamp.
     *
     * @param timestampHeader the header name
     * @return this builder
     */
    public Builder timestampHeader(String timestampHeader) {
      this.timestampHeader = Objects.requireNonNull(timestampHeader, "timestampHeader");
      return this;
    }

    /**
     * Custom HMAC only: the signed-content template with {@code {body}} and {@code {timestamp}}, as the verifier
     * reads it. Default {@code {body}}, or {@code {timestamp}.{body}} with a timestamp header.
     *
     * @param signedContent the template
     * @return this builder
     */
    public Builder signedContent(String signedContent) {
      this.signedContent = Objects.requireNonNull(signedContent, "signedContent");
      return this;
    }

    /**
     * Custom HMAC only: sends the id in this header. Default: no id header.
     *
     * @param idHeader the header name
     * @return this builder
     */
    public Builder idHeader(String idHeader) {
      this.idHeader = Objects.requireNonNull(idHeader, "idHeader");
      return this;
    }

    /**
     * Returns the body exactly as it would be sent (tampered, if asked).
     *
     * @return a copy of the body bytes
     */
    public byte[] body() {
      byte[] signed = signedBody();
      if (!tamperedBody) {
        return signed;
      }
      byte[] tampered = Arrays.copyOf(signed, signed.length + 1);
      tampered[signed.length] = ' ';
      return tampered;
    }

    /**
     * Returns the headers to send: content type, id and timestamp headers, and the signature.
     *
     * @return the headers
     * @throws IllegalStateException when custom HMAC options are set on another scheme
     */
    public WebhookHeaders headers() {
      checkOptions();
      long seconds = signedAt().getEpochSecond();
      String ts = Long.toString(seconds);
      String deliveryId = deliveryId();
      byte[] content = signedBody();
      WebhookHeaders.Builder h = WebhookHeaders.builder().add("Content-Type", contentType);
      switch (scheme) {
        case STANDARD_WEBHOOKS:
          signPreset("standard-webhooks", h, deliveryId, seconds, content);
          break;
        case STANDARD_WEBHOOKS_ED25519:
          h.add("webhook-id", deliveryId).add("webhook-timestamp", ts);
          signature(h, "webhook-signature", "v1a," + b64(ed25519(join(deliveryId + "." + ts + ".", content))));
          break;
        case GITHUB:
          h.add("X-GitHub-Event", "ping");
          signPreset("github", h, deliveryId, seconds, content);
          break;
        case STRIPE:
          signPreset("stripe", h, deliveryId, seconds, content);
          break;
        case SHOPIFY:
          h.add("X-Shopify-Topic", "orders/create");
          signPreset("shopify", h, deliveryId, seconds, content);
          break;
        case SLACK:
          signPreset("slack", h, deliveryId, seconds, content);
          break;
        case PROVIDER:
          ProviderSigning.sign(
              provider,
              h,
              wrongSecret ? wrongKey() : key,
              url,
              deliveryId,
              seconds,
              content,
              contentType,
              !withoutSignature);
          break;
        case HMAC:
          if (idHeader != null) {
            h.add(idHeader, deliveryId);
          }
          if (timestampHeader != null) {
            h.add(timestampHeader, ts);
          }
          byte[] mac = ProviderSigning.hmac(algorithm, wrongSecret ? wrongKey() : key, renderTemplate(ts, content));
          signature(h, signatureHeader, prefix + (base64 ? b64(mac) : hex(mac)));
          break;
        default:
          throw new IllegalStateException("unknown scheme " + scheme);
      }
      extraHeaders.forEach(h::set);
      return h.build();
    }

    /**
     * Returns the signed request.
     *
     * @return the request, POST to {@link #path(String) path}
     */
    public InboundRequest build() {
      return InboundRequest.builder()
          .method("POST")
          .path(path != null ? path : "/webhooks/" + (scheme == Scheme.PROVIDER ? provider : scheme.path))
          .headers(headers())
          .body(body())
          .build();
    }

    /** Signs as the named provider preset: one signing oracle, {@link ProviderSigning}, for every scheme. */
    private void signPreset(String name, WebhookHeaders.Builder h, String deliveryId, long seconds, byte[] content) {
      ProviderSigning.sign(
          name, h, wrongSecret ? wrongKey() : key, url, deliveryId, seconds, content, contentType, !withoutSignature);
    }

    private void signature(WebhookHeaders.Builder h, String name, String value) {
      if (!withoutSignature) {
        h.add(name, value);
      }
    }

    private void checkOptions() {
      boolean hmacOptions =
          timestampHeader != null
              || signedContent != null
              || idHeader != null
              || base64
              || !prefix.isEmpty()
              || !"HmacSHA256".equals(algorithm);
      if (scheme != Scheme.HMAC && hmacOptions) {
        throw new IllegalStateException("custom HMAC options apply only to SignedRequest.hmac(..)");
      }
    }

    private Instant signedAt() {
      return baseTime().plus(skew);
    }

    /** The explicit timestamp, or the clock read once, so body, id and headers agree across calls. */
    private Instant baseTime() {
      if (timestamp != null) {
        return timestamp;
      }
      if (now == null) {
        now = clock.instant();
      }
      return now;
    }

    private String deliveryId() {
      if (id != null) {
        return id;
      }
      long seconds = baseTime().getEpochSecond();
      byte[] seed = sha256((scheme.name() + ":" + seconds).getBytes(StandardCharsets.UTF_8));
      if (scheme == Scheme.GITHUB || scheme == Scheme.SHOPIFY) {
        return UUID.nameUUIDFromBytes(seed).toString();
      }
      String hex = HexFormat.of().formatHex(seed, 0, 12);
      return scheme.idPrefix + (scheme == Scheme.SLACK ? hex.toUpperCase(Locale.ROOT) : hex);
    }

    private byte[] signedBody() {
      if (scheme == Scheme.PROVIDER) {
        byte[] content = body != null ? body.clone() : defaultProviderBody();
        String secret = wrongSecret ? providerSecret + "-wrong" : providerSecret;
        return ProviderSigning.body(provider, secret, signedAt().getEpochSecond(), deliveryId(), content);
      }
      if (body != null) {
        return body.clone();
      }
      String deliveryId = deliveryId();
      String json;
      switch (scheme) {
        case STRIPE:
          json = "{\"id\":\"" + deliveryId + "\",\"object\":\"event\",\"type\":\"hookline.test\",\"data\":{\"object\":{}}}";
          break;
        case SLACK:
          json = "{\"type\":\"event_callback\",\"event_id\":\"" + deliveryId + "\",\"event\":{\"type\":\"hookline.test\"}}";
          break;
        default:
          json = "{\"id\":\"" + deliveryId + "\",\"type\":\"hookline.test\",\"data\":{}}";
      }
      return json.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] defaultProviderBody() {
      String id = deliveryId();
      String text =
          provider.equals("twilio")
              ? "MessageSid=SM" + id + "&From=%2B15555550100&To=%2B15555550101&Body=Hello+from+Hookline"
              : "{\"id\":\"" + id + "\",\"type\":\"hookline.test\",\"data\":{}}";
      return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The key changed so that every signature made with it fails, and a token no longer matches. */
    private byte[] wrongKey() {
      byte[] altered = Arrays.copyOf(key, key.length + 6);
      System.arraycopy("-wrong".getBytes(StandardCharsets.UTF_8), 0, altered, key.length, 6);
      return altered;
    }

    private byte[] renderTemplate(String ts, byte[] content) {
      String template = signedContent != null ? signedContent : timestampHeader != null ? "{timestamp}.{body}" : "{body}";
      int at = template.indexOf("{body}");
      if (at < 0) {
        throw new IllegalStateException("signedContent must contain {body}");
      }
      String before = template.substring(0, at).replace("{timestamp}", ts);
      String after = template.substring(at + "{body}".length()).replace("{timestamp}", ts);
      byte[] head = before.getBytes(StandardCharsets.UTF_8);
      byte[] tail = after.getBytes(StandardCharsets.UTF_8);
      byte[] all = new byte[head.length + content.length + tail.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(content, 0, all, head.length, content.length);
      System.arraycopy(tail, 0, all, head.length + content.length, tail.length);
      return all;
    }

    private byte[] ed25519(byte[] content) {
      try {
        PrivateKey signingKey = privateKey;
        if (wrongSecret) {
          if (wrongPrivateKey == null) {
            wrongPrivateKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
          }
          signingKey = wrongPrivateKey;
        }
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(signingKey);
        signer.update(content);
        return signer.sign();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot sign with Ed25519", e);
      }
    }

    private static byte[] join(String head, byte[] content) {
      byte[] prefixBytes = head.getBytes(StandardCharsets.UTF_8);
      byte[] all = Arrays.copyOf(prefixBytes, prefixBytes.length + content.length);
      System.arraycopy(content, 0, all, prefixBytes.length, content.length);
      return all;
    }

    private static byte[] sha256(byte[] data) {
      try {
        return MessageDigest.getInstance("SHA-256").digest(data);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("SHA-256 is required of every Java platform", e);
      }
    }

    private static String hex(byte[] bytes) {
      return HexFormat.of().formatHex(bytes);
    }

    private static String b64(byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
  }
}
