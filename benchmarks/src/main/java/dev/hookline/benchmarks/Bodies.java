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
   * Returns a JSON event of exactly {@code bytes} UTF-8 bytes that starts with its sequence number and the
   * {@link System#nanoTime()} at which it was sent, for latency measurements.
   *
   * @param seq the sequence number
   * @param sentNanos the send time
   * @param bytes the size, at least 96
   * @return the JSON text
   */
  static String event(long seq, long sentNanos, int bytes) {
    String head = "{\"seq\":" + seq + ",\"sentNanos\":" + sentNanos + ",\"type\":\"bench.event\",\"padding\":\"";
    String tail = "\"}";
    int fill = bytes - head.length() - tail.length();
    if (fill < 0) {
      throw new IllegalArgumentException("bytes must be >= " + (head.length() + tail.length()) + ", was " + bytes);
    }
    return head + "x".repeat(fill) + tail;
  }

  /**
   * Reads a non-negative number field written by {@link #event} from the start of a body.
   *
   * @param body the body
   * @param field the field name
   * @return the value
   */
  static long numberField(byte[] body, String field) {
    String head = new String(body, 0, Math.min(body.length, 96), StandardCharsets.US_ASCII);
    String key = "\"" + field + "\":";
    int at = head.indexOf(key);
    if (at < 0) {
      throw new IllegalArgumentException("field " + field + " is missing");
    }
    long value = 0;
    for (int i = at + key.length(); i < head.length() && Character.isDigit(head.charAt(i)); i++) {
      value = value * 10 + (head.charAt(i) - '0');
    }
    return value;
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
