package dev.hookline.core.signature;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.core.Handshake;
import dev.hookline.core.HooklineException;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Verifies Amazon SNS messages delivered to an HTTP(S) subscription: {@code Notification}, {@code
 * SubscriptionConfirmation} and {@code UnsubscribeConfirmation}, {@code SignatureVersion} 1 (SHA1withRSA) and 2
 * (SHA256withRSA), against the certificate at the message's {@code SigningCertURL}.
 *
 * <p>Checks, in order:
 *
 * <ol>
 *   <li>the body is an SNS message: a JSON object with {@code Type}, {@code MessageId}, {@code TopicArn}, {@code
 *       Timestamp}, {@code SignatureVersion}, {@code Signature} and {@code SigningCertURL} (and the fields its type
 *       signs), and an {@code x-amz-sns-message-type} header, when present, that agrees with {@code Type};
 *   <li>{@code TopicArn} is one of the {@link Builder#topicArns allowed topics} ({@link Check#NOT_ALLOWED}): a
 *       subscription to any other topic is never confirmed and its notifications are refused;
 *   <li>{@code SigningCertURL} is HTTPS on an {@code sns.<region>.amazonaws.com} host (or {@code .amazonaws.com.cn})
 *       and ends in {@code .pem}; otherwise nothing is fetched ({@link Check#UNKNOWN_KEY});
 *   <li>the certificate, fetched once and cached (at most {@value #MAX_CACHED_CERTIFICATES} URLs), is valid now by the
 *       clock; a fetch that fails is retryable: the receiver answers 503 and SNS delivers again;
 *   <li>the signature over SNS's canonical string of the message's fields ({@link Check#SIGNATURE}).
 * </ol>
 *
 * <p>SNS signs no freshness window of its own that survives its retries (they can span hours), so no timestamp
 * tolerance is applied; deduplicate by the delivery id, {@code MessageId}.
 *
 * <p>{@link #subscriptionHandshake()} confirms a verified {@code SubscriptionConfirmation} by fetching its {@code
 * SubscribeURL} (same host rule) and answers {@code UnsubscribeConfirmation}; neither is enqueued. {@code
 * dev.hookline.core.signature.Providers}' {@code sns} preset wires both.
 *
 * <p>Thread-safety: immutable configuration and a concurrent certificate cache; safe to share.
 *
 * <pre>{@code
 * SnsVerifier sns = SnsVerifier.builder()
 *     .addTopicArn("arn:aws:sns:eu-west-1:123456789012:orders")
 *     .build();
 * WebhookSource source = WebhookSource.builder()
 *     .name("orders")
 *     .verifier(sns)
 *     .handshake(sns.subscriptionHandshake())
 *     .contentTypes(List.of("text/plain", "application/json"))
 *     .build();
 * }</pre>
 *
 * @see <a href="https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html">Verifying the
 *     signatures of Amazon SNS messages</a>
 */
public final class SnsVerifier implements SignatureVerifier {

  /** The header SNS names the message type in. */
  public static final String MESSAGE_TYPE_HEADER = "x-amz-sns-message-type";

  /** The header SNS puts the message id in. */
  public static final String MESSAGE_ID_HEADER = "x-amz-sns-message-id";

  private static final List<String> HEADER_NAMES = List.of(MESSAGE_TYPE_HEADER, MESSAGE_ID_HEADER);

  /** The most certificate URLs kept; SNS signs with one certificate per region, rotated rarely. */
  public static final int MAX_CACHED_CERTIFICATES = 16;

  /** The default timeout of {@link Fetcher#https(Duration)}: 5 seconds, well within SNS's 15-second delivery wait. */
  public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(5);

  static final String NOTIFICATION = "Notification";
  static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
  static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";

  /** SNS's own hosts: {@code sns.<region>.amazonaws.com}, and the China partition's {@code .amazonaws.com.cn}. */
  private static final Pattern SNS_HOST = Pattern.compile("sns\\.[a-z0-9-]{3,}\\.amazonaws\\.com(\\.cn)?");

  /** Plenty for a PEM certificate or a confirmation response; nothing larger is read. */
  private static final int MAX_FETCH_BYTES = 64 * 1024;

  private final Set<String> topicArns;
  private final Fetcher fetcher;
  private final Clock clock;
  private final ConcurrentHashMap<String, X509Certificate> certificates = new ConcurrentHashMap<>();

  private SnsVerifier(Set<String> topicArns, Fetcher fetcher, Clock clock) {
    this.topicArns = topicArns;
    this.fetcher = fetcher;
    this.clock = clock;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Fetches a document over HTTPS with GET: the signing certificate, and the {@code SubscribeURL} that confirms a
   * subscription. Only URLs on SNS's hosts are ever passed to it. Implementations must be thread-safe; tests pass one
   * that serves a certificate they made.
   */
  @FunctionalInterface
  public interface Fetcher {

    /**
     * Fetches the document.
     *
     * @param uri an HTTPS URL on an SNS host
     * @return the response body of a 200
     * @throws IOException when it cannot be fetched (the receiver answers 503 and SNS delivers again)
     */
    byte[] get(URI uri) throws IOException;

    /**
     * Returns a fetcher on the JDK's {@link HttpURLConnection}: no redirects followed, connect and read timeouts, at
     * most 64 KiB read, and only a 200 accepted. It starts no threads of its own.
     *
     * @param timeout the connect and the read timeout
     * @return the fetcher
     */
    static Fetcher https(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      return uri -> {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
          connection.setInstanceFollowRedirects(false);
          connection.setConnectTimeout(millis);
          connection.setReadTimeout(millis);
          connection.setRequestMethod("GET");
          int status = connection.getResponseCode();
          if (status != 200) {
            throw new IOException("GET " + uri.getHost() + " answered " + status);
          }
          try (InputStream in = connection.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_FETCH_BYTES + 1);
            if (bytes.length > MAX_FETCH_BYTES) {
              throw new IOException("GET " + uri.getHost() + " answered more than " + MAX_FETCH_BYTES + " bytes");
            }
            return bytes;
          }
        } finally {
          connection.disconnect();
        }
      };
    }
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body) {
    Message message = Message.parse(body);
    Optional<String> headerType = headers.first(MESSAGE_TYPE_HEADER).map(String::trim);
    if (headerType.isPresent() && !headerType.get().equals(message.type)) {
      throw new SignatureVerificationException(
          Check.MALFORMED, MESSAGE_TYPE_HEADER + " header does not match the body's Type");
    }
    if (!topicArns.contains(message.topicArn)) {
      throw new SignatureVerificationException(Check.NOT_ALLOWED, "TopicArn is not an allowed topic");
    }
    URI certificateUrl = snsUrl(message.signingCertUrl, "SigningCertURL", true);
    String algorithm;
    if ("1".equals(message.signatureVersion)) {
      algorithm = "SHA1withRSA";
    } else if ("2".equals(message.signatureVersion)) {
      algorithm = "SHA256withRSA";
    } else {
      throw new SignatureVerificationException(Check.MALFORMED, "SignatureVersion field malformed: expected 1 or 2");
    }
    byte[] signature = Codec.base64(message.signature);
    if (signature == null) {
      throw new SignatureVerificationException(Check.MALFORMED, "Signature field malformed: expected base64");
    }
    PublicKey key = certificate(certificateUrl).getPublicKey();
    try {
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(key);
      verifier.update(message.stringToSign().getBytes(StandardCharsets.UTF_8));
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // A signature of the wrong length or a key of another type is simply not a match.
    }
    throw new SignatureVerificationException(Check.SIGNATURE, "signature mismatch");
  }

  /** Returns the message's {@code MessageId}, SNS's own id for each message (kept across its retries). */
  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return JsonBody.optionalText(body, "MessageId");
  }

  /** Returns the SNS message type and message id headers: everything else SNS signs is in the body. */
  @Override
  public List<String> headerNames() {
    return HEADER_NAMES;
  }

  /** Returns {@code sns}. */
  @Override
  public String scheme() {
    return "sns";
  }

  /**
   * Returns the handshake that confirms a verified {@code SubscriptionConfirmation} by fetching its {@code
   * SubscribeURL} with this verifier's fetcher (answering 503 when that fails, so SNS delivers it again) and answers a
   * verified {@code UnsubscribeConfirmation}. Neither reaches the queue.
   *
   * @return the handshake
   */
  public Handshake subscriptionHandshake() {
    return Handshakes.sns(this);
  }

  /** Returns the allowed topic ARNs. */
  public Set<String> topicArns() {
    return topicArns;
  }

  /**
   * Confirms a subscription by fetching its {@code SubscribeURL}.
   *
   * @throws SignatureVerificationException {@link Check#UNKNOWN_KEY} when the URL is not on an SNS host (nothing is
   *     fetched)
   * @throws IOException when the fetch fails
   */
  void confirm(String subscribeUrl) throws IOException {
    fetcher.get(snsUrl(subscribeUrl, "SubscribeURL", false));
  }

  private X509Certificate certificate(URI url) {
    String key = url.toString();
    X509Certificate cached = certificates.get(key);
    if (cached != null && validNow(cached)) {
      return cached;
    }
    byte[] pem;
    try {
      pem = fetcher.get(url);
    } catch (IOException | RuntimeException e) {
      throw new HooklineException("SNS signing certificate could not be fetched from " + url.getHost(), e, true);
    }
    X509Certificate certificate;
    try {
      certificate =
          (X509Certificate)
              CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    } catch (CertificateException | ClassCastException e) {
      throw new SignatureVerificationException(Check.UNKNOWN_KEY, "SigningCertURL is not an X.509 certificate");
    }
    if (!validNow(certificate)) {
      throw new SignatureVerificationException(Check.UNKNOWN_KEY, "signing certificate is expired or not yet valid");
    }
    if (certificates.size() >= MAX_CACHED_CERTIFICATES) {
      // Only a handful of URLs are ever legitimate (one per region); more means churn, so start over.
      certificates.clear();
    }
    certificates.put(key, certificate);
    return certificate;
  }

  private boolean validNow(X509Certificate certificate) {
    try {
      certificate.checkValidity(Date.from(clock.instant()));
      return true;
    } catch (CertificateException e) {
      return false;
    }
  }

  /**
   * Returns the URL when it is HTTPS on an SNS host (and, for a certificate, ends in {@code .pem}).
   *
   * @throws SignatureVerificationException {@link Check#UNKNOWN_KEY} otherwise
   */
  static URI snsUrl(String text, String field, boolean certificate) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new SignatureVerificationException(Check.UNKNOWN_KEY, field + " is not a URL");
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    boolean ok =
        "https".equalsIgnoreCase(uri.getScheme())
            && uri.getRawUserInfo() == null
            && (uri.getPort() == -1 || uri.getPort() == 443)
            && SNS_HOST.matcher(host).matches()
            && (!certificate || (uri.getPath() != null && uri.getPath().endsWith(".pem")));
    if (!ok) {
      throw new SignatureVerificationException(Check.UNKNOWN_KEY, field + " is not an HTTPS URL on an SNS host");
    }
    return uri;
  }

  /** Shows the number of allowed topics and cached certificates. */
  @Override
  public String toString() {
    return "SnsVerifier{scheme=sns, topicArns=" + topicArns.size() + ", cachedCertificates=" + certificates.size() + '}';
  }

  /** The fields of one SNS message that are signed or checked. */
  static final class Message {
    final String type;
    final String messageId;
    final String topicArn;
    final String timestamp;
    final String message;
    final String subject;
    final String subscribeUrl;
    final String token;
    final String signatureVersion;
    final String signature;
    final String signingCertUrl;

    private Message(JsonNode root) {
      this.type = required(root, "Type");
      this.messageId = required(root, "MessageId");
      this.topicArn = required(root, "TopicArn");
      this.timestamp = required(root, "Timestamp");
      this.signatureVersion = required(root, "SignatureVersion");
      this.signature = required(root, "Signature");
      this.signingCertUrl = required(root, "SigningCertURL");
      this.message = required(root, "Message");
      if (NOTIFICATION.equals(type)) {
        this.subject = optional(root, "Subject");
        this.subscribeUrl = null;
        this.token = null;
      } else if (SUBSCRIPTION_CONFIRMATION.equals(type) || UNSUBSCRIBE_CONFIRMATION.equals(type)) {
        this.subject = null;
        this.subscribeUrl = required(root, "SubscribeURL");
        this.token = required(root, "Token");
      } else {
        throw new SignatureVerificationException(Check.MALFORMED, "Type field malformed: not an SNS message type");
      }
    }

    /**
     * Parses an SNS message.
     *
     * @throws SignatureVerificationException when the body is not an SNS message
     */
    static Message parse(byte[] body) {
      return new Message(new JsonBody(body).root());
    }

    /** SNS's canonical string: the signed fields' names and values, each followed by a newline, in this order. */
    String stringToSign() {
      List<String> lines = new ArrayList<>(14);
      add(lines, "Message", message);
      add(lines, "MessageId", messageId);
      if (NOTIFICATION.equals(type)) {
        add(lines, "Subject", subject);
      } else {
        add(lines, "SubscribeURL", subscribeUrl);
      }
      add(lines, "Timestamp", timestamp);
      if (!NOTIFICATION.equals(type)) {
        add(lines, "Token", token);
      }
      add(lines, "TopicArn", topicArn);
      add(lines, "Type", type);
      return String.join("\n", lines) + "\n";
    }

    private static void add(List<String> lines, String name, String value) {
      if (value != null) {
        lines.add(name);
        lines.add(value);
      }
    }

    private static String required(JsonNode root, String field) {
      JsonNode node = root.get(field);
      if (node == null || !node.isTextual()) {
        throw new SignatureVerificationException(Check.MISSING, field + " field missing");
      }
      return node.asText();
    }

    private static String optional(JsonNode root, String field) {
      JsonNode node = root.get(field);
      return node == null || !node.isTextual() ? null : node.asText();
    }
  }

  /**
   * Builds an {@link SnsVerifier}; not thread-safe. Setters only record; {@link #build()} validates.
   *
   * <p>At least one topic ARN is required: a source accepts only the topics it names.
   */
  public static final class Builder {
    private final List<String> topicArns = new ArrayList<>();
    private Fetcher fetcher;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Replaces the allowed topic ARNs, for example {@code arn:aws:sns:eu-west-1:123456789012:orders}.
     *
     * @param topicArns the ARNs
     * @return this builder
     */
    public Builder topicArns(Collection<String> topicArns) {
      Secrets.replace(this.topicArns, topicArns, "topicArns");
      return this;
    }

    /**
     * Adds an allowed topic ARN.
     *
     * @param topicArn the ARN
     * @return this builder
     */
    public Builder addTopicArn(String topicArn) {
      topicArns.add(Objects.requireNonNull(topicArn, "topicArn"));
      return this;
    }

    /**
     * Sets what fetches certificates and confirms subscriptions. Default {@link Fetcher#https(Duration)} with {@link
     * SnsVerifier#DEFAULT_FETCH_TIMEOUT}. Change it to go through a proxy, or in tests.
     *
     * @param fetcher the fetcher; you own it
     * @return this builder
     */
    public Builder fetcher(Fetcher fetcher) {
      this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
      return this;
    }

    /**
     * Sets the clock certificates' validity is checked with. Default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Returns the verifier.
     *
     * @return the verifier
     * @throws IllegalArgumentException starting with {@code topicArns} when there is none or one is not an SNS topic
     *     ARN
     */
    public SnsVerifier build() {
      if (topicArns.isEmpty()) {
        throw new IllegalArgumentException("topicArns must contain at least one topic ARN");
      }
      Set<String> arns = new LinkedHashSet<>();
      for (int i = 0; i < topicArns.size(); i++) {
        String arn = topicArns.get(i).trim();
        if (!arn.startsWith("arn:") || !arn.contains(":sns:")) {
          throw new IllegalArgumentException("topicArns[" + i + "] must be an SNS topic ARN (arn:...:sns:...)");
        }
        arns.add(arn);
      }
      Fetcher chosen = fetcher != null ? fetcher : Fetcher.https(DEFAULT_FETCH_TIMEOUT);
      return new SnsVerifier(Set.copyOf(arns), chosen, clock);
    }
  }
}
