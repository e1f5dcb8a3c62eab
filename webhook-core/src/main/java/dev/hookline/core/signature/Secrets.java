package dev.hookline.core.signature;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Builder-side checks and decoding of configured secrets; every failure message starts with the field name. */
final class Secrets {

  private Secrets() {}

  /**
   * Replaces {@code target}'s content with {@code values}, for a plural setter; rejects a null collection or element
   * with the field name and leaves {@code target} unchanged then.
   */
  static void replace(List<String> target, Collection<String> values, String field) {
    Objects.requireNonNull(values, field);
    List<String> copy = new ArrayList<>(values.size());
    for (String value : values) {
      copy.add(Objects.requireNonNull(value, field));
    }
    target.clear();
    target.addAll(copy);
  }

  /**
   * Checks that there is at least one secret and none is blank.
   *
   * @throws IllegalArgumentException starting with {@code field}
   */
  static List<String> requireSecrets(List<String> secrets, String field) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException(field + " must contain at least one secret");
    }
    for (int i = 0; i < secrets.size(); i++) {
      if (secrets.get(i).isBlank()) {
        throw new IllegalArgumentException(field + "[" + i + "] must not be blank");
      }
    }
    return List.copyOf(secrets);
  }

  /**
   * Strips an optional prefix such as {@code whsec_} and decodes the rest as standard base64.
   *
   * @param value the configured text
   * @param prefix the prefix to strip when present
   * @param field the field name for messages, for example {@code secrets[0]}
   * @return the decoded bytes, never empty
   * @throws IllegalArgumentException starting with {@code field} when the rest is not base64 or decodes to nothing
   */
  static byte[] decodePrefixedBase64(String value, String prefix, String field) {
    String encoded = value.startsWith(prefix) ? value.substring(prefix.length()) : value;
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(encoded.trim());
    } catch (IllegalArgumentException e) {
      // The cause's message may quote the offending character; leave it out so no secret text reaches a log.
      throw new IllegalArgumentException(field + " must be " + prefix + " followed by base64");
    }
    if (decoded.length == 0) {
      throw new IllegalArgumentException(field + " must not be empty after " + prefix);
    }
    return decoded;
  }
}
