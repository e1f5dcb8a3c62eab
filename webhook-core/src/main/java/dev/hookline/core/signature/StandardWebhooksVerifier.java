package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> (also sent by Svix and its users).
 *
 * <p>The signed content is {@code <webhook-id>.<webhook-timestamp>.<body>}. The {@code webhook-signature} header
 * holds space-separated entries: {@code v1,<base64>} is an HMAC-SHA256 keyed with the symmetric secret ({@code
 * whsec_<base64>}, decoded), and {@code v1a,<base64>} an Ed25519 signature checked against a public key ({@code
 * whpk_<base64>} of the raw 32-byte key). Unknown versions are ignored; one matching entry is enough. The {@code
 * svix-id}, {@code svix-timestamp} and {@code svix-signature} aliases are accepted when the {@code webhook-*} header
 * is absent. Timestamps outside a tolerance (default 5 minutes, both directions) are rejected.
 *
 * <p>The delivery id is {@code webhook-id} (or {@code svix-id}).
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * <pre>{@code
 * SignatureVerifier symmetric = StandardWebhooksVerifier.builder()
 *     .addSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
 *     .build();
 * SignatureVerifier asymmetric = StandardWebhooksVerifier.builder()
 *     .addPublicKey("whpk_...") // raw 32-byte Ed25519 key, base64
 *     .build();
 * }</pre>
 *
 * @see <a href="https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md">The
 *     Standard Webhooks specification</a>
 */
public final class StandardWebhooksVerifier extends TimestampedVerifier {

  /** The message id header. */
  public static final String ID_HEADER = "webhook-id";

  /** The signed timestamp header. */
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";

  /** The signature header. */
  public static final String SIGNATURE_HEADER = "webhook-signature";

  /** What {@link #headerNames()} returns, also for {@link SignatureVerifiers#headerNames(String)}. */
  static final List<String> HEADER_NAMES = List.of(ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER);

  private static final String SVIX_ID = "svix-id";
  private static final String SVIX_TIMESTAMP = "svix-timestamp";
  private static final String SVIX_SIGNATURE = "svix-signature";
  private static final String SECRET_PREFIX = "whsec_";
  private static final String PUBLIC_KEY_PREFIX = "whpk_";

  private final HmacKeys secrets;
  private final PublicKeys publicKeys;

  private StandardWebhooksVerifier(HmacKeys secrets, PublicKeys publicKeys, TimestampWindow window) {
    super(window);
    this.secrets = secrets;
    this.publicKeys = publicKeys;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  void verifyAt(WebhookHeaders headers, byte[] body, long receivedAtMillis) {
    String id = HeaderValues.requiredAny(headers, ID_HEADER, SVIX_ID);
    String timestamp = HeaderValues.requiredAny(headers, TIMESTAMP_HEADER, SVIX_TIMESTAMP);
    String value = HeaderValues.requiredAny(headers, SIGNATURE_HEADER, SVIX_SIGNATURE);

    List<Map.Entry<String, String>> entries = SignatureLists.parse(value, ' ', ',');
    if (entries.isEmpty()) {
      throw new SignatureVerificationException(
          Check.MALFORMED, SIGNATURE_HEADER + " header malformed: no version,signature entry");
    }
    List<byte[]> v1 = new ArrayList<>(1);
    List<byte[]> v1a = new ArrayList<>(1);
    for (Map.Entry<String, String> entry : entries) {
      String version = entry.getKey();
      if ("v1".equals(version)) {
        addDecoded(v1, entry.getValue(), -1);
      } else if ("v1a".equals(version)) {
        addDecoded(v1a, entry.getValue(), PublicKeys.ED25519_SIGNATURE_LENGTH);
      }
    }
    long signedAt = TimestampWindow.parse(timestamp, TimestampWindow.Format.UNIX_SECONDS, TIMESTAMP_HEADER);

    // The signature first, then the window: a stale request with a right signature is then told apart (too old) from
    // a forged one (signature mismatch) in the logs.
    byte[] before = (id + '.' + timestamp + '.').getBytes(StandardCharsets.UTF_8);
    if (!secrets.matchesAny(before, body, v1) && !publicKeys.matchesAny(before, body, v1a)) {
      throw new SignatureVerificationException(Check.SIGNATURE, "signature mismatch");
    }
    window.check(signedAt, TIMESTAMP_HEADER, receivedAtMillis);
  }

  private static void addDecoded(List<byte[]> into, String encoded, int requiredLength) {
    byte[] decoded = Codec.base64(encoded);
    if (decoded != null && (requiredLength < 0 || decoded.length == requiredLength)) {
      into.add(decoded);
    }
  }

  /** Returns {@code webhook-id} (or {@code svix-id}). */
  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return HeaderValues.firstNonBlank(headers, ID_HEADER, SVIX_ID);
  }

