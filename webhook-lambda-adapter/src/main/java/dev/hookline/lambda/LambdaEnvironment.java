package dev.hookline.lambda;

import dev.hookline.core.WebhookSource;
import dev.hookline.core.signature.Provider;
import dev.hookline.core.signature.Providers;
import dev.hookline.core.signature.SignatureVerifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the functions' environment variables. Every problem is an {@link IllegalStateException} naming the variable,
 * thrown from the function's constructor so that the Lambda INIT phase fails loudly instead of the first request.
 * Secret values never appear in messages.
 */
final class LambdaEnvironment {

  static final String QUEUE_URL = "HOOKLINE_QUEUE_URL";
  static final String DLQ_URL = "HOOKLINE_DLQ_URL";
  static final String SOURCES = "HOOKLINE_SOURCES";
  static final String SECRET_PREFIX = "HOOKLINE_SECRET_";
  static final String MAX_BODY_BYTES = "HOOKLINE_MAX_BODY_BYTES";
  static final String ENQUEUE_BUDGET_MILLIS = "HOOKLINE_ENQUEUE_BUDGET_MILLIS";
  static final String BUDGET_MARGIN_MILLIS = "HOOKLINE_BUDGET_MARGIN_MILLIS";
  static final String HANDLER = "HOOKLINE_HANDLER";
  static final String MAX_ATTEMPTS = "HOOKLINE_MAX_ATTEMPTS";
  static final String IDEMPOTENCY_TABLE = "HOOKLINE_IDEMPOTENCY_TABLE";

  private final Map<String, String> env;

  LambdaEnvironment(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  static LambdaEnvironment system() {
    return new LambdaEnvironment(System.getenv());
  }

  Optional<String> optional(String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
  }

  String required(String name) {
    return optional(name).orElseThrow(() -> new IllegalStateException(name + " must be set"));
  }

  Optional<Long> optionalLong(String name) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(value.get()));
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " must be a whole number, was '" + value.get() + "'", e);
    }
  }

  Optional<Duration> optionalMillis(String name) {
    return optionalLong(name).map(Duration::ofMillis);
  }

  /**
   * Returns the sources named in {@value #SOURCES} ({@code name:provider,name:provider}, providers from {@link
   * Providers}), each built from its provider's preset (verifier, handshake, content types) with the secret in
   * {@code HOOKLINE_SECRET_<NAME>} and the shared limits.
   */
  List<WebhookSource> sources() {
    String spec = required(SOURCES);
    List<WebhookSource> sources = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    Optional<Long> maxBody = optionalLong(MAX_BODY_BYTES);
    Optional<Duration> budget = optionalMillis(ENQUEUE_BUDGET_MILLIS);
    for (String entry : spec.split(",")) {
      String item = entry.trim();
      if (item.isEmpty()) {
        continue;
      }
      int colon = item.indexOf(':');
      if (colon <= 0 || colon == item.length() - 1) {
        throw new IllegalStateException(
            SOURCES + " must hold name:provider pairs separated by commas, was '" + spec + "'");
      }
      String name = item.substring(0, colon).trim();
      String provider = item.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      if (!seen.add(name)) {
        throw new IllegalStateException(SOURCES + " names source '" + name + "' twice");
      }
      WebhookSource.Builder source = source(name, provider);
      maxBody.ifPresent(v -> source.maxBodyBytes((int) Math.min(Integer.MAX_VALUE, Math.max(Integer.MIN_VALUE, v))));
      budget.ifPresent(source::enqueueBudget);
      try {
        sources.add(source.build());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("source '" + name + "' in " + SOURCES + ": " + e.getMessage(), e);
      }
    }
    if (sources.isEmpty()) {
      throw new IllegalStateException(SOURCES + " must name at least one source");
    }
    return sources;
  }

  /** Returns the verifiers of {@value #SOURCES} by source name, for deferred verification; empty when unset. */
  Map<String, SignatureVerifier> verifiersIfConfigured() {
    if (optional(SOURCES).isEmpty()) {
      return Map.of();
    }
    Map<String, SignatureVerifier> verifiers = new LinkedHashMap<>();
    for (WebhookSource source : sources()) {
      verifiers.put(source.name(), source.verifier());
    }
    return verifiers;
  }

  /**
   * Returns the variable holding a source's secret: {@code HOOKLINE_SECRET_} and the name in upper case, with every
   * character other than a letter or digit replaced by {@code _} ({@code my-shop} → {@code HOOKLINE_SECRET_MY_SHOP}).
   */
  static String secretVariable(String sourceName) {
    StringBuilder sb = new StringBuilder(SECRET_PREFIX);
    for (char c : sourceName.toUpperCase(Locale.ROOT).toCharArray()) {
      sb.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
    }
    return sb.toString();
  }

  private WebhookSource.Builder source(String name, String providerName) {
    // Checked before the secret, so an unknown provider is reported as such rather than as a missing variable.
    Provider provider =
        Providers.find(providerName)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        SOURCES
                            + " names unknown provider '"
                            + providerName
                            + "' for source '"
                            + name
                            + "'; known: "
                            + String.join(", ", Providers.names())));
    String secretVariable = secretVariable(name);
    String secret = required(secretVariable);
    try {
      return provider.source(name, secret);
    } catch (IllegalArgumentException e) {
      // The preset's message names the field and the expected form, never the secret's value.
      throw new IllegalStateException(
          secretVariable + " is not a valid " + provider.name() + " secret: " + e.getMessage(), e);
    }
  }
}
