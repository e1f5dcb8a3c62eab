package dev.hookline.core.signature;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Builds a built-in verifier from a scheme name and its secrets, for configuration that names the scheme as text
 * (environment variables, application properties, command-line options).
 *
 * <pre>{@code
 * SignatureVerifier verifier = SignatureVerifiers.forScheme("github", List.of(System.getenv("GITHUB_SECRET")));
 * }</pre>
 *
 * <p>Each scheme gets its builder's defaults (for example a 5-minute tolerance and the system clock); use the
 * scheme's own builder for anything else, for Standard Webhooks public keys, or for a custom {@link HmacVerifier}.
 * {@link Providers} covers these five names and the rest of the catalog, with handshakes and content types: prefer it
 * for new configuration.
 *
 * <p>Thread-safety: stateless.
 */
public final class SignatureVerifiers {

  /**
   * The scheme names {@link #forScheme} knows, in lower case: {@code standard-webhooks}, {@code github}, {@code
   * stripe}, {@code shopify} and {@code slack}. Each equals the built verifier's {@link SignatureVerifier#scheme()}.
   */
  public static final List<String> SCHEMES = List.of("standard-webhooks", "github", "stripe", "shopify", "slack");

  private SignatureVerifiers() {}

  /**
   * Returns the verifier for a scheme, keyed with the secrets.
   *
   * <p>The name is matched ignoring case ({@code GitHub} is {@code github}); nothing else is normalised, so trim
   * configuration text first. The secrets are in the form the scheme's class documents: {@code whsec_<base64>} for
   * Standard Webhooks (decoded), the text as given for the others (used as UTF-8 bytes). Several secrets are for
   * rotation.
   *
   * @param scheme one of {@link #SCHEMES}, in any case
   * @param secrets the secrets, at least one
   * @return the immutable verifier
   * @throws IllegalArgumentException starting with {@code scheme} and listing the known names when the scheme is
   *     unknown, or starting with {@code secrets} when there is no secret or one is blank or malformed; messages
   *     never contain a secret
   * @throws NullPointerException when {@code scheme}, {@code secrets} or a secret is null
   */
  public static SignatureVerifier forScheme(String scheme, Collection<String> secrets) {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(secrets, "secrets");
    return builderFor(scheme).secrets(secrets).build();
  }

  /**
   * Returns the verifier for a scheme, keyed with the secrets, whose replay window is measured with {@code clock}
   * (for schemes that sign a timestamp: {@code standard-webhooks}, {@code stripe}, {@code slack}; the others have no
   * window and ignore it). Otherwise as {@link #forScheme(String, Collection)}.
   *
   * @param scheme one of {@link #SCHEMES}, in any case
   * @param secrets the secrets, at least one
   * @param clock the clock signed timestamps are checked against
   * @return the immutable verifier
   * @throws IllegalArgumentException as {@link #forScheme(String, Collection)} does
   * @throws NullPointerException when an argument or a secret is null
   */
  public static SignatureVerifier forScheme(String scheme, Collection<String> secrets, Clock clock) {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(clock, "clock");
    SecretVerifierBuilder<?> builder = builderFor(scheme).secrets(secrets);
    if (builder instanceof TimestampedVerifierBuilder) {
      ((TimestampedVerifierBuilder<?>) builder).clock(clock);
    }
    return builder.build();
  }

  /**
   * Returns the headers the scheme's verifier reads ({@link SignatureVerifier#headerNames()}), without needing its
   * secrets: for configuration that must know which headers to forward to where signatures are checked, such as the
   * API Gateway direct integration.
   *
   * @param scheme one of {@link #SCHEMES} or any {@link Providers#names() provider} name, in any case
   * @return the header names, as the verifier {@link #forScheme(String, Collection)} or the provider's preset builds
   *     returns them
   * @throws IllegalArgumentException starting with {@code scheme} and listing the known names when it is unknown
   * @throws NullPointerException when {@code scheme} is null
   */
  public static List<String> headerNames(String scheme) {
    Objects.requireNonNull(scheme, "scheme");
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "standard-webhooks":
        return StandardWebhooksVerifier.HEADER_NAMES;
      case "github":
        return GitHubVerifier.HEADER_NAMES;
      case "stripe":
        return StripeVerifier.HEADER_NAMES;
      case "shopify":
        return ShopifyVerifier.HEADER_NAMES;
      case "slack":
        return SlackVerifier.HEADER_NAMES;
      default:
        // Every other sender of the catalog: its preset lists what its verifier reads.
        return Providers.find(scheme.toLowerCase(Locale.ROOT))
            .map(Provider::headers)
            .orElseThrow(() -> unknownProvider(scheme));
    }
  }

  private static SecretVerifierBuilder<?> builderFor(String scheme) {
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "standard-webhooks":
        return StandardWebhooksVerifier.builder();
      case "github":
        return GitHubVerifier.builder();
      case "stripe":
        return StripeVerifier.builder();
      case "shopify":
        return ShopifyVerifier.builder();
      case "slack":
        return SlackVerifier.builder();
      default:
        throw unknown(scheme);
    }
  }

  private static IllegalArgumentException unknownProvider(String scheme) {
    return new IllegalArgumentException(
        "scheme must be a provider of the catalog (" + String.join(", ", Providers.names()) + "), was '" + scheme + "'");
  }

  private static IllegalArgumentException unknown(String scheme) {
    return new IllegalArgumentException(
        "scheme must be one of " + String.join(", ", SCHEMES) + ", was '" + scheme + "'");
  }
}
