package dev.hookline.core.signature;

import static dev.hookline.core.signature.TestSigning.headers;
import static dev.hookline.core.signature.TestSigning.hmacSha256Hex;
import static dev.hookline.core.signature.TestSigning.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GitHubVerifierTest {

  // Published example from GitHub's docs, "Validating webhook deliveries" → "Testing the webhook payload validation"
  // (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
  private static final String SECRET = "It's a Secret to Everybody";
  private static final byte[] BODY = utf8("Hello, World!");
  private static final String SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  private final GitHubVerifier verifier = GitHubVerifier.builder().addSecret(SECRET).build();

  @Test
  void acceptsGitHubsPublishedExample() {
    assertThatCode(() -> verifier.verify(headers("X-Hub-Signature-256", SIGNATURE), BODY)).doesNotThrowAnyException();
  }

  @Test
  void headerLookupIgnoresCase() {
    assertThatCode(() -> verifier.verify(headers("x-hub-signature-256", SIGNATURE), BODY)).doesNotThrowAnyException();
  }

  @Test
  void deliveryIdIsTheDeliveryHeader() {
    assertThat(verifier.deliveryId(headers("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), BODY))
        .contains("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assertThat(verifier.deliveryId(headers(), BODY)).isEmpty();
  }

  @Test
  void rejectsWrongSecret() {
    GitHubVerifier other = GitHubVerifier.builder().addSecret("not the secret").build();
    assertThatThrownBy(() -> other.verify(headers("X-Hub-Signature-256", SIGNATURE), BODY))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("signature mismatch");
  }

  @Test
  void rejectsTamperedBody() {
    assertThatThrownBy(() -> verifier.verify(headers("X-Hub-Signature-256", SIGNATURE), utf8("Hello, World?")))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("signature mismatch");
  }

  @Test
  void rejectsMissingDuplicatedAndMalformedHeaders() {
    assertThatThrownBy(() -> verifier.verify(headers(), BODY))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("X-Hub-Signature-256 header missing");
    assertThatThrownBy(
            () -> verifier.verify(headers("X-Hub-Signature-256", SIGNATURE, "X-Hub-Signature-256", SIGNATURE), BODY))
        .hasMessage("X-Hub-Signature-256 header duplicated");
    assertThatThrownBy(() -> verifier.verify(headers("X-Hub-Signature-256", SIGNATURE.substring(7)), BODY))
        .hasMessage("X-Hub-Signature-256 header malformed: expected prefix sha256=");
    assertThatThrownBy(() -> verifier.verify(headers("X-Hub-Signature-256", "sha256=zz"), BODY))
        .hasMessage("X-Hub-Signature-256 header malformed: expected hex");
    assertThatThrownBy(() -> verifier.verify(headers("X-Hub-Signature-256", ""), BODY))
        .hasMessage("X-Hub-Signature-256 header empty");
  }

  @Test
  void truncatedSignatureDoesNotMatch() {
    assertThatThrownBy(() -> verifier.verify(headers("X-Hub-Signature-256", SIGNATURE.substring(0, 21)), BODY))
        .hasMessage("signature mismatch");
  }

  @Test
  void acceptsOldAndNewSecretWhileRotating() {
    GitHubVerifier rotating = GitHubVerifier.builder().secrets(List.of("old-secret", "new-secret")).build();
    for (String secret : List.of("old-secret", "new-secret")) {
      String sig = "sha256=" + hmacSha256Hex(secret, "Hello, World!");
      assertThatCode(() -> rotating.verify(headers("X-Hub-Signature-256", sig), BODY)).doesNotThrowAnyException();
    }
  }

  @Test
  void pluralSetterReplacesEarlierSecrets() {
    GitHubVerifier replaced = GitHubVerifier.builder().addSecret(SECRET).secrets(List.of("other")).build();
    assertThatThrownBy(() -> replaced.verify(headers("X-Hub-Signature-256", SIGNATURE), BODY))
        .hasMessage("signature mismatch");
  }

  @Test
  void buildNamesTheField() {
    assertThatThrownBy(() -> GitHubVerifier.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets ");
    assertThatThrownBy(() -> GitHubVerifier.builder().addSecret("ok").addSecret(" ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets[1] ");
  }

  @Test
  void toStringShowsSchemeAndCountButNoSecret() {
    assertThat(verifier.toString()).contains("github", "secrets=1").doesNotContain(SECRET);
    assertThat(verifier.scheme()).isEqualTo("github");
    assertThat(verifier.verifies()).isTrue();
  }
}
