/**
 * Signature verification: the {@link dev.hookline.core.signature.SignatureVerifier} port and one final class per
 * built-in scheme. All verification is over the raw body bytes and in constant time.
 *
 * <ul>
 *   <li>{@link dev.hookline.core.signature.StandardWebhooksVerifier}: Standard Webhooks and Svix, {@code v1} HMAC and
 *       {@code v1a} Ed25519;
 *   <li>{@link dev.hookline.core.signature.GitHubVerifier}: {@code X-Hub-Signature-256};
 *   <li>{@link dev.hookline.core.signature.StripeVerifier}: {@code Stripe-Signature};
 *   <li>{@link dev.hookline.core.signature.ShopifyVerifier}: {@code X-Shopify-Hmac-Sha256};
 *   <li>{@link dev.hookline.core.signature.SlackVerifier}: {@code X-Slack-Signature};
 *   <li>{@link dev.hookline.core.signature.HmacVerifier}: any other HMAC scheme, described by header names, encoding,
 *       prefix and a signed-content template.
 * </ul>
 *
 * <p>Each accepts several secrets for rotation, and the timestamped schemes reject requests outside a tolerance (5
 * minutes by default, both directions) measured with an injectable {@link java.time.Clock}. Their builders share
 * these setters through {@link dev.hookline.core.signature.SecretVerifierBuilder} and {@link
 * dev.hookline.core.signature.TimestampedVerifierBuilder}. {@link
 * dev.hookline.core.signature.SignatureVerifiers#forScheme SignatureVerifiers.forScheme} builds one from a scheme name
 * and secrets, for configuration written as text. Failures throw {@link
 * dev.hookline.core.signature.SignatureVerificationException} naming the failed check, never a secret or a full
 * signature.
 */
package dev.hookline.core.signature;
