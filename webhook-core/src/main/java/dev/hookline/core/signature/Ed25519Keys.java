package dev.hookline.core.signature;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;

/** Ed25519 public keys prepared once, verified with the JDK's own {@code Ed25519} implementation. */
final class Ed25519Keys {

  /** Raw Ed25519 public keys are 32 bytes (RFC 8032 section 5.1.5). */
  static final int RAW_KEY_LENGTH = 32;

  /** Ed25519 signatures are 64 bytes (RFC 8032 section 5.1.6). */
  static final int SIGNATURE_LENGTH = 64;

  /**
   * DER of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410 section 4) up to the raw key: SEQUENCE, SEQUENCE {
   * OID 1.3.101.112 }, BIT STRING of 33 bytes with no unused bits.
   */
  private static final byte[] X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private static final ThreadLocal<Signature> SIGNATURES =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Signature.getInstance("Ed25519");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("Ed25519 is built into Java 15 and later", e);
            }
          });

  private final List<PublicKey> keys;

  private Ed25519Keys(List<PublicKey> keys) {
    this.keys = List.copyOf(keys);
  }

  static Ed25519Keys of(List<PublicKey> keys) {
    return new Ed25519Keys(keys);
  }

  /**
   * Wraps a raw 32-byte key in its X.509 encoding and decodes it.
   *
   * @throws IllegalArgumentException starting with {@code field} when the key is not a valid Ed25519 key
   */
  static PublicKey decode(byte[] raw, String field) {
    if (raw.length != RAW_KEY_LENGTH) {
      throw new IllegalArgumentException(field + " must decode to " + RAW_KEY_LENGTH + " bytes, was " + raw.length);
    }
    byte[] der = new byte[X509_PREFIX.length + RAW_KEY_LENGTH];
    System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
    System.arraycopy(raw, 0, der, X509_PREFIX.length, RAW_KEY_LENGTH);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(field + " is not a valid Ed25519 public key", e);
    }
  }

  int size() {
    return keys.size();
  }

  boolean isEmpty() {
    return keys.isEmpty();
  }

  /** Returns whether any key verifies any candidate over {@code before + body}. */
  boolean matchesAny(byte[] before, byte[] body, List<byte[]> candidates) {
    if (candidates.isEmpty()) {
      return false;
    }
    Signature verifier = SIGNATURES.get();
    for (PublicKey key : keys) {
      for (byte[] candidate : candidates) {
        try {
          verifier.initVerify(key);
          verifier.update(before);
          verifier.update(body);
          if (verifier.verify(candidate)) {
            return true;
          }
        } catch (InvalidKeyException | SignatureException e) {
          // A malformed candidate is simply not a match; initVerify on the next round resets the state.
        }
      }
    }
    return false;
  }
}
