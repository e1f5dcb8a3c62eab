package dev.hookline.core.signature;

import static dev.hookline.core.signature.TestSigning.clockAt;
import static dev.hookline.core.signature.TestSigning.headers;
import static dev.hookline.core.signature.TestSigning.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The setters every built-in builder inherits, exercised through two schemes. */
class SecretVerifierBuilderTest {

  // GitHub's published example ("Validating webhook deliveries", docs.github.com), as in GitHubVerifierTest.
  private static final String SECRET = "It's a Secret to Everybody";
  private static final String SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  private static final byte[] BODY = utf8("Hello, World!");

  @Test
  void pluralSetterReplacesAndAddSecretAppends() {
    GitHubVerifier.Builder builder = GitHubVerifier.builder().addSecret("a").addSecret("b").secrets(List.of(SECRET));
    assertThat(builder.build().toString()).contains("secrets=1");

    GitHubVerifier two = builder.addSecret("c").build();

    assertThat(two.toString()).contains("secrets=2");
    assertThatCode(() -> two.verify(headers("X-Hub-Signature-256", SIGNATURE), BODY)).doesNotThrowAnyException();
  }

  @Test
  void nullSecretsAreRejectedAndLeaveTheBuilderUnchanged() {
    GitHubVerifier.Builder builder = GitHubVerifier.builder().addSecret(SECRET);

    assertThatThrownBy(() -> builder.secrets(Arrays.asList("x", null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("secrets");
    assertThatThrownBy(() -> builder.addSecret(null)).isInstanceOf(NullPointerException.class).hasMessage("secret");

    GitHubVerifier verifier = builder.build();
    assertThat(verifier.toString()).contains("secrets=1");
    assertThatCode(() -> verifier.verify(headers("X-Hub-Signature-256", SIGNATURE), BODY)).doesNotThrowAnyException();
  }

  @Test
  void inheritedAndSchemeSettersChainInAnyOrder() {
    HmacVerifier verifier =
        HmacVerifier.builder()
            .tolerance(Duration.ofMinutes(1))
            .signatureHeader("X-Signature")
            .clock(clockAt(1_700_000_000L))
            .addSecret("s3cret")
            .timestampHeader("X-Timestamp")
            .build();

    assertThat(verifier.toString()).contains("tolerance=PT1M", "secrets=1");
    // Correctly signed, 1000 s old: only the one-minute tolerance set first can refuse it.
    String signature = TestSigning.hmacSha256Hex("s3cret", "1699999000." + new String(BODY, StandardCharsets.UTF_8));
    assertThatThrownBy(() -> verifier.verify(headers("X-Signature", signature, "X-Timestamp", "1699999000"), BODY))
        .hasMessage("X-Timestamp outside tolerance: too old");
  }

  @Test
  void timestampSettersRejectNullAndBuildChecksTheTolerance() {
    SlackVerifier.Builder builder = SlackVerifier.builder().addSecret("s3cret");

    assertThatThrownBy(() -> builder.tolerance(null)).isInstanceOf(NullPointerException.class).hasMessage("tolerance");
    assertThatThrownBy(() -> builder.clock(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
    assertThatThrownBy(() -> builder.tolerance(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tolerance must not be negative, was PT-1S");
  }
}
