package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A small signing oracle for the tests, written apart from the production helpers. */
final class TestSigning {

  private TestSigning() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] hmac(String algorithm, byte[] key, byte[] content) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      return mac.doFinal(content);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static String hmacSha256Hex(String key, String content) {
    return HexFormat.of().formatHex(hmac("HmacSHA256", utf8(key), utf8(content)));
  }

  static String hmacSha256Base64(byte[] key, String content) {
    return Base64.getEncoder().encodeToString(hmac("HmacSHA256", key, utf8(content)));
  }

  /** Headers from alternating names and values. */
  static WebhookHeaders headers(String... namesAndValues) {
    WebhookHeaders.Builder b = WebhookHeaders.builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  static Clock clockAt(long epochSeconds) {
    return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
  }
}
