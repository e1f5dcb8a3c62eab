package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies GitHub webhooks: {@code X-Hub-Signature-256: sha256=<hex>}, an HMAC-SHA256 of the raw body keyed with
 * the webhook secret's UTF-8 bytes. GitHub signs no timestamp, so there is no replay window; deduplicate by the
 * delivery id ({@code X-GitHub-Delivery}).
 *
 * <p>Several secrets may be configured while you rotate; a request signed with any of them is accepted. Comparison
 * is in constant time.
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * <pre>{@code
 * SignatureVerifier github = GitHubVerifier.builder()
 *     .addSecret(System.getenv("GITHUB_WEBHOOK_SECRET"))
 *     .build();
 * github.verify(request.headers(), request.body());
 * }</pre>
 *
 * @see <a href="https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries">Validating
 *     webhook deliveries</a>
 */
public final class GitHubVerifier implements SignatureVerifier {

  /** The signature header. */
  public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

  /** The delivery id header. */
  public static final String DELIVERY_HEADER = "X-GitHub-Delivery";

  private static final String PREFIX = "sha256=";
  private static final byte[] NOTHING = new byte[0];

  private final HmacKeys keys;

  private GitHubVerifier(HmacKeys keys) {
    this.keys = keys;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body) {
    String value = HeaderValues.required(headers, SIGNATURE_HEADER);
    byte[] signature = Codec.hex(SignatureLists.stripPrefix(value, PREFIX, SIGNATURE_HEADER));
    if (signature == null) {
      throw new SignatureVerificationException(SIGNATURE_HEADER + " header malformed: expected hex");
    }
    if (!keys.matchesAny(NOTHING, body, List.of(signature))) {
      throw new SignatureVerificationException("signature mismatch");
    }
  }

  /** Returns {@code X-GitHub-Delivery}. */
  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return HeaderValues.firstNonBlank(headers, DELIVERY_HEADER);
  }

  /** Returns {@code github}. */
  @Override
  public String scheme() {
    return "github";
  }

  /** Shows the scheme and the number of secrets, never the secrets. */
  @Override
  public String toString() {
    return "GitHubVerifier{scheme=github, secrets=" + keys.size() + '}';
  }

  /** Builds a {@link GitHubVerifier}; not thread-safe. */
  public static final class Builder {
    private final List<String> secrets = new ArrayList<>();

    private Builder() {}

    /**
     * Replaces the secrets. Required: at least one. Configure the old and the new secret while you rotate.
     *
     * @param secrets the webhook secrets, used as UTF-8 bytes
     * @return this builder
     */
    public Builder secrets(Collection<String> secrets) {
      List<String> copy = Secrets.copy(secrets, "secrets");
      this.secrets.clear();
      this.secrets.addAll(copy);
      return this;
    }

    /**
     * Adds a secret.
     *
     * @param secret a webhook secret, used as UTF-8 bytes
     * @return this builder
     */
    public Builder addSecret(String secret) {
      secrets.add(Objects.requireNonNull(secret, "secret"));
      return this;
    }

    /**
     * Returns the verifier.
     *
     * @return the immutable verifier
     * @throws IllegalArgumentException starting with {@code secrets} when there is none or one is blank
     */
    public GitHubVerifier build() {
      return new GitHubVerifier(HmacKeys.utf8("HmacSHA256", Secrets.requireSecrets(secrets, "secrets")));
    }
  }
}
