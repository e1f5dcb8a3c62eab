package dev.hookline.core;

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
 * A small HMAC-SHA256 verifier for tests: {@code X-Test-Signature: <hex hmac of body>}, delivery id from
 * {@code X-Test-Delivery}. Independent of the built-in schemes.
 */
public final class TestHmacVerifier implements SignatureVerifier {

  /** The signature header. */
  public static final String SIGNATURE = "X-Test-Signature";

  /** The delivery id header. */
  public static final String DELIVERY = "X-Test-Delivery";

  private final byte[] secret;

  public TestHmacVerifier(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  /** Returns the hex HMAC-SHA256 of the body: the oracle tests sign with. */
  public String sign(byte[] body) {
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

  /** Deliberately leaky, so tests can prove that nobody prints a verifier. */
  @Override
  public String toString() {
    return "TestHmacVerifier{secret=" + new String(secret, StandardCharsets.UTF_8) + '}';
  }
}
