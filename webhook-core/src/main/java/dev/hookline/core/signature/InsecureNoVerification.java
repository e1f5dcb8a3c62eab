package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;

/** The explicit opt-out behind {@link SignatureVerifier#insecureNoVerification()}. */
enum InsecureNoVerification implements SignatureVerifier {
  INSTANCE;

  @Override
  public void verify(WebhookHeaders headers, byte[] body) {
    // Deliberately accepts everything: the caller asked for no verification by name.
  }

  @Override
  public String scheme() {
    return "insecure-none";
  }

  @Override
  public boolean verifies() {
    return false;
  }
}
