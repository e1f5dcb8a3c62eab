package dev.hookline.core.signature;

import dev.hookline.core.Handshake;
import dev.hookline.core.WebhookSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One sender's preset from the {@link Providers} catalog: how it signs (which family, headers, payload layout,
 * encoding, prefix, tolerance), where its delivery id is, which content types it sends, and its URL handshake. A
 * preset is data: adding a provider is one entry in the catalog plus its test vector.
 *
 * <p>{@link #source(String, String)} builds a {@link WebhookSource} from a source name and the secret, written as
 * {@link #secretFormat()} says; that text form is what {@code --source NAME=PROVIDER:SECRET}, the Lambda functions'
 * {@code HOOKLINE_SECRET_<NAME>} and the Spring example's {@code hookline.sources.<name>.secret} hold.
 *
 * <p>Thread-safety: immutable.
 *
 * <pre>{@code
 * WebhookSource meta = Providers.get("meta")
 *     .source("instagram", appSecret + ":" + verifyToken)
 *     .build();
 * }</pre>
 */
public final class Provider {

  /** JSON, the content type most providers send. */
  static final String JSON = "application/json";

  /** Form-encoded bodies: Slack's commands and interactivity, Twilio, GitHub when so configured. */
  static final String FORM = "application/x-www-form-urlencoded";

  /** Plain text: Amazon SNS's deliveries. */
  static final String TEXT = "text/plain";

  private final String name;
  private final String title;
  private final String scheme;
  private final List<String> headers;
  private final List<String> deliveryIdHeaders;
  private final String deliveryIdField;
  private final List<String> contentTypes;
  private final String handshake;
  private final Duration tolerance;
  private final String secretFormat;
  private final SecretShape secretShape;
  private final String documentation;
  private final Function<Settings, Parts> factory;

  private Provider(Builder b) {
    this.name = b.name;
    this.title = b.title;
    this.scheme = Objects.requireNonNull(b.scheme, "scheme");
    List<String> lower = new ArrayList<>();
    for (String header : b.headers) {
      lower.add(header.toLowerCase(Locale.ROOT));
    }
    this.headers = List.copyOf(lower);
    this.deliveryIdHeaders = List.copyOf(b.deliveryIdHeaders);
    this.deliveryIdField = b.deliveryIdField;
    this.contentTypes = List.copyOf(b.contentTypes);
    this.handshake = b.handshake;
    this.tolerance = b.tolerance;
    this.secretFormat = Objects.requireNonNull(b.secretFormat, "secretFormat");
    this.secretShape = b.secretShape;
    this.documentation = Objects.requireNonNull(b.documentation, "documentation");
    this.factory = Objects.requireNonNull(b.factory, "factory");
  }

  static Builder builder(String name, String title) {
    return new Builder(name, title);
  }

  /** Returns the name used in configuration, lower case, for example {@code github} or {@code microsoft-graph}. */
  public String name() {
    return name;
  }

  /** Returns the provider's display name, for example {@code Microsoft Graph}. */
  public String title() {
    return title;
  }

  /** Describes how it signs, for example {@code HMAC-SHA256 of the body, hex, X-Hub-Signature-256: sha256=<hex>}. */
  public String scheme() {
    return scheme;
  }

  /**
   * Returns the request headers its verifier reads, lower case: signature, timestamp and delivery id. A transport
   * that passes on only some headers (the API Gateway direct integration) must pass these.
   */
  public List<String> headers() {
    return headers;
  }

  /** Returns the header holding the provider's delivery id, if it sends one. */
  public Optional<String> deliveryIdHeader() {
    return deliveryIdHeaders.stream().findFirst();
  }

  /** Returns the content types it sends, the source's default allowed types. */
  public List<String> contentTypes() {
    return contentTypes;
  }

  /** Describes its URL handshake, for example {@code GET ?hub.challenge= with the verify token}, if it has one. */
  public Optional<String> handshake() {
    return Optional.ofNullable(handshake);
  }

  /** Returns how far a signed timestamp may be from the clock, if it signs one. */
  public Optional<Duration> tolerance() {
    return Optional.ofNullable(tolerance);
  }

  /** Describes the secret's text form, for example {@code APP_SECRET:VERIFY_TOKEN}. */
  public String secretFormat() {
    return secretFormat;
  }

  /** Returns the title of the provider's document that describes its scheme. */
  public String documentation() {
    return documentation;
  }

  /**
   * Returns the verifier for this provider, keyed with the secret, measuring any replay window with the system clock.
   *
   * @param secret the secret in {@link #secretFormat()}
   * @return the immutable verifier
   * @throws IllegalArgumentException starting with {@code secret} when the secret is empty or malformed; never
   *     containing it
   */
  public SignatureVerifier verifier(String secret) {
    return parts(secret, Clock.systemUTC()).verifier;
  }

  /**
   * Returns a source builder with this provider's verifier, handshake and content types; set limits on it and build.
   * Any replay window is measured with the system clock.
   *
   * @param sourceName the source name, {@code [A-Za-z0-9._-]+}
   * @param secret the secret in {@link #secretFormat()}
   * @return the builder
   * @throws IllegalArgumentException starting with {@code secret} when the secret is empty or malformed
   */
  public WebhookSource.Builder source(String sourceName, String secret) {
    return source(sourceName, secret, Clock.systemUTC());
  }

  /**
   * Like {@link #source(String, String)}, with the clock signed timestamps are checked against.
   *
   * @param sourceName the source name
   * @param secret the secret in {@link #secretFormat()}
   * @param clock the clock; tests pass a fixed one
   * @return the builder
   * @throws IllegalArgumentException starting with {@code secret} when the secret is empty or malformed
   */
  public WebhookSource.Builder source(String sourceName, String secret, Clock clock) {
    Objects.requireNonNull(sourceName, "sourceName");
    Parts parts = parts(secret, clock);
    WebhookSource.Builder source =
        WebhookSource.builder().name(sourceName).verifier(parts.verifier).contentTypes(contentTypes);
    if (parts.handshake != null) {
      source.handshake(parts.handshake);
    }
    return source;
  }

  private Parts parts(String secret, Clock clock) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(clock, "clock");
    if (secret.isBlank()) {
      throw new IllegalArgumentException("secret must not be blank for provider " + name);
    }
    String primary = secret;
    String setting = null;
    if (secretShape != SecretShape.WHOLE) {
      int colon = secret.indexOf(':');
      if (colon >= 0) {
        primary = secret.substring(0, colon);
        setting = secret.substring(colon + 1);
      }
      if (primary.isBlank()) {
        throw new IllegalArgumentException("secret must be " + secretFormat + " for provider " + name);
      }
      if (setting != null && setting.isBlank()) {
        // "app-secret:" sets nothing: an empty verify token must never match an empty one sent by anyone.
        setting = null;
      }
      if (secretShape == SecretShape.WITH_REQUIRED_SETTING && setting == null) {
        throw new IllegalArgumentException("secret must be " + secretFormat + " for provider " + name);
      }
    }
    TimestampWindow window = TimestampWindow.of(clock, tolerance != null ? tolerance : TimestampWindow.DEFAULT_TOLERANCE);
    return factory.apply(new Settings(this, primary, setting, window));
  }

  /** Equal when the names are equal: the catalog holds one preset per name. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Provider && ((Provider) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return "Provider{" + name + '}';
  }

  /** How the secret text is split. */
  enum SecretShape {
    /** The whole text is the secret (it may contain colons). */
    WHOLE,
    /** {@code SECRET} or {@code SECRET:SETTING}, split at the first colon. */
    WITH_OPTIONAL_SETTING,
    /** {@code SECRET:SETTING}, split at the first colon; the setting is required. */
    WITH_REQUIRED_SETTING
  }

  /** What a preset's factory gets: the secret text split as the preset documents, and the replay window. */
  static final class Settings {
    final Provider provider;
    final String secret;
    final String setting;
    final TimestampWindow window;

    Settings(Provider provider, String secret, String setting, TimestampWindow window) {
      this.provider = provider;
      this.secret = secret;
      this.setting = setting;
      this.window = window;
    }

    /** The secret's UTF-8 bytes as the key of an HMAC algorithm. */
    HmacKeys hmac(String algorithm) {
      return HmacKeys.utf8(algorithm, List.of(secret));
    }

    /** Wraps a family as the provider's verifier, with its delivery id. */
    SignatureVerifier verifier(Family family) {
      return new FamilyVerifier(
          provider.name, family, window, provider.headers, provider.deliveryIdHeaders, provider.deliveryIdField);
    }
  }

  /** A preset's built parts: the verifier and, if the provider has one, the handshake. */
  static final class Parts {
    final SignatureVerifier verifier;
    final Handshake handshake;

    Parts(SignatureVerifier verifier, Handshake handshake) {
      this.verifier = verifier;
      this.handshake = handshake;
    }
  }

  /** Builds a catalog entry; used only by {@link Providers}. */
  static final class Builder {
    private final String name;
    private final String title;
    private String scheme;
    private final List<String> headers = new ArrayList<>();
    private final List<String> deliveryIdHeaders = new ArrayList<>();
    private String deliveryIdField;
    private final List<String> contentTypes = new ArrayList<>(List.of(JSON));
    private String handshake;
    private Function<Settings, Handshake> handshakeFactory;
    private Duration tolerance;
    private String secretFormat = "SECRET";
    private SecretShape secretShape = SecretShape.WHOLE;
    private String documentation;
    private Function<Settings, Parts> factory;

    private Builder(String name, String title) {
      this.name = name;
      this.title = title;
    }

    Builder scheme(String scheme) {
      this.scheme = scheme;
      return this;
    }

    /** The headers its verifier reads (signature, timestamp); delivery id headers are added by their setter. */
    Builder headers(String... names) {
      headers.addAll(List.of(names));
      return this;
    }

    /**
     * Where its delivery id is: these headers, in order of preference. The first is also one of {@link #headers}: a
     * transport that carries only some headers should carry it; the others are fallbacks.
     */
    Builder deliveryIdHeaders(String... names) {
      deliveryIdHeaders.addAll(List.of(names));
      if (names.length > 0) {
        headers.add(names[0]);
      }
      return this;
    }

    /** Where its delivery id is when no header has it: a JSON body field. */
    Builder deliveryIdField(String path) {
      this.deliveryIdField = path;
      return this;
    }

    Builder contentTypes(String... types) {
      contentTypes.clear();
      contentTypes.addAll(List.of(types));
      return this;
    }

    Builder tolerance(Duration tolerance) {
      this.tolerance = tolerance;
      return this;
    }

    Builder secret(String format, SecretShape shape) {
      this.secretFormat = format;
      this.secretShape = shape;
      return this;
    }

    Builder documentation(String title) {
      this.documentation = title;
      return this;
    }

    Builder handshake(String description, Function<Settings, Handshake> factory) {
      this.handshake = description;
      this.handshakeFactory = factory;
      return this;
    }

    /** An HMAC-family preset: the family's configuration, given the settings; the window is added here. */
    Builder hmac(Function<Settings, HmacFamily.Builder> family) {
      return family(s -> family.apply(s).window(s.window).build());
    }

    /** A preset of any {@link Family}. */
    Builder family(Function<Settings, Family> family) {
      this.factory = s -> new Parts(s.verifier(family.apply(s)), handshakeOf(s));
      return this;
    }

    /** A preset with a verifier of its own class (Standard Webhooks, Amazon SNS), its handshake made with it. */
    Builder parts(Function<Settings, Parts> parts) {
      this.factory = parts;
      return this;
    }

    private Handshake handshakeOf(Settings settings) {
      return handshakeFactory == null ? null : handshakeFactory.apply(settings);
    }

    Provider build() {
      return new Provider(this);
    }
  }
}
