package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The asymmetric family, built once: the sender signs {@code <timestamp><body>} with its private key and sends the
 * signature and the timestamp in two headers; the receiver holds only public keys, so nothing it stores can forge a
 * request. Ed25519 (Discord, hex) and ECDSA P-256 with SHA-256 (SendGrid, base64 DER) are in the JDK.
 *
 * <p>Order of checks as in {@link HmacFamily}: headers and encodings, then the signature, then the window, so a
 * stale but authentic request is told apart from a forged one.
 *
 * <p>Immutable and thread-safe.
 */
final class PublicKeyFamily implements Family {

  private final PublicKeys keys;
  private final String signatureHeader;
  private final HmacFamily.Encoding encoding;
  private final String timestampHeader;
  private final TimestampWindow window;

  PublicKeyFamily(
      PublicKeys keys,
      String signatureHeader,
      HmacFamily.Encoding encoding,
      String timestampHeader,
      TimestampWindow window) {
    this.keys = keys;
    this.signatureHeader = signatureHeader;
    this.encoding = encoding;
    this.timestampHeader = timestampHeader;
    this.window = window;
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body, long referenceMillis) {
    String value = HeaderValues.required(headers, signatureHeader);
    byte[] signature = encoding == HmacFamily.Encoding.HEX ? Codec.hex(value) : Codec.base64(value);
    if (signature == null) {
      throw new SignatureVerificationException(
          Check.MALFORMED,
          signatureHeader + " header malformed: expected " + encoding.name().toLowerCase(Locale.ROOT));
    }
    String timestamp = HeaderValues.required(headers, timestampHeader);
    long signedAt = TimestampWindow.parse(timestamp, TimestampWindow.Format.UNIX_SECONDS, timestampHeader);
    if (!keys.matchesAny(List.of(timestamp.getBytes(StandardCharsets.UTF_8), body), List.of(signature))) {
      throw new SignatureVerificationException(Check.SIGNATURE, "signature mismatch");
    }
    window.check(signedAt, timestampHeader, referenceMillis);
  }

  @Override
  public String describe() {
    return keys.algorithm()
        + ", signature="
        + signatureHeader
        + ", tolerance="
        + window.tolerance()
        + ", publicKeys="
        + keys.size();
  }
}
