package dev.hookline.core.signature;

import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Decoding of signatures from headers: {@link #hex} and {@link #base64} yield {@code null} for malformed input, and
 * the {@code require*} variants throw a {@link SignatureVerificationException} naming the header instead.
 */
final class Codec {

  private static final HexFormat HEX = HexFormat.of();

  private Codec() {}

  /** Decodes hex in either case; returns null when the text is not an even-length hex string. */
  static byte[] hex(String text) {
    if (text.isEmpty() || (text.length() & 1) != 0) {
      return null;
    }
    try {
      return HEX.parseHex(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Decodes standard base64 (with padding); returns null when the text is not valid base64. */
  static byte[] base64(String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Decodes a header's hex signature.
   *
   * @throws SignatureVerificationException {@code "<header> header malformed: expected hex"} when it is not hex
   */
  static byte[] requireHex(String text, String headerName) {
    return require(hex(text), headerName, "hex");
  }

  /**
   * Decodes a header's base64 signature.
   *
   * @throws SignatureVerificationException {@code "<header> header malformed: expected base64"} when it is not base64
   */
  static byte[] requireBase64(String text, String headerName) {
    return require(base64(text), headerName, "base64");
  }

  private static byte[] require(byte[] decoded, String headerName, String encoding) {
    if (decoded == null) {
      throw new SignatureVerificationException(Check.MALFORMED, headerName + " header malformed: expected " + encoding);
    }
    return decoded;
  }
}
