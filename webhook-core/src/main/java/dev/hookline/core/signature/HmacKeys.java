package dev.hookline.core.signature;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One HMAC algorithm and the keys to try, prepared once at build time.
 *
 * <p>{@link Mac} is not thread-safe, so each thread reuses its own instance per algorithm through a {@link
 * ThreadLocal}; the keys are immutable {@link SecretKeySpec}s. Comparison uses {@link MessageDigest#isEqual}, which
 * takes time independent of where the arrays differ.
 */
final class HmacKeys {

  private static final ThreadLocal<Mac> SHA1 = ThreadLocal.withInitial(() -> newMac("HmacSHA1"));
  private static final ThreadLocal<Mac> SHA256 = ThreadLocal.withInitial(() -> newMac("HmacSHA256"));
  private static final ThreadLocal<Mac> SHA512 = ThreadLocal.withInitial(() -> newMac("HmacSHA512"));

  /** No bytes, for schemes that sign the body alone. */
  static final byte[] EMPTY = new byte[0];

  private final String algorithm;
  private final ThreadLocal<Mac> macs;
  private final List<SecretKeySpec> keys;

  private HmacKeys(String algorithm, List<SecretKeySpec> keys) {
    this.algorithm = algorithm;
    this.macs = threadLocalFor(algorithm);
    this.keys = List.copyOf(keys);
  }

  /**
   * Prepares keys whose bytes are the UTF-8 encoding of each secret, as GitHub, Stripe, Shopify and Slack use them.
   *
   * @param algorithm a JCA name: {@code HmacSHA1}, {@code HmacSHA256} or {@code HmacSHA512}
   * @param secrets the secrets, already checked to be non-empty strings
   */
  static HmacKeys utf8(String algorithm, List<String> secrets) {
    List<byte[]> raw = new ArrayList<>(secrets.size());
    for (String secret : secrets) {
      raw.add(secret.getBytes(StandardCharsets.UTF_8));
    }
    return raw(algorithm, raw);
  }

  /** Prepares keys from raw key bytes; each must be non-empty. */
  static HmacKeys raw(String algorithm, List<byte[]> rawKeys) {
    List<SecretKeySpec> specs = new ArrayList<>(rawKeys.size());
    for (byte[] raw : rawKeys) {
      specs.add(new SecretKeySpec(raw, algorithm));
    }
    return new HmacKeys(algorithm, specs);
  }

  /** Returns the number of keys. */
  int size() {
    return keys.size();
  }

  /** Returns the JCA algorithm name. */
  String algorithm() {
    return algorithm;
  }

  /**
   * Returns whether any key's MAC over {@code before + body} equals any candidate.
   *
   * @param before bytes signed ahead of the body (for example {@code "id.timestamp."}); may be empty
   * @param body the raw body
   * @param candidates decoded signatures from the request
   */
  boolean matchesAny(byte[] before, byte[] body, List<byte[]> candidates) {
    return matchesAny(List.of(before, body), candidates);
  }

  /**
   * Returns whether any key's MAC over the concatenated segments equals any candidate. Every key is tried against
   * every candidate; each comparison takes time independent of where the arrays differ.
   *
   * @param segments the signed content, in order, without copying them together
   * @param candidates decoded signatures from the request
   */
  boolean matchesAny(List<byte[]> segments, List<byte[]> candidates) {
    if (candidates.isEmpty()) {
      return false;
    }
    Mac mac = macs.get();
    for (SecretKeySpec key : keys) {
      byte[] expected = mac(mac, key, segments);
      for (byte[] candidate : candidates) {
        if (MessageDigest.isEqual(expected, candidate)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Returns the first key's MAC over {@code content}: what a handshake answers with (Zoom's {@code encryptedToken},
   * X's {@code response_token}), which the sender computes with its current secret.
   */
  byte[] macWithFirstKey(byte[] content) {
    return mac(macs.get(), keys.get(0), List.of(content));
  }

  private static byte[] mac(Mac mac, SecretKeySpec key, List<byte[]> segments) {
    try {
      mac.init(key);
    } catch (InvalidKeyException e) {
      // Cannot happen: every key was built for this algorithm, and the next init() replaces any partial state.
      throw new IllegalStateException("HMAC key rejected by " + key.getAlgorithm(), e);
    }
    for (byte[] segment : segments) {
      if (segment.length > 0) {
        mac.update(segment);
      }
    }
    return mac.doFinal();
  }

  private static ThreadLocal<Mac> threadLocalFor(String algorithm) {
    switch (algorithm) {
      case "HmacSHA1":
        return SHA1;
      case "HmacSHA256":
        return SHA256;
      case "HmacSHA512":
        return SHA512;
      default:
        throw new IllegalArgumentException("algorithm must be HmacSHA1, HmacSHA256 or HmacSHA512, was " + algorithm);
    }
  }

  private static Mac newMac(String algorithm) {
    try {
      return Mac.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every Java platform", e);
    }
  }
}
