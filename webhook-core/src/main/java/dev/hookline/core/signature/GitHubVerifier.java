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

  /** What {@link #headerNames()} returns, also for {@link SignatureVerifiers#headerNames(String)}. */
  static final List<String> HEADER_NAMES = List.of(SIGNATURE_HEADER, DELIVERY_HEADER);

  private static final String PREFIX = "sha256=";

  private final HmacFamily family;

  private GitHubVerifier(HmacFamily family) {
    this.family = family;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body) {
    family.verify(headers, body, 0);
  }

  /** Returns {@code X-GitHub-Delivery}. */
  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return HeaderValues.firstNonBlank(headers, DELIVERY_HEADER);
  }

  /** Returns {@code X-Hub-Signature-256} and {@code X-GitHub-Delivery}. */
  @Override
  public List<String> headerNames() {
    return HEADER_NAMES;
  }

  /** Returns {@code github}. */
  @Override
  public String scheme() {
    return "github";
  }

  /** Shows the scheme and the number of secrets, never the secrets. */
  @Override
  public String toString() {
    return "GitHubVerifier{scheme=github, secrets=" + family.keys().size() + '}';
  }

  /**
   * Builds a {@link GitHubVerifier}; not thread-safe. Each secret is the webhook secret as entered in GitHub, used as
   * its UTF-8 bytes; at least one is required.
   */
  public static final class Builder extends SecretVerifierBuilder<Builder> {

    private Builder() {}

    @Override
    public GitHubVerifier build() {
      return new GitHubVerifier(
          HmacFamily.builder(utf8Keys("HmacSHA256"))
              .signatureHeader(SIGNATURE_HEADER)
              .prefix(PREFIX)
              .signedContent(HmacFamily.BODY)
              .build());
    }
  }
}
