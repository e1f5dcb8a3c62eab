package dev.hookline.core;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Media type parsing and matching for the receiver's content type check (RFC 9110 §8.3.1): type and subtype are
 * compared ignoring case, parameters such as {@code charset} are ignored.
 */
final class MediaTypes {

  /** RFC 9110 token characters. */
  private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";

  private static final Pattern MEDIA_TYPE = Pattern.compile(TOKEN + "/" + TOKEN);

  private MediaTypes() {}

  /**
   * Returns the lower-case {@code type/subtype} of a {@code Content-Type} value without its parameters.
   *
   * @param value the header value
   * @return the essence, or empty when the value is not a media type
   */
  static Optional<String> essence(String value) {
    int semicolon = value.indexOf(';');
    String essence = (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
    if (!MEDIA_TYPE.matcher(essence).matches()) {
      return Optional.empty();
    }
    return Optional.of(essence.toLowerCase(Locale.ROOT));
  }

  /**
   * Returns whether a configured pattern is valid: {@code type/subtype}, {@code type/*} or {@code type/*+suffix}.
   *
   * @param pattern the configured pattern
   * @return true when valid
   */
  static boolean validPattern(String pattern) {
    return MEDIA_TYPE.matcher(pattern).matches() && !pattern.startsWith("*");
  }

  /**
   * Returns whether a lower-case essence matches a lower-case pattern.
   *
   * @param pattern {@code type/subtype}, {@code type/*} or {@code type/*+suffix}
   * @param essence the request's {@code type/subtype}
   * @return true when it matches
   */
  static boolean matches(String pattern, String essence) {
    if (pattern.equals(essence)) {
      return true;
    }
    int slash = pattern.indexOf('/');
    String type = pattern.substring(0, slash + 1);
    String subtype = pattern.substring(slash + 1);
    if (!essence.startsWith(type)) {
      return false;
    }
    String actualSubtype = essence.substring(type.length());
    if (subtype.equals("*")) {
      return true;
    }
    if (subtype.startsWith("*+")) {
      // A structured syntax suffix (RFC 6839), for example application/cloudevents+json.
      String suffix = subtype.substring(1);
      return actualSubtype.endsWith(suffix) && actualSubtype.length() > suffix.length();
    }
    return false;
  }
}
