package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.signature.SignatureVerifier;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSourceTest {

  private final TestHmacVerifier verifier = new TestHmacVerifier("s3cret-key");

  private WebhookSource.Builder valid() {
    return WebhookSource.builder().name("github").verifier(verifier);
  }

  @Test
  void defaults() {
    WebhookSource source = valid().build();
    assertThat(source.maxBodyBytes()).isEqualTo(256 * 1024);
    assertThat(source.contentTypes()).containsExactly("application/json", "application/*+json");
    assertThat(source.enqueueBudget()).isEqualTo(Duration.ofSeconds(5));
    assertThat(source.deliveryIdRule()).isEmpty();
  }

  @Test
  void missingVerifierIsABuildErrorNamingIt() {
    assertThatThrownBy(() -> WebhookSource.builder().name("github").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("verifier")
        .hasMessageContaining("insecureNoVerification");
  }

  @Test
  void builderMessagesNameTheField() {
    assertThatThrownBy(() -> WebhookSource.builder().verifier(verifier).build()).hasMessageStartingWith("name");
    for (String bad : List.of("", "has space", "a/b", "..", "caf\u00e9")) {
      assertThatThrownBy(() -> valid().name(bad).build()).as(bad).hasMessageStartingWith("name");
    }
    assertThat(valid().name("Git_hub-2.x").build().name()).isEqualTo("Git_hub-2.x");
    assertThatThrownBy(() -> valid().maxBodyBytes(0).build()).hasMessageStartingWith("maxBodyBytes");
    assertThatThrownBy(() -> valid().maxBodyBytes(1024 * 1024 + 1).build()).hasMessageStartingWith("maxBodyBytes");
    assertThatThrownBy(() -> valid().contentTypes(List.of()).build()).hasMessageStartingWith("contentTypes");
    assertThatThrownBy(() -> valid().addContentType("json").build()).hasMessageStartingWith("contentTypes");
    assertThatThrownBy(() -> valid().addContentType("*/*").build()).hasMessageStartingWith("contentTypes");
    assertThatThrownBy(() -> valid().enqueueBudget(Duration.ZERO).build()).hasMessageStartingWith("enqueueBudget");
    assertThatThrownBy(() -> valid().verifier(null)).hasMessage("verifier");
  }

  @Test
  void contentTypesAreNormalisedAndPluralReplaces() {
    WebhookSource source = valid().contentTypes(List.of("Text/Plain")).addContentType("application/*").build();
    assertThat(source.contentTypes()).containsExactly("text/plain", "application/*");
    assertThat(source.allowsContentType("application/xml")).isTrue();
    assertThat(source.allowsContentType("application/json")).isTrue();
    assertThat(source.allowsContentType("text/html")).isFalse();
  }

  @Test
  void jsonSuffixPatternNeedsARealPrefix() {
    WebhookSource source = valid().build();
    assertThat(source.allowsContentType("application/vnd.github+json")).isTrue();
    assertThat(source.allowsContentType("application/+json")).isFalse();
    assertThat(source.allowsContentType("text/x+json")).isFalse();
  }

  @Test
  void toBuilderAndEquality() {
    WebhookSource source = valid().maxBodyBytes(1000).build();
    assertThat(source.toBuilder().build()).isEqualTo(source).hasSameHashCodeAs(source);
    assertThat(source.toBuilder().name("other").build()).isNotEqualTo(source);
  }

  @Test
  void insecureSourceBuilds() {
    WebhookSource source = valid().verifier(SignatureVerifier.insecureNoVerification()).build();
    assertThat(source.verifier().verifies()).isFalse();
  }
}
