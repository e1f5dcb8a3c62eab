package dev.hookline.core.signature;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What the built-in verifiers' builders share: the secrets, with a plural setter that replaces them and {@code
 * addSecret} that appends. Each scheme's {@code Builder} extends this class (or {@link TimestampedVerifierBuilder}) and
 * adds only what is particular to it; how a secret's text becomes key bytes is described on the scheme's class.
 *
 * <p>Secrets are for rotation: configure the old and the new secret while you roll them, and a request signed with
 * either is accepted. Setters only record; {@link #build()} checks everything and throws {@link
 * IllegalArgumentException} whose message starts with the field, for example {@code "secrets must contain at least
 * one secret"} or {@code "secrets[1] must not be blank"}.
 *
 * <p>Only the builders in this package extend it. Builders are mutable and not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter so calls chain
 */
public abstract class SecretVerifierBuilder<B extends SecretVerifierBuilder<B>> {

  private final List<String> secrets = new ArrayList<>();

  SecretVerifierBuilder() {}

  /**
   * Replaces the secrets. At least one is required (Standard Webhooks also accepts public keys instead).
   *
   * @param secrets the secrets, in the form the scheme documents
   * @return this builder
   * @throws NullPointerException when {@code secrets} or one of its elements is null
   */
  public final B secrets(Collection<String> secrets) {
    Secrets.replace(this.secrets, secrets, "secrets");
    return self();
  }

  /**
   * Adds a secret to those already set.
   *
   * @param secret a secret, in the form the scheme documents
   * @return this builder
   * @throws NullPointerException when {@code secret} is null
   */
  public final B addSecret(String secret) {
    secrets.add(Objects.requireNonNull(secret, "secret"));
    return self();
  }

  /**
   * Checks every setting and returns the verifier.
   *
   * @return the immutable verifier
   * @throws IllegalArgumentException starting with the offending field, for example {@code secrets} when there is
   *     none or one is blank
   */
  public abstract SignatureVerifier build();

  /** Returns the secrets as set, not yet checked. */
  final List<String> rawSecrets() {
    return secrets;
  }

  /**
   * Returns HMAC keys made of each secret's UTF-8 bytes, as GitHub, Stripe, Shopify, Slack and custom HMAC use them.
   *
   * @throws IllegalArgumentException starting with {@code secrets} when there is none or one is blank
   */
  final HmacKeys utf8Keys(String jcaAlgorithm) {
    return HmacKeys.utf8(jcaAlgorithm, Secrets.requireSecrets(secrets, "secrets"));
  }

  /** Returns this builder as its own class, for the setters' return values. */
  @SuppressWarnings("unchecked") // Safe: B is this builder's own class, and only this package's builders extend it.
  final B self() {
    return (B) this;
  }
}
