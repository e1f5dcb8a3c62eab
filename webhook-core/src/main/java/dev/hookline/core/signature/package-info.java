/**
 * Signature verification and provider presets: the {@link dev.hookline.core.signature.SignatureVerifier} port, the
 * signing families built once, and {@link dev.hookline.core.signature.Providers}, a catalog of named presets of them.
 * All verification is over the raw body bytes and in constant time.
 *
 * <p>Start with the catalog: {@code Providers.get("github").source("github", secret)} gives a source with the
 * provider's verifier, URL handshake and content types, and {@code Providers.parse("NAME=PROVIDER:SECRET")} reads the
 * one naming syntax used by the quick start, the CLI, the Lambda functions and the Spring Boot example. A preset is
 * data over one of these families:
 *
 * <ul>
 *   <li>HMAC: over the body (GitHub, Shopify, Meta, Bitbucket, ...), a timestamped or id-prefixed payload (Stripe,
 *       Slack, Zoom, Twitch, Paddle, ...), or the public URL and its parameters (Twilio, Square, HubSpot);
 *   <li>public keys: Ed25519 (Discord, Standard Webhooks {@code v1a}) and ECDSA P-256 (SendGrid), with the JDK's own
 *       algorithms;
 *   <li>a shared token compared in constant time (GitLab, Microsoft Graph's {@code clientState});
 *   <li>certificates: {@link dev.hookline.core.signature.SnsVerifier} for Amazon SNS.
 * </ul>
 *
 * <p>The scheme classes of the first version remain for direct use: {@link
 * dev.hookline.core.signature.StandardWebhooksVerifier}, {@link dev.hookline.core.signature.GitHubVerifier}, {@link
 * dev.hookline.core.signature.StripeVerifier}, {@link dev.hookline.core.signature.ShopifyVerifier}, {@link
 * dev.hookline.core.signature.SlackVerifier}, and {@link dev.hookline.core.signature.HmacVerifier} for an HMAC scheme
 * the catalog lacks. Their builders share {@link dev.hookline.core.signature.SecretVerifierBuilder} and {@link
 * dev.hookline.core.signature.TimestampedVerifierBuilder}.
 *
 * <p>Each accepts several secrets for rotation, and the timestamped schemes reject requests outside a tolerance (5
 * minutes unless the provider says otherwise, both directions) measured with an injectable {@link java.time.Clock},
 * after the signature: a stale but authentic request is reported as such, apart from a forged one. Failures throw
 * {@link dev.hookline.core.signature.SignatureVerificationException}, whose {@code check()} names the kind of check
 * and whose message names the header, never a secret, a header's value or a full signature.
 */
package dev.hookline.core.signature;
