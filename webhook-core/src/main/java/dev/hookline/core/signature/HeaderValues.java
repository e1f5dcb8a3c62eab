package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.util.List;
import java.util.Optional;

/** Header look-ups that enforce "exactly once" and name the header in the failure, never its value. */
final class HeaderValues {

  private HeaderValues() {}

  /**
   * Returns the header's only value.
   *
   * @throws SignatureVerificationException when the header is missing, blank or sent more than once
   */
  static String required(WebhookHeaders headers, String name) {
    List<String> values = headers.all(name);
    if (values.isEmpty()) {
      throw new SignatureVerificationException(Check.MISSING, name + " header missing");
    }
    if (values.size() > 1) {
      throw new SignatureVerificationException(Check.DUPLICATED, name + " header duplicated");
    }
    String value = values.get(0).trim();
    if (value.isEmpty()) {
      throw new SignatureVerificationException(Check.MISSING, name + " header empty");
    }
    return value;
  }

  /**
   * Returns the value of the first of {@code names} that is present, enforcing exactly one value for it.
   *
   * @throws SignatureVerificationException when none is present, or the present one is blank or duplicated
   */
  static String requiredAny(WebhookHeaders headers, String... names) {
    for (String name : names) {
      if (headers.contains(name)) {
        return required(headers, name);
      }
    }
    throw new SignatureVerificationException(Check.MISSING, names[0] + " header missing");
  }

  /** Returns the first non-blank value of the first of {@code names} that has one, for delivery ids. */
  static Optional<String> firstNonBlank(WebhookHeaders headers, String... names) {
    for (String name : names) {
      Optional<String> value = headers.first(name).map(String::trim).filter(v -> !v.isEmpty());
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }
}
