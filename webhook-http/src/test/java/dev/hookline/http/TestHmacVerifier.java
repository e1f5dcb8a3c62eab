package dev.hookline.http;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.SignatureVerificationException;
import dev.hookline.core.signature.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A small HMAC-SHA256 verifier for tests: {@code X-Test-Signature: <hex hmac of body>}, delivery id from {@code
 * X-Test-Delivery}. Independent of the built-in schemes (as webhook-core's test verifier, which is not shared).
 */
final class TestHmacVerifier implements SignatureVerifier {

  static final String SIGNATURE = "X-Test-Signature";
  static final String DELIVERY = "X-Test-Delivery";

  private final byte[] secret;

  TestHmacVerifier(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  String sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body) {
    String given =
        headers.first(SIGNATURE).orElseThrow(() -> new SignatureVerificationException("signature header missing"));
    byte[] expected = sign(body).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII))) {
      throw new SignatureVerificationException("signature mismatch");
    }
  }

  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return headers.first(DELIVERY);
  }

  @Override
  public String scheme() {
    return "test-hmac";
  }
}
