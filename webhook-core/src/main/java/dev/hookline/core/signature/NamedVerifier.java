package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A verifier under a provider's name: Svix, Clerk and Resend sign with Standard Webhooks, and their logs and metrics
 * should still say which sender it was. Everything else is the delegate's.
 */
final class NamedVerifier implements SignatureVerifier {

  private final String scheme;
  private final SignatureVerifier delegate;

  NamedVerifier(String scheme, SignatureVerifier delegate) {
    this.scheme = scheme;
    this.delegate = delegate;
  }

  @Override
  public void verify(WebhookHeaders headers, byte[] body) {
    delegate.verify(headers, body);
  }

  @Override
  public void verifyAsOf(WebhookHeaders headers, byte[] body, Instant receivedAt) {
    delegate.verifyAsOf(headers, body, receivedAt);
  }

  @Override
  public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
    return delegate.deliveryId(headers, body);
  }

  @Override
  public List<String> headerNames() {
    return delegate.headerNames();
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public String toString() {
    return scheme + ":" + delegate;
  }
}
