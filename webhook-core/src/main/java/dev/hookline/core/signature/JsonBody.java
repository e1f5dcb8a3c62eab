package dev.hookline.core.signature;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.io.IOException;
import java.util.Optional;

/**
 * A request body read as JSON, parsed at most once, for senders that put what is signed, the signature or the
 * timestamp inside the body (Mailgun, Linear, Microsoft Graph, Amazon SNS) and for handshakes that read a challenge
 * from it. Duplicate keys are refused: a body whose signed field appears twice could mean two things.
 *
 * <p>Not thread-safe: one instance serves one request on one thread.
 */
final class JsonBody {

  /** Immutable once built; shared because building a mapper is costly and it holds no per-request state. */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final byte[] body;
  private JsonNode root;

  JsonBody(byte[] body) {
    this.body = body;
  }

  /**
   * Returns the parsed body.
   *
   * @throws SignatureVerificationException {@link Check#MALFORMED} when the body is not a JSON object
   */
  JsonNode root() {
    if (root == null) {
      JsonNode parsed = parse(body).orElse(null);
      if (parsed == null || !parsed.isObject()) {
        throw new SignatureVerificationException(Check.MALFORMED, "body malformed: expected a JSON object");
      }
      root = parsed;
    }
    return root;
  }

  /**
   * Returns a field's text: a non-empty string, or a number as written.
   *
   * @param path dot-separated field names from the top level, for example {@code signature.token}
   * @throws SignatureVerificationException {@link Check#MISSING} when the field is absent, empty or not a scalar
   */
  String text(String path) {
    return textAt(root(), path)
        .orElseThrow(() -> new SignatureVerificationException(Check.MISSING, path + " field missing"));
  }

  /** Returns a field's text (see {@link #text}), or empty when the body is not JSON or has no such field. */
  static Optional<String> optionalText(byte[] body, String path) {
    return parse(body).flatMap(node -> textAt(node, path));
  }

  /** Returns the body parsed as JSON, or empty when it is not JSON. */
  static Optional<JsonNode> parse(byte[] body) {
    if (body.length == 0) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(JSON.readTree(body));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Returns the shared mapper, for writing the small JSON answers of handshakes. */
  static ObjectMapper mapper() {
    return JSON;
  }

  private static Optional<String> textAt(JsonNode node, String path) {
    JsonNode current = node;
    for (String name : path.split("\\.")) {
      if (current == null || !current.isObject()) {
        return Optional.empty();
      }
      current = current.get(name);
    }
    if (current == null || !(current.isTextual() || current.isNumber())) {
      return Optional.empty();
    }
    String text = current.asText();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }
}
