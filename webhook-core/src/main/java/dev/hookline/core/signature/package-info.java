/**
 * Signature verification: the {@link dev.hookline.core.signature.SignatureVerifier} port and one final class per
 * built-in scheme. All verification is over the raw body bytes and in constant time.
 */
package dev.hookline.core.signature;
