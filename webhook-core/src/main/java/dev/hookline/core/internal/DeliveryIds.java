package dev.hookline.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The fallback delivery id shared by the receiver and the envelope decoder. No compatibility promise. */
public final class DeliveryIds {

  private DeliveryIds() {}

  /**
   * Returns the lower-case hex SHA-256 of the source name, a NUL separator and the body: 64 characters, within SQS's
   * 128-character deduplication id limit, and the same for the same content however often it is redelivered.
   *
   * @param source the source name
   * @param body the raw body bytes
   * @return the delivery id
   */
  public static String fromContent(String source, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(source.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(body);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
