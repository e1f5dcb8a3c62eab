package dev.hookline.core.signature;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Optional;

/** Reads one top-level string field from a JSON body with Jackson's streaming parser, skipping everything else. */
final class JsonFields {

  private static final JsonFactory JSON = new JsonFactory();

  private JsonFields() {}

  /**
   * Returns the top-level string field {@code name}, or empty when the body is not a JSON object, the field is
   * absent, or it is not a non-blank string.
   */
  static Optional<String> topLevelString(byte[] body, String name) {
    if (!startsLikeObject(body)) {
      return Optional.empty();
    }
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals(field)) {
          if (value == JsonToken.VALUE_STRING) {
            String text = parser.getText();
            return text.isBlank() ? Optional.empty() : Optional.of(text);
          }
          return Optional.empty();
        }
        parser.skipChildren();
      }
      return Optional.empty();
    } catch (IOException e) {
      // A body that is not JSON simply has no id; the receiver falls back to a content hash.
      return Optional.empty();
    }
  }

  private static boolean startsLikeObject(byte[] body) {
    for (byte b : body) {
      if (b == '{') {
        return true;
      }
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return false;
  }
}
