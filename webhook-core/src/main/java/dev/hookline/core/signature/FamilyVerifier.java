package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.util.List;
import java.util.Optional;

/**
 * The {@link SignatureVerifier} of a {@link Provider} preset: one {@link Family} configured for the provider, the
 * provider's name as the scheme, and where its delivery id is (headers, else a JSON body field).
 *
 * <p>Immutable and thread-safe.
 */
final class FamilyVerifier extends TimestampedVerifier {

  private final String scheme;
  private final Family family;
  private final List<String> deliveryIdHeaders;
  private final String deliveryIdField;
  private final List<String> headerNames;

  FamilyVerifier(
      String scheme,
      Family family,
      TimestampWindow window,
      List<String> headerNames,
      List<String> deliveryIdHeaders,
      String deliveryIdField) {
    super(window);
    this.scheme = scheme;
    this.family = family;
    this.headerNames = List.copyOf(headerNames);
    this.deliveryIdHeaders = List.copyOf(deliveryIdHeaders);
    this.deliveryIdField = deliveryIdField;
  }

  @Override
  void verifyAt(WebhookHeaders headers, byte[] body, long receivedAtMillis) {
    family.verify(headers, body, receivedAtMillis);
  }

  /** Returns the provider's delivery id header's value, else its JSON body field, if present. */
  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    Optional<String> id = HeaderValues.firstNonBlank(headers, deliveryIdHeaders.toArray(new String[0]));
    if (id.isEmpty() && deliveryIdField != null) {
      id = JsonBody.optionalText(body, deliveryIdField);
    }
    return id;
  }

  /** Returns the provider's headers ({@link Provider#headers()}). */
  @Override
  public List<String> headerNames() {
    return headerNames;
  }

  /** Returns the provider's name, for example {@code meta}. */
  @Override
  public String scheme() {
    return scheme;
  }

  /** Shows the provider, the family's algorithm, headers and key counts; never a secret. */
  @Override
  public String toString() {
    return "ProviderVerifier{scheme=" + scheme + ", " + family.describe() + '}';
  }
}
