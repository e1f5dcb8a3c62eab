package dev.hookline.examples.quickstart;

import dev.hookline.core.WebhookSource;
import dev.hookline.core.signature.SignatureVerifiers;
import dev.hookline.testkit.SignedRequest;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code --source NAME=SCHEME:SECRET} option: a source name, its signature scheme and its secret.
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

  /** The signature schemes the quick start can configure. */
  enum Scheme {
    STANDARD_WEBHOOKS("standard-webhooks", true),
    GITHUB("github", false),
    STRIPE("stripe", true),
    SHOPIFY("shopify", false),
    SLACK("slack", true);

    private final String label;
    private final boolean signsTimestamp;

    Scheme(String label, boolean signsTimestamp) {
      this.label = label;
      this.signsTimestamp = signsTimestamp;
    }

    /** Returns the name used on the command line, for example {@code standard-webhooks}. */
    String label() {
      return label;
    }

    /** Returns whether the scheme signs a timestamp, so a signed request expires (after 5 minutes). */
    boolean signsTimestamp() {
      return signsTimestamp;
    }

    static Scheme fromLabel(String label) {
      for (Scheme scheme : values()) {
        if (scheme.label.equals(label.toLowerCase(Locale.ROOT))) {
          return scheme;
        }
      }
      throw new IllegalArgumentException(
          "scheme must be one of standard-webhooks, github, stripe, shopify, slack, was '" + label + "'");
    }
  }

  private final String name;
  private final Scheme scheme;
  private final String secret;

  SourceSpec(String name, Scheme scheme, String secret) {
    this.name = Objects.requireNonNull(name, "name");
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    this.secret = Objects.requireNonNull(secret, "secret");
  }

  /** Returns the built-in demo source: Standard Webhooks with {@link #DEMO_SECRET}. */
  static SourceSpec demo() {
    return new SourceSpec(DEMO_SOURCE, Scheme.STANDARD_WEBHOOKS, DEMO_SECRET);
  }

  /**
   * Parses {@code NAME=SCHEME:SECRET}, for example {@code github=github:It's a Secret to Everybody}. The secret is
   * everything after the first colon, so it may contain colons.
   *
   * @param text the option value
   * @return the spec
   * @throws IllegalArgumentException naming what is wrong (never echoing the secret)
   */
  static SourceSpec parse(String text) {
    int eq = text.indexOf('=');
    int colon = eq < 0 ? -1 : text.indexOf(':', eq);
    if (eq <= 0 || colon < 0) {
      throw new IllegalArgumentException("source must look like NAME=SCHEME:SECRET, for example demo=github:s3cret");
    }
    String name = text.substring(0, eq).trim();
    Scheme scheme = Scheme.fromLabel(text.substring(eq + 1, colon).trim());
    String secret = text.substring(colon + 1);
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("secret must not be empty for source '" + name + "'");
    }
    SourceSpec spec = new SourceSpec(name, scheme, secret);
    spec.toSource(); // validates the name and the secret's format now, with the builders' messages
    return spec;
  }

  String name() {
    return name;
  }

  Scheme scheme() {
    return scheme;
  }

  /** Returns whether this is the built-in demo source, whose secret may be printed. */
  boolean isDemo() {
    return name.equals(DEMO_SOURCE) && scheme == Scheme.STANDARD_WEBHOOKS && secret.equals(DEMO_SECRET);
  }

  /** Returns the secret; print it only for {@link #isDemo()}. */
  String secret() {
    return secret;
  }

  /** Builds the receiver's source, with the scheme's verifier and the default limits. */
  WebhookSource toSource() {
    return WebhookSource.builder()
        .name(name)
        .verifier(SignatureVerifiers.forScheme(scheme.label(), List.of(secret)))
        .build();
  }

  /** Starts a request signed the way this source's sender signs, with this source's secret. */
  SignedRequest.Builder signer() {
    return SignedRequest.forScheme(scheme.label(), secret);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SourceSpec)) {
      return false;
    }
    SourceSpec other = (SourceSpec) o;
    return name.equals(other.name) && scheme == other.scheme && secret.equals(other.secret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, scheme, secret);
  }

  /** Prints the name and scheme, never the secret. */
  @Override
  public String toString() {
    return name + " (" + scheme.label() + ")";
  }
}
