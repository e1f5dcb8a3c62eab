package dev.hookline.lambda;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Loads event templates from {@code src/test/resources/events/}, fills their {@code "${NAME}"} placeholders with JSON
 * string values, and deserializes them the way the managed Java runtime does ({@link LambdaEventSerializers}), not
 * with a plain object mapper.
 */
public final class Events {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Events() {}

  /** Returns a template's text. */
  public static String template(String name) {
    try (InputStream in = Events.class.getResourceAsStream("/events/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no event template " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Replaces each {@code ${KEY}} inside a JSON string with the value, JSON-escaped; a null value replaces
   * {@code "${KEY}"} (quotes included) with {@code null}. Fails if a placeholder is missing or left over.
   */
  public static String fill(String template, Map<String, String> values) {
    String json = template;
    for (Map.Entry<String, String> e : values.entrySet()) {
      String placeholder = "${" + e.getKey() + "}";
      if (!json.contains(placeholder)) {
        throw new IllegalArgumentException("template has no placeholder " + placeholder);
      }
      if (e.getValue() == null) {
        json = json.replace("\"" + placeholder + "\"", "null");
      } else {
        String quoted = quote(e.getValue());
        json = json.replace(placeholder, quoted.substring(1, quoted.length() - 1));
      }
    }
    if (json.contains("${")) {
      throw new IllegalArgumentException("template has unfilled placeholders: " + json);
    }
    return json;
  }

  /** Deserializes as the Lambda Java runtime does. */
  public static <T> T parse(String json, Class<T> type) {
    return LambdaEventSerializers.serializerFor(type, Events.class.getClassLoader()).fromJson(json);
  }

  /** Loads, fills and deserializes a template. */
  public static <T> T load(String name, Map<String, String> values, Class<T> type) {
    return parse(fill(template(name), values), type);
  }

  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
