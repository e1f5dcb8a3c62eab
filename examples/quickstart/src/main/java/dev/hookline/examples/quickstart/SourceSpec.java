package dev.hookline.examples.quickstart;

import dev.hookline.core.WebhookSource;
import dev.hookline.core.signature.Provider;
import dev.hookline.core.signature.Providers;
import dev.hookline.testkit.SignedRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code --source NAME=PROVIDER:SECRET} option: a source name, its provider preset from the catalog ({@link
 * Providers}) and its secret, written as the preset's {@link Provider#secretFormat()} says.
 *
 * <p>Immutable; {@link #toString()} never prints the secret.
 */
final class SourceSpec {

  /** The source the quick start configures when no {@code --source} is given, and the one {@code --demo} uses. */
  static final String DEMO_SOURCE = "demo";

  /**
   * The demo's fixed Standard Webhooks secret: {@code whsec_} and the base64 of 32 bytes. It is public on purpose;
   * never use it for anything real.
   */
  static final String DEMO_SECRET = "whsec_aG9va2xpbmUtcXVpY2tzdGFydC1kZW1vLXNlY3JldCE=";

  private final Providers.SourceOption option;

  private SourceSpec(Providers.SourceOption option) {
    this.option = Objects.requireNonNull(option, "option");
  }

  /** Returns a spec for a name, provider and secret, checking the secret's form now. */
  static SourceSpec of(String name, String provider, String secret) {
    SourceSpec spec = new SourceSpec(new Providers.SourceOption(name, Providers.get(provider), secret));
    spec.toSource(); // validates the name and the secret's form now, with the builders' messages
    return spec;
  }

  /** Returns the built-in demo source: Standard Webhooks with {@link #DEMO_SECRET}. */
  static SourceSpec demo() {
    return of(DEMO_SOURCE, "standard-webhooks", DEMO_SECRET);
  }

  /**
   * Parses {@code NAME=PROVIDER:SECRET}, for example {@code github=github:It's a Secret to Everybody}. The secret is
   * everything after the first colon, so it may contain colons ({@code fb=meta:APP_SECRET:VERIFY_TOKEN}).
   *
   * @param text the option value
   * @return the spec
   * @throws IllegalArgumentException naming what is wrong (never echoing the secret)
   */
  static SourceSpec parse(String text) {
    SourceSpec spec = new SourceSpec(Providers.parse(text));
    spec.toSource(); // validates the name and the secret's form now, with the builders' messages
    return spec;
  }

  String name() {
    return option.name();
  }

  Provider provider() {
    return option.provider();
  }

  /** Returns whether the provider signs a timestamp, so a signed request expires. */
  boolean signsTimestamp() {
    return option.provider().tolerance().isPresent();
  }

  /** Returns whether this is the built-in demo source, whose secret may be printed. */
  boolean isDemo() {
    return name().equals(DEMO_SOURCE)
        && provider().name().equals("standard-webhooks")
        && option.secret().equals(DEMO_SECRET);
  }

  /** Returns the secret; print it only for {@link #isDemo()}. */
  String secret() {
    return option.secret();
  }

  /** Builds the receiver's source: the provider's verifier, handshake and content types, and the default limits. */
  WebhookSource toSource() {
    return option.source().build();
  }

  /**
   * Starts a request signed the way this source's sender signs, with this source's secret; empty for providers that
   * sign with a private key (Discord, SendGrid, Amazon SNS, a Standard Webhooks {@code whpk_} key), which a secret
   * cannot sign for.
   */
  Optional<SignedRequest.Builder> signer() {
    try {
      return Optional.of(SignedRequest.forProvider(provider().name(), secret()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SourceSpec)) {
      return false;
    }
    SourceSpec other = (SourceSpec) o;
    return option.equals(other.option);
  }

  @Override
  public int hashCode() {
    return option.hashCode();
  }

  /** Prints the name and provider, never the secret. */
  @Override
  public String toString() {
    return name() + " (" + provider().name() + ")";
  }
}
