package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The HMAC family, built once: every HMAC-signing sender is one configuration of it.
 *
 * <ul>
 *   <li><b>Where the signature is</b>: a header, alone with an optional prefix ({@code sha256=<hex>}), or as one entry
 *       of a list ({@code t=..,v1=..} for Stripe, {@code ts=..;h1=..} for Paddle, {@code v1=..,v1=..} for PagerDuty);
 *       or a field of a JSON body (Mailgun). Hex or base64.
 *   <li><b>What is signed</b>: a sequence of {@link Part}s: literal text, the raw body, the timestamp as sent, another
 *       header (Twitch's message id), a JSON field (Mailgun's token), the configured public URL (Square, HubSpot,
 *       Twilio) and Twilio's sorted form parameters.
 *   <li><b>The timestamp</b>, if signed: from a header, a list entry or a JSON field; Unix seconds, milliseconds or
 *       RFC 3339; within a tolerance of the reference time.
 * </ul>
 *
 * <p>Order of checks: the signature is found and decoded and the timestamp parsed (missing or malformed: {@link
 * Check#MISSING}, {@link Check#DUPLICATED}, {@link Check#MALFORMED}); then the MAC ({@link Check#SIGNATURE}); then
 * the window ({@link Check#TIMESTAMP_TOO_OLD}, {@link Check#TIMESTAMP_IN_FUTURE}). Checking the window last tells a
 * stale but authentic request (a replay, a slow retry, a skewed clock) apart from a forged one in the logs; it costs
 * one HMAC for a stale request, which is nothing.
 *
 * <p>Immutable and thread-safe.
 */
final class HmacFamily implements Family {

  /** How a signature is written. */
  enum Encoding {
    /** Hexadecimal, either case. */
    HEX,
    /** Standard base64 with padding. */
    BASE64
  }

  /** Where a signed timestamp is read from. */
  enum TimestampSource {
    /** No timestamp is signed. */
    NONE,
    /** A header of its own. */
    HEADER,
    /** An entry of the signature list ({@code t=} for Stripe). */
    LIST,
    /** A field of the JSON body. */
    JSON
  }

  /** One piece of the signed content, computed from the request. */
  @FunctionalInterface
  interface Part {
    /**
     * Returns the piece's bytes.
     *
     * @throws SignatureVerificationException when what it reads is missing or malformed
     */
    byte[] bytes(Request request);
  }

  /** The raw body. */
  static final Part BODY = r -> r.body;

  /** The timestamp exactly as sent. */
  static final Part TIMESTAMP = r -> utf8(r.timestamp);

  /** The configured public URL (one of its variants, for Twilio). */
  static final Part URL = r -> utf8(r.url);

  /**
   * Twilio's form parameters: for a form-encoded body, each name followed by its value, sorted by name (then value),
   * nothing between; for any other body, nothing (the URL then carries {@code bodySHA256}).
   */
  static final Part SORTED_FORM = HmacFamily::sortedForm;

  /** Literal UTF-8 text. */
  static Part literal(String text) {
    byte[] bytes = utf8(text);
    return r -> bytes;
  }

  /** Another header's only value, for example Twitch's message id. */
  static Part header(String name) {
    return r -> utf8(HeaderValues.required(r.headers, name));
  }

  /** A JSON body field's text, for example Mailgun's {@code signature.token}. */
  static Part json(String path) {
    return r -> utf8(r.json().text(path));
  }

  /** What one request offers the parts. Not thread-safe; one per verification. */
  static final class Request {
    final WebhookHeaders headers;
    final byte[] body;
    private JsonBody json;
    String timestamp;
    String url;

    Request(WebhookHeaders headers, byte[] body) {
      this.headers = headers;
      this.body = body;
    }

    /** The body as JSON, parsed on first use: most schemes never read it. */
    JsonBody json() {
      if (json == null) {
        json = new JsonBody(body);
      }
      return json;
    }
  }

  /** The one URL to try when none is configured. */
  private static final List<String> NO_URL = Collections.singletonList(null);

  private final String algorithmName;
  private final HmacKeys keys;
  private final String signatureHeader;
  private final String signatureField;
  private final String prefix;
  private final Encoding encoding;
  private final char entrySeparator;
  private final char keySeparator;
  private final String signatureKey;
  private final TimestampSource timestampSource;
  private final String timestampName;
  private final TimestampWindow.Format timestampFormat;
  private final String timestampLabel;
  private final TimestampWindow window;
  private final List<Part> parts;
  private final String url;
  private final boolean twilioUrl;

  private HmacFamily(Builder b) {
    this.algorithmName = b.keys.algorithm();
    this.keys = b.keys;
    this.signatureHeader = b.signatureHeader;
    this.signatureField = b.signatureField;
    this.prefix = b.prefix;
    this.encoding = b.encoding;
    this.entrySeparator = b.entrySeparator;
    this.keySeparator = b.keySeparator;
    this.signatureKey = b.signatureKey;
    this.timestampSource = b.timestampSource;
    this.timestampName = b.timestampName;
    this.timestampFormat = b.timestampFormat;
    this.timestampLabel = b.timestampLabel != null ? b.timestampLabel : defaultLabel(b);
    this.window = b.window;
    this.parts = List.copyOf(b.parts);
    this.url = b.url;
    this.twilioUrl = b.twilioUrl;
  }

  private static String defaultLabel(Builder b) {
    switch (b.timestampSource) {
      case LIST:
        return b.signatureHeader + " timestamp";
      case JSON:
        return b.timestampName + " field";
      default:
        return b.timestampName;
    }
  }

  /** Returns a builder over these keys. */
  static Builder builder(HmacKeys keys) {
    return new Builder(keys);
  }

  /** Returns the keys, for handshakes that answer with an HMAC of a challenge (Zoom, X). */
  HmacKeys keys() {
    return keys;
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body, long referenceMillis) {
    Request request = new Request(headers, body);
    List<byte[]> signatures = signatures(request);
    long signedAt = 0;
    if (timestampSource != TimestampSource.NONE) {
      if (timestampSource == TimestampSource.HEADER) {
        request.timestamp = HeaderValues.required(headers, timestampName);
      } else if (timestampSource == TimestampSource.JSON) {
        request.timestamp = request.json().text(timestampName);
      }
      signedAt = TimestampWindow.parse(request.timestamp, timestampFormat, timestampLabel);
    }
    boolean matched = false;
    for (String candidateUrl : urls(headers, body)) {
      request.url = candidateUrl;
      List<byte[]> segments = new ArrayList<>(parts.size());
      for (Part part : parts) {
        segments.add(part.bytes(request));
      }
      if (keys.matchesAny(segments, signatures)) {
        matched = true;
        break;
      }
    }
    if (!matched) {
      throw new SignatureVerificationException(Check.SIGNATURE, "signature mismatch");
    }
    if (timestampSource != TimestampSource.NONE) {
      window.check(signedAt, timestampLabel, referenceMillis);
    }
  }

  /** Finds and decodes the candidate signatures; a list header may also carry the timestamp. */
  private List<byte[]> signatures(Request request) {
    if (signatureField != null) {
      String value = request.json().text(signatureField);
      return List.of(require(decode(value), signatureField + " field"));
    }
    String value = HeaderValues.required(request.headers, signatureHeader);
    if (signatureKey == null) {
      String stripped = SignatureLists.stripPrefix(value, prefix, signatureHeader);
      return List.of(require(decode(stripped), signatureHeader + " header"));
    }
    List<byte[]> signatures = new ArrayList<>(2);
    String timestamp = null;
    for (Map.Entry<String, String> entry : SignatureLists.parse(value, entrySeparator, keySeparator)) {
      String key = entry.getKey();
      if (timestampSource == TimestampSource.LIST && key.equals(timestampName)) {
        if (timestamp != null) {
          throw new SignatureVerificationException(
              Check.MALFORMED, signatureHeader + " header malformed: duplicated timestamp");
        }
        timestamp = entry.getValue();
      } else if (key.equals(signatureKey)) {
        // An entry that does not decode is ignored like an unknown one: another entry may still match.
        byte[] decoded = decode(entry.getValue());
        if (decoded != null) {
          signatures.add(decoded);
        }
      }
    }
    if (timestampSource == TimestampSource.LIST) {
      if (timestamp == null) {
        throw new SignatureVerificationException(Check.MALFORMED, signatureHeader + " header malformed: no timestamp");
      }
      request.timestamp = timestamp;
    }
    if (signatures.isEmpty()) {
      throw new SignatureVerificationException(
          Check.MALFORMED, signatureHeader + " header malformed: no " + signatureKey + " signature");
    }
    return signatures;
  }

  private byte[] decode(String text) {
    return encoding == Encoding.HEX ? Codec.hex(text) : Codec.base64(text);
  }

  private byte[] require(byte[] decoded, String what) {
    if (decoded == null) {
      throw new SignatureVerificationException(
          Check.MALFORMED, what + " malformed: expected " + encoding.name().toLowerCase(Locale.ROOT));
    }
    return decoded;
  }

  /**
   * The URLs to try: none configured, one null; otherwise the URL, and for Twilio with {@code bodySHA256} appended to
   * a non-form body and the variants with the port removed or the default port added, as Twilio's libraries try.
   */
  private List<String> urls(WebhookHeaders headers, byte[] body) {
    if (url == null) {
      return NO_URL;
    }
    if (!twilioUrl) {
      return List.of(url);
    }
    String signed = url;
    if (!isForm(headers)) {
      signed = url + (url.indexOf('?') < 0 ? '?' : '&') + "bodySHA256=" + sha256Hex(body);
    }
    List<String> variants = new ArrayList<>(3);
    variants.add(signed);
    UrlPort.withoutPort(signed).filter(v -> !variants.contains(v)).ifPresent(variants::add);
    UrlPort.withDefaultPort(signed).filter(v -> !variants.contains(v)).ifPresent(variants::add);
    return variants;
  }

  private static byte[] sortedForm(Request request) {
    if (!isForm(request.headers)) {
      return HmacKeys.EMPTY;
    }
    List<String[]> pairs = FormBody.parse(request.body);
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    ByteArrayOutputStream out = new ByteArrayOutputStream(request.body.length);
    for (String[] pair : pairs) {
      out.writeBytes(utf8(pair[0]));
      out.writeBytes(utf8(pair[1]));
    }
    return out.toByteArray();
  }

  private static boolean isForm(WebhookHeaders headers) {
    return headers
        .first("Content-Type")
        .map(v -> v.toLowerCase(Locale.ROOT).trim().startsWith("application/x-www-form-urlencoded"))
        .orElse(false);
  }

  private static String sha256Hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String describe() {
    String where = signatureField != null ? signatureField + " field" : signatureHeader;
    return algorithmName
        + ", signature="
        + where
        + (timestampSource == TimestampSource.NONE ? "" : ", tolerance=" + window.tolerance())
        + (url == null ? "" : ", url=set")
        + ", secrets="
        + keys.size();
  }

  /** Form bodies ({@code application/x-www-form-urlencoded}) as name and value pairs, decoded as UTF-8. */
  static final class FormBody {
    private FormBody() {}

    /** Returns the pairs in order; a pair without {@code =} has an empty value. */
    static List<String[]> parse(byte[] body) {
      List<String[]> pairs = new ArrayList<>();
      String text = new String(body, StandardCharsets.UTF_8);
      for (String item : text.split("&")) {
        if (item.isEmpty()) {
          continue;
        }
        int eq = item.indexOf('=');
        String name = eq < 0 ? item : item.substring(0, eq);
        String value = eq < 0 ? "" : item.substring(eq + 1);
        pairs.add(new String[] {decode(name), decode(value)});
      }
      return pairs;
    }

    private static String decode(String text) {
      try {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new SignatureVerificationException(Check.MALFORMED, "body malformed: not form-encoded");
      }
    }
  }

  /** Port variants of a URL, as Twilio's libraries compute them. */
  static final class UrlPort {
    private UrlPort() {}

    /** Returns the URL with an explicit port removed, if it has one. */
    static Optional<String> withoutPort(String url) {
      int[] host = hostBounds(url);
      if (host == null) {
        return Optional.empty();
      }
      int colon = url.indexOf(':', host[0]);
      if (colon < 0 || colon >= host[1]) {
        return Optional.empty();
      }
      return Optional.of(url.substring(0, colon) + url.substring(host[1]));
    }

    /** Returns the URL with the scheme's default port (443 or 80) added, if it has no port. */
    static Optional<String> withDefaultPort(String url) {
      int[] host = hostBounds(url);
      if (host == null) {
        return Optional.empty();
      }
      int colon = url.indexOf(':', host[0]);
      if (colon >= 0 && colon < host[1]) {
        return Optional.empty();
      }
      String port = url.regionMatches(true, 0, "https:", 0, 6) ? ":443" : ":80";
      return Optional.of(url.substring(0, host[1]) + port + url.substring(host[1]));
    }

    /** Returns [start, end) of the authority's host and port, or null when the URL has no {@code scheme://}. */
    private static int[] hostBounds(String url) {
      int start = url.indexOf("://");
      if (start < 0) {
        return null;
      }
      start += 3;
      int end = start;
      while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
        end++;
      }
      int at = url.lastIndexOf('@', end - 1);
      if (at >= start) {
        start = at + 1;
      }
      return new int[] {start, end};
    }
  }

  /** Builds an {@link HmacFamily}; for this package's presets and scheme classes. */
  static final class Builder {
    private final HmacKeys keys;
    private String signatureHeader;
    private String signatureField;
    private String prefix = "";
    private Encoding encoding = Encoding.HEX;
    private char entrySeparator;
    private char keySeparator;
    private String signatureKey;
    private TimestampSource timestampSource = TimestampSource.NONE;
    private String timestampName;
    private TimestampWindow.Format timestampFormat = TimestampWindow.Format.UNIX_SECONDS;
    private String timestampLabel;
    private TimestampWindow window;
    private final List<Part> parts = new ArrayList<>();
    private String url;
    private boolean twilioUrl;

    private Builder(HmacKeys keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** The signature is this header's value, after {@link #prefix}. */
    Builder signatureHeader(String name) {
      this.signatureHeader = name;
      return this;
    }

    /** The signature is a JSON body field. */
    Builder signatureField(String path) {
      this.signatureField = path;
      return this;
    }

    Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    Builder encoding(Encoding encoding) {
      this.encoding = encoding;
      return this;
    }

    /** The signature header is a list of entries; the signatures are those under {@code key}. */
    Builder signatureList(char entrySeparator, char keySeparator, String key) {
      this.entrySeparator = entrySeparator;
      this.keySeparator = keySeparator;
      this.signatureKey = key;
      return this;
    }

    Builder timestampHeader(String name, TimestampWindow.Format format) {
      return timestamp(TimestampSource.HEADER, name, format);
    }

    /** The timestamp is the signature list's entry under {@code key}. */
    Builder timestampInList(String key, TimestampWindow.Format format) {
      return timestamp(TimestampSource.LIST, key, format);
    }

    Builder timestampField(String path, TimestampWindow.Format format) {
      return timestamp(TimestampSource.JSON, path, format);
    }

    private Builder timestamp(TimestampSource source, String name, TimestampWindow.Format format) {
      this.timestampSource = source;
      this.timestampName = name;
      this.timestampFormat = format;
      return this;
    }

    /** Names the timestamp in failure messages; default the header, {@code <header> timestamp} or {@code <field>}. */
    Builder timestampLabel(String label) {
      this.timestampLabel = label;
      return this;
    }

    Builder window(TimestampWindow window) {
      this.window = window;
      return this;
    }

    /** The signed content, in order. */
    Builder signedContent(Part... parts) {
      this.parts.clear();
      this.parts.addAll(List.of(parts));
      return this;
    }

    /** The public URL the sender signs; with {@code twilio}, its {@code bodySHA256} and port variants too. */
    Builder url(String url, boolean twilio) {
      this.url = url;
      this.twilioUrl = twilio;
      return this;
    }

    HmacFamily build() {
      if ((signatureHeader == null) == (signatureField == null)) {
        throw new IllegalStateException("exactly one of signatureHeader and signatureField");
      }
      if (timestampSource == TimestampSource.LIST && signatureKey == null) {
        throw new IllegalStateException("a list timestamp needs a signature list");
      }
      if (timestampSource != TimestampSource.NONE && window == null) {
        throw new IllegalStateException("a signed timestamp needs a window");
      }
      if (parts.isEmpty()) {
        throw new IllegalStateException("signedContent must not be empty");
      }
      return new HmacFamily(this);
    }
  }
}
