package dev.hookline.core.signature;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared-token family, built once: the sender repeats a secret it was given, in a header (GitLab's {@code
 * X-Gitlab-Token}) or in every item of a JSON body (Microsoft Graph's {@code clientState}). It proves only that the
 * sender knows the token, not that the body is unchanged, and nothing limits replays: prefer a signing scheme where the
 * sender offers one.
 *
 * <p>Comparison takes time independent of where the values differ ({@link MessageDigest#isEqual}); every configured
 * token (rotation) is compared.
 *
 * <p>Immutable and thread-safe.
 */
final class TokenFamily implements Family {

  private final List<byte[]> tokens;
  private final String header;
  private final String arrayField;
  private final String itemField;

  private TokenFamily(List<String> tokens, String header, String arrayField, String itemField) {
    List<byte[]> bytes = new ArrayList<>(tokens.size());
    for (String token : tokens) {
      bytes.add(token.getBytes(StandardCharsets.UTF_8));
    }
    this.tokens = List.copyOf(bytes);
    this.header = header;
    this.arrayField = arrayField;
    this.itemField = itemField;
  }

  /** The token is a header's only value. */
  static TokenFamily header(List<String> tokens, String header) {
    return new TokenFamily(tokens, header, null, null);
  }

  /** The token is a field of every object in a top-level JSON array, for example {@code value[].clientState}. */
  static TokenFamily jsonItems(List<String> tokens, String arrayField, String itemField) {
    return new TokenFamily(tokens, null, arrayField, itemField);
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body, long referenceMillis) {
    if (header != null) {
      if (!matches(HeaderValues.required(headers, header))) {
        throw new SignatureVerificationException(Check.TOKEN, header + " header does not match");
      }
      return;
    }
    String what = arrayField + "[]." + itemField;
    JsonNode items = new JsonBody(body).root().get(arrayField);
    if (items == null || !items.isArray() || items.isEmpty()) {
      throw new SignatureVerificationException(Check.MISSING, arrayField + " field missing");
    }
    for (JsonNode item : items) {
      JsonNode token = item.get(itemField);
      if (token == null || !token.isTextual() || token.asText().isEmpty()) {
        throw new SignatureVerificationException(Check.MISSING, what + " field missing");
      }
      if (!matches(token.asText())) {
        throw new SignatureVerificationException(Check.TOKEN, what + " field does not match");
      }
    }
  }

  private boolean matches(String value) {
    byte[] actual = value.getBytes(StandardCharsets.UTF_8);
    boolean matched = false;
    for (byte[] token : tokens) {
      matched |= MessageDigest.isEqual(token, actual);
    }
    return matched;
  }

  @Override
  public String describe() {
    return "token, in=" + (header != null ? header : arrayField + "[]." + itemField) + ", tokens=" + tokens.size();
  }
}
