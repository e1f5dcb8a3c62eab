package dev.hookline.core;

import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.signature.SignatureVerifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One configured webhook sender: its name (the last path segment, {@code POST /webhooks/{name}}), how its signatures
 * are verified, and the limits the receiver applies to its requests.
 *
 * <p>A source must have a verifier. To accept unsigned requests, say so explicitly with
 * {@link SignatureVerifier#insecureNoVerification()}; the receiver logs a WARN for such a source when it is built.
 *
 * <p>Defaults: a 256 KiB body limit, content types {@code application/json} and {@code application/*+json}, and a
 * 5 second enqueue budget. {@link #toString()} prints the verifier's scheme only, never its secrets.
 *
 * <p>Thread-safety: immutable.
 *
 * <pre>{@code
 * WebhookSource github = WebhookSource.builder()
 *     .name("github")
 *     .verifier(githubVerifier)
 *     .build();
 * }</pre>
 */
public final class WebhookSource {

  /** Default body limit: 256 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;

  /**
   * Largest allowed body limit: 1 MiB, the largest SQS message (the envelope adds headers, JSON escaping or base64, so
   * a body near this size can still be refused by the sink with a 413).
   */
  public static final int MAX_BODY_BYTES_LIMIT = SqsLimits.MAX_MESSAGE_BYTES;

  /** Default enqueue budget: 5 seconds, well under GitHub's 10 second delivery timeout. */
  public static final Duration DEFAULT_ENQUEUE_BUDGET = Duration.ofSeconds(5);

  /** Default allowed content types. */
  public static final List<String> DEFAULT_CONTENT_TYPES = List.of("application/json", "application/*+json");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

  private final String name;
  private final SignatureVerifier verifier;
  private final int maxBodyBytes;
  private final List<String> contentTypes;
  private final Duration enqueueBudget;
  private final DeliveryIdRule deliveryIdRule;
  private final Handshake handshake;

  private WebhookSource(Builder b, List<String> contentTypes) {
    this.name = b.name;
    this.verifier = b.verifier;
    this.maxBodyBytes = b.maxBodyBytes;
    this.contentTypes = contentTypes;
    this.enqueueBudget = b.enqueueBudget;
    this.deliveryIdRule = b.deliveryIdRule;
    this.handshake = b.handshake;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the source's name: URL-safe, {@code [A-Za-z0-9._-]+}} */
  public String name() {
    return name;
  }

  /** {@return the verifier that checks this source's signatures} */
  public SignatureVerifier verifier() {
    return verifier;
  }

  /** {@return the largest accepted body in bytes; a larger one gets 413} */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** {@return the allowed content type patterns, lower case; a request with another type gets 415} */
  public List<String> contentTypes() {
    return contentTypes;
  }

  /** {@return how long the sink may take to store a webhook before the receiver answers 503} */
  public Duration enqueueBudget() {
    return enqueueBudget;
  }

  /** {@return the rule used when the verifier supplies no delivery id, if one is set} */
  public Optional<DeliveryIdRule> deliveryIdRule() {
    return Optional.ofNullable(deliveryIdRule);
  }

  /** Returns the sender's URL handshake, answered at once and never enqueued, if the source has one. */
  public Optional<Handshake> handshake() {
    return Optional.ofNullable(handshake);
  }

  /**
   * Returns whether a {@code Content-Type} essence (lower-case {@code type/subtype}) is allowed.
   *
   * @param essence the media type without parameters, lower case
   * @return true when one of the patterns matches
   */
  boolean allowsContentType(String essence) {
    for (String pattern : contentTypes) {
      if (MediaTypes.matches(pattern, essence)) {
        return true;
      }
    }
    return false;
  }

  /** {@return a builder that starts with this source's values} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.verifier = verifier;
    b.maxBodyBytes = maxBodyBytes;
    b.contentTypes = new ArrayList<>(contentTypes);
    b.enqueueBudget = enqueueBudget;
    b.deliveryIdRule = deliveryIdRule;
    b.handshake = handshake;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WebhookSource)) {
      return false;
    }
    WebhookSource other = (WebhookSource) o;
    return name.equals(other.name)
        && verifier.equals(other.verifier)
        && maxBodyBytes == other.maxBodyBytes
        && contentTypes.equals(other.contentTypes)
        && enqueueBudget.equals(other.enqueueBudget)
        && Objects.equals(deliveryIdRule, other.deliveryIdRule)
        && Objects.equals(handshake, other.handshake);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, verifier, maxBodyBytes, contentTypes, enqueueBudget, deliveryIdRule, handshake);
  }

  /** Prints the name, the verifier's scheme (never its secrets) and the limits. */
  @Override
  public String toString() {
    return "WebhookSource{name="
        + name
        + ", scheme="
        + verifier.scheme()
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", contentTypes="
        + contentTypes
        + ", enqueueBudget="
        + enqueueBudget
        + (deliveryIdRule == null ? "" : ", deliveryIdRule=custom")
        + (handshake == null ? "" : ", handshake=" + handshake)
        + '}';
  }

  /** Builds a {@link WebhookSource}; not thread-safe. Setters only record; {@link #build()} validates. */
  public static final class Builder {
    private String name;
    private SignatureVerifier verifier;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private List<String> contentTypes = new ArrayList<>(DEFAULT_CONTENT_TYPES);
    private Duration enqueueBudget = DEFAULT_ENQUEUE_BUDGET;
    private DeliveryIdRule deliveryIdRule;
    private Handshake handshake;

    private Builder() {}

    /**
     * Sets the name, used in the path and in logs and metrics. Required.
     *
     * @param name {@code [A-Za-z0-9._-]+}, for example {@code github}
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the signature verifier. Required: use {@link SignatureVerifier#insecureNoVerification()} to accept unsigned
     * requests, and only where you trust the network.
     *
     * @param verifier the verifier
     * @return this builder
     */
    public Builder verifier(SignatureVerifier verifier) {
      this.verifier = Objects.requireNonNull(verifier, "verifier");
      return this;
    }

    /**
     * Sets the largest accepted body. Default 256 KiB, which leaves room for headers and base64 within SQS's 1 MiB
     * message limit. Raise it for senders with large payloads; at most 1 MiB.
     *
     * @param maxBodyBytes the limit in bytes, from 1 to 1 MiB
     * @return this builder
     */
    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * Replaces the allowed content types. Default {@code application/json} and {@code application/*+json}. Add
     * {@code application/x-www-form-urlencoded} for senders such as Slack's slash commands. A pattern is
     * {@code type/subtype}, {@code type/*} or {@code type/*+suffix}; requests are compared ignoring case and
     * parameters such as {@code charset}.
     *
     * @param contentTypes the patterns; at least one
     * @return this builder
     */
    public Builder contentTypes(Collection<String> contentTypes) {
      Objects.requireNonNull(contentTypes, "contentTypes");
      List<String> copy = new ArrayList<>(contentTypes.size());
      for (String type : contentTypes) {
        copy.add(Objects.requireNonNull(type, "contentTypes element"));
      }
      this.contentTypes = copy;
      return this;
    }

    /**
     * Appends an allowed content type pattern; see {@link #contentTypes(Collection)}.
     *
     * @param contentType the pattern, for example {@code application/x-www-form-urlencoded}
     * @return this builder
     */
    public Builder addContentType(String contentType) {
      this.contentTypes.add(Objects.requireNonNull(contentType, "contentType"));
      return this;
    }

    /**
     * Sets how long the sink may take to store a webhook, retries included, before the receiver answers 503. Default
     * 5 seconds: senders time out after about 10 seconds (GitHub) and a 503 they retry beats a timeout they may not.
     *
     * @param enqueueBudget a positive duration
     * @return this builder
     */
    public Builder enqueueBudget(Duration enqueueBudget) {
      this.enqueueBudget = Objects.requireNonNull(enqueueBudget, "enqueueBudget");
      return this;
    }

    /**
     * Sets where the delivery id comes from when the verifier has none, for example
     * {@code DeliveryIdRule.header("X-Request-Id")}. Default: none, so a SHA-256 of source and body is used.
     *
     * @param deliveryIdRule the rule
     * @return this builder
     */
    public Builder deliveryIdRule(DeliveryIdRule deliveryIdRule) {
      this.deliveryIdRule = Objects.requireNonNull(deliveryIdRule, "deliveryIdRule");
      return this;
    }

    /**
     * Sets the sender's URL handshake (Slack's {@code url_verification}, Meta's {@code GET ?hub.challenge=..}, ...),
     * answered at once and never enqueued. Default: none. {@code Providers} sets the provider's own; set one yourself
     * only for a sender the catalog lacks.
     *
     * @param handshake the handshake
     * @return this builder
     */
    public Builder handshake(Handshake handshake) {
      this.handshake = Objects.requireNonNull(handshake, "handshake");
      return this;
    }

    /**
     * Returns the source.
     *
     * @return the immutable source
     * @throws IllegalArgumentException whose message starts with the first invalid field
     */
    public WebhookSource build() {
      if (name == null) {
        throw new IllegalArgumentException("name must be set");
      }
      if (!NAME.matcher(name).matches() || name.chars().allMatch(c -> c == '.')) {
        throw new IllegalArgumentException(
            "name must match [A-Za-z0-9._-]+ and not be only dots, was '" + name + "'");
      }
      if (verifier == null) {
        throw new IllegalArgumentException(
            "verifier must be set; use SignatureVerifier.insecureNoVerification() to accept unsigned requests");
      }
      if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
        throw new IllegalArgumentException(
            "maxBodyBytes must be between 1 and " + MAX_BODY_BYTES_LIMIT + ", was " + maxBodyBytes);
      }
      if (contentTypes.isEmpty()) {
        throw new IllegalArgumentException("contentTypes must not be empty");
      }
      List<String> types = new ArrayList<>(contentTypes.size());
      for (String type : contentTypes) {
        String lower = type.trim().toLowerCase(Locale.ROOT);
        if (!MediaTypes.validPattern(lower)) {
          throw new IllegalArgumentException(
              "contentTypes must hold type/subtype, type/* or type/*+suffix, was '" + type + "'");
        }
        if (!types.contains(lower)) {
          types.add(lower);
        }
      }
      if (enqueueBudget.isNegative() || enqueueBudget.isZero()) {
        throw new IllegalArgumentException("enqueueBudget must be positive, was " + enqueueBudget);
      }
      return new WebhookSource(this, List.copyOf(types));
    }
  }
}
