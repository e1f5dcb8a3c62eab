package dev.hookline.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Deterministic request bodies of an exact size. */
final class Bodies {

  private Bodies() {}

  /**
   * Returns a JSON object of exactly {@code bytes} UTF-8 bytes, shaped like a webhook event with a padding field.
   *
   * @param bytes the size, at least 64
   * @return the JSON text
   */
  static String json(int bytes) {
    String head = "{\"id\":\"evt_bench\",\"type\":\"bench.event\",\"data\":{\"padding\":\"";
    String tail = "\"}}";
    int fill = bytes - head.length() - tail.length();
    if (fill < 0) {
      throw new IllegalArgumentException("bytes must be >= " + (head.length() + tail.length()) + ", was " + bytes);
    }
    StringBuilder sb = new StringBuilder(bytes).append(head);
    SplittableRandom random = new SplittableRandom(42);
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < fill; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    String json = sb.append(tail).toString();
    assert json.getBytes(StandardCharsets.UTF_8).length == bytes;
    return json;
  }

  /**
   * Returns random bytes that are not valid UTF-8, so a codec must treat them as binary.
   *
   * @param bytes the size
   * @return the bytes
   */
  static byte[] binary(int bytes) {
    byte[] data = new byte[bytes];
    new SplittableRandom(7).nextBytes(data);
    if (bytes > 0) {
      data[0] = (byte) 0xFF; // never valid in UTF-8
    }
    return data;
  }
}
