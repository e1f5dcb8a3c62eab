package dev.hookline.core.signature;

import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses signature headers that carry a list of {@code key<sep>value} entries: Stripe's {@code t=..,v1=..,v1=..}
 * (entries split by {@code ','}, key and value by {@code '='}) and Standard Webhooks' {@code v1,.. v1a,..} (entries
 * split by spaces, key and value by {@code ','}).
 */
final class SignatureLists {

  private SignatureLists() {}

  /**
   * Splits {@code header} into entries, skipping empty ones and entries without the key separator.
   *
   * @param header the header value
   * @param entrySeparator separates entries
   * @param keySeparator separates an entry's key from its value (first occurrence)
   * @return the key-value pairs in order; keys are trimmed, values are not
   */
  static List<Map.Entry<String, String>> parse(String header, char entrySeparator, char keySeparator) {
    List<Map.Entry<String, String>> entries = new ArrayList<>(4);
    int start = 0;
    int length = header.length();
    while (start <= length) {
      int end = header.indexOf(entrySeparator, start);
      if (end < 0) {
        end = length;
      }
      String entry = header.substring(start, end).trim();
      int split = entry.indexOf(keySeparator);
      if (split > 0) {
        entries.add(Map.entry(entry.substring(0, split).trim(), entry.substring(split + 1).trim()));
      }
      start = end + 1;
    }
    return entries;
  }

  /**
   * Strips a required prefix such as {@code sha256=} from a signature header value.
   *
   * @throws SignatureVerificationException naming the header when the prefix is absent
   */
  static String stripPrefix(String value, String prefix, String headerName) {
    if (!value.startsWith(prefix)) {
      throw new SignatureVerificationException(
          Check.MALFORMED, headerName + " header malformed: expected prefix " + prefix);
    }
    return value.substring(prefix.length());
  }
}
