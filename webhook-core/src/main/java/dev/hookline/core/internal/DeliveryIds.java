package dev.hookline.core.internal;

import dev.hookline.core.envelope.SqsLimits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Delivery id rules shared by the receiver, the envelope decoder and the enqueuer. No compatibility promise. */
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
    return sha256Hex(source.getBytes(StandardCharsets.UTF_8), new byte[] {0}, body);
  }

  /**
   * Returns the id unchanged when SQS accepts it as a deduplication id or group id ({@link
   * SqsLimits#isValidGroupOrDeduplicationId}), else its lower-case hex SHA-256 (64 characters): the same id always
   * maps to the same value.
   *
   * @param id the id
   * @return an id SQS accepts
   */
  public static String queueSafe(String id) {
    if (SqsLimits.isValidGroupOrDeduplicationId(id)) {
      return id;
    }
    return sha256Hex(id.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256Hex(byte[]... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        sha.update(part);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
