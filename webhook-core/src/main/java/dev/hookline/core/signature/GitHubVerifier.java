package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.util.List;
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

  private final HmacKeys keys;

  private GitHubVerifier(HmacKeys keys) {
    this.keys = keys;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body) {
    String value = HeaderValues.required(headers, SIGNATURE_HEADER);
    byte[] signature = Codec.requireHex(SignatureLists.stripPrefix(value, PREFIX, SIGNATURE_HEADER), SIGNATURE_HEADER);
    keys.requireMatch(HmacKeys.EMPTY, body, List.of(signature));
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

  /**
   * Builds a {@link GitHubVerifier}; not thread-safe. Each secret is the webhook secret as entered in GitHub, used as
   * its UTF-8 bytes; at least one is required.
   */
  public static final class Builder extends SecretVerifierBuilder<Builder> {

    private Builder() {}

    @Override
    public GitHubVerifier build() {
      return new GitHubVerifier(utf8Keys("HmacSHA256"));
    }
  }
}
