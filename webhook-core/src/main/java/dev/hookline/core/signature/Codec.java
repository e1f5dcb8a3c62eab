package dev.hookline.core.signature;

import java.util.Base64;
import java.util.HexFormat;

/**
 * Decoding of signatures from headers: {@link #hex} and {@link #base64} yield {@code null} for malformed input; the
 * caller names the header in its {@link SignatureVerificationException}.
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
}
