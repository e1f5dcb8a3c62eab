package dev.hookline.core.signature;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;

/**
 * Public keys prepared once, verified with the JDK's own {@code Ed25519} or {@code SHA256withECDSA} (P-256): the
 * asymmetric family's keys (Standard Webhooks {@code v1a}, Discord, SendGrid). No provider beyond the JDK is needed.
 *
 * <p>{@link Signature} is not thread-safe, so each thread reuses its own instance per algorithm.
 */
final class PublicKeys {

  /** An asymmetric signature algorithm. */
  enum Algorithm {
    /** Ed25519 (RFC 8032), 64-byte signatures. */
    ED25519("Ed25519"),
    /** ECDSA over P-256 with SHA-256, DER-encoded signatures. */
    ECDSA_P256_SHA256("SHA256withECDSA");

    private final String jcaName;

    Algorithm(String jcaName) {
      this.jcaName = jcaName;
    }
  }

  /** Raw Ed25519 public keys are 32 bytes (RFC 8032 section 5.1.5). */
  static final int ED25519_KEY_LENGTH = 32;

  /** Ed25519 signatures are 64 bytes (RFC 8032 section 5.1.6). */
  static final int ED25519_SIGNATURE_LENGTH = 64;

  /**
   * DER of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410 section 4) up to the raw key: SEQUENCE, SEQUENCE {
   * OID 1.3.101.112 }, BIT STRING of 33 bytes with no unused bits.
   */
  private static final byte[] ED25519_X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private static final ThreadLocal<Signature> ED25519 = ThreadLocal.withInitial(() -> newSignature("Ed25519"));
  private static final ThreadLocal<Signature> ECDSA = ThreadLocal.withInitial(() -> newSignature("SHA256withECDSA"));

  private final Algorithm algorithm;
  private final List<PublicKey> keys;

  private PublicKeys(Algorithm algorithm, List<PublicKey> keys) {
    this.algorithm = algorithm;
    this.keys = List.copyOf(keys);
  }

  static PublicKeys of(Algorithm algorithm, List<PublicKey> keys) {
    return new PublicKeys(algorithm, keys);
  }

  /**
   * Wraps a raw 32-byte Ed25519 key in its X.509 encoding and decodes it.
   *
   * @throws IllegalArgumentException starting with {@code field} when the key is not a valid Ed25519 key
   */
  static PublicKey ed25519(byte[] raw, String field) {
    if (raw.length != ED25519_KEY_LENGTH) {
      throw new IllegalArgumentException(field + " must decode to " + ED25519_KEY_LENGTH + " bytes, was " + raw.length);
    }
    byte[] der = new byte[ED25519_X509_PREFIX.length + ED25519_KEY_LENGTH];
    System.arraycopy(ED25519_X509_PREFIX, 0, der, 0, ED25519_X509_PREFIX.length);
    System.arraycopy(raw, 0, der, ED25519_X509_PREFIX.length, ED25519_KEY_LENGTH);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(field + " is not a valid Ed25519 public key", e);
    }
  }

  /**
   * Decodes an X.509 SubjectPublicKeyInfo (DER) holding an EC key on P-256.
   *
   * @throws IllegalArgumentException starting with {@code field} when it is not a P-256 public key
   */
  static PublicKey ecdsaP256(byte[] der, String field) {
    PublicKey key;
    try {
      key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(field + " is not a valid EC public key (base64 of its X.509 DER)", e);
    }
    if (!(key instanceof ECPublicKey) || ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize() != 256) {
      throw new IllegalArgumentException(field + " must be a P-256 key");
    }
    return key;
  }

  int size() {
    return keys.size();
  }

  boolean isEmpty() {
    return keys.isEmpty();
  }

  Algorithm algorithm() {
    return algorithm;
  }

  /** Returns whether any key verifies any candidate over {@code before + body}. */
  boolean matchesAny(byte[] before, byte[] body, List<byte[]> candidates) {
    return matchesAny(List.of(before, body), candidates);
  }

  /** Returns whether any key verifies any candidate over the concatenated segments. */
  boolean matchesAny(List<byte[]> segments, List<byte[]> candidates) {
    if (candidates.isEmpty()) {
      return false;
    }
    Signature verifier = algorithm == Algorithm.ED25519 ? ED25519.get() : ECDSA.get();
    for (PublicKey key : keys) {
      for (byte[] candidate : candidates) {
        try {
          verifier.initVerify(key);
          for (byte[] segment : segments) {
            verifier.update(segment);
          }
          if (verifier.verify(candidate)) {
            return true;
          }
        } catch (InvalidKeyException | SignatureException e) {
          // A malformed candidate (not DER, wrong length) is simply not a match; initVerify on the next round resets.
        }
      }
    }
    return false;
  }

  private static Signature newSignature(String algorithm) {
    try {
      return Signature.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is built into Java 17", e);
    }
  }
}