  /**
   * Returns {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature}; the {@code svix-*} aliases
   * are accepted too but not listed.
   */
  @Override
  public List<String> headerNames() {
    return HEADER_NAMES;
  }

  /** Returns {@code standard-webhooks}. */
  @Override
  public String scheme() {
    return "standard-webhooks";
  }

  /** Shows the scheme, the number of secrets and public keys, and the tolerance; never the secrets. */
  @Override
  public String toString() {
    return "StandardWebhooksVerifier{scheme=standard-webhooks, secrets="
        + secrets.size()
        + ", publicKeys="
        + publicKeys.size()
        + ", tolerance="
        + window.tolerance()
        + '}';
  }

  /**
   * Builds a {@link StandardWebhooksVerifier}; not thread-safe.
   *
   * <p>Secrets are the symmetric {@code whsec_<base64>} secrets (the prefix may be omitted), decoded to key bytes;
   * public keys are Ed25519 keys, {@code whpk_<base64>} of the raw 32-byte key (the prefix may be omitted), that check
   * {@code v1a} signatures. At least one secret or public key is required. The default tolerance of 5 minutes is what
   * the specification recommends.
   */
  public static final class Builder extends TimestampedVerifierBuilder<Builder> {
    private final List<String> publicKeys = new ArrayList<>();

    private Builder() {}

    /**
     * Replaces the Ed25519 public keys ({@code whpk_<base64>} of the raw 32-byte key; the prefix may be omitted)
     * that check {@code v1a} signatures.
     *
     * @param publicKeys the public keys
     * @return this builder
     */
    public Builder publicKeys(Collection<String> publicKeys) {
      Secrets.replace(this.publicKeys, publicKeys, "publicKeys");
      return this;
    }

    /**
     * Adds an Ed25519 public key ({@code whpk_<base64>}).
     *
     * @param publicKey the public key
     * @return this builder
     */
    public Builder addPublicKey(String publicKey) {
      publicKeys.add(Objects.requireNonNull(publicKey, "publicKey"));
      return this;
    }

    /**
     * Returns the verifier.
     *
     * @return the immutable verifier
     * @throws IllegalArgumentException starting with {@code secrets} when there is neither a secret nor a public key
     *     or a secret is not {@code whsec_} base64, with {@code publicKeys} when a key is not a 32-byte base64
     *     Ed25519 key, or with {@code tolerance} when it is negative
     */
    @Override
    public StandardWebhooksVerifier build() {
      List<String> secrets = rawSecrets();
      if (secrets.isEmpty() && publicKeys.isEmpty()) {
        throw new IllegalArgumentException("secrets must contain at least one secret (or set publicKeys)");
      }
      List<byte[]> rawSecrets = new ArrayList<>(secrets.size());
      for (int i = 0; i < secrets.size(); i++) {
        rawSecrets.add(Secrets.decodePrefixedBase64(secrets.get(i), SECRET_PREFIX, "secrets[" + i + "]"));
      }
      List<PublicKey> keys = new ArrayList<>(publicKeys.size());
      for (int i = 0; i < publicKeys.size(); i++) {
        String field = "publicKeys[" + i + "]";
        byte[] raw = Secrets.decodePrefixedBase64(publicKeys.get(i), PUBLIC_KEY_PREFIX, field);
        keys.add(PublicKeys.ed25519(raw, field));
      }
      return new StandardWebhooksVerifier(
          HmacKeys.raw("HmacSHA256", rawSecrets), PublicKeys.of(PublicKeys.Algorithm.ED25519, keys), window());
    }
  }
}
