package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.WebhookSource;
import dev.hookline.core.signature.Providers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LambdaEnvironmentTest {

  @Test
  void readsSourcesWithTheirSecretsAndSharedLimits() {
    LambdaEnvironment env =
        new LambdaEnvironment(
            Map.of(
                "HOOKLINE_SOURCES", " github:github, my-shop:shopify ,std:standard-webhooks,",
                "HOOKLINE_SECRET_GITHUB", "gh-secret",
                "HOOKLINE_SECRET_MY_SHOP", "shop-secret",
                "HOOKLINE_SECRET_STD", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "HOOKLINE_MAX_BODY_BYTES", "65536",
                "HOOKLINE_ENQUEUE_BUDGET_MILLIS", "3000"));

    List<WebhookSource> sources = env.sources();

    assertThat(sources).extracting(WebhookSource::name).containsExactly("github", "my-shop", "std");
    assertThat(sources).extracting(s -> s.verifier().scheme()).doesNotContainNull();
    assertThat(sources).allSatisfy(s -> assertThat(s.maxBodyBytes()).isEqualTo(65536));
    assertThat(sources).allSatisfy(s -> assertThat(s.enqueueBudget()).isEqualTo(Duration.ofSeconds(3)));
  }

  @Test
  void secretVariableNameIsUpperCaseWithUnderscores() {
    assertThat(LambdaEnvironment.secretVariable("my-shop.eu_1")).isEqualTo("HOOKLINE_SECRET_MY_SHOP_EU_1");
  }

  @Test
  void missingSecretNamesTheVariable() {
    LambdaEnvironment env = new LambdaEnvironment(Map.of("HOOKLINE_SOURCES", "stripe:stripe"));

    assertThatThrownBy(env::sources)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("HOOKLINE_SECRET_STRIPE");
  }

  @Test
  void unknownSchemeAndMalformedListNameTheVariable() {
    assertThatThrownBy(
            () -> new LambdaEnvironment(Map.of("HOOKLINE_SOURCES", "x:paypal", "HOOKLINE_SECRET_X", "s")).sources())
        .hasMessageStartingWith("HOOKLINE_SOURCES")
        .hasMessageContaining("paypal")
        .hasMessageEndingWith("known: " + String.join(", ", Providers.names()));
    assertThatThrownBy(() -> new LambdaEnvironment(Map.of("HOOKLINE_SOURCES", "github")).sources())
        .hasMessageStartingWith("HOOKLINE_SOURCES");
    assertThatThrownBy(() -> new LambdaEnvironment(Map.of("HOOKLINE_SOURCES", " , ")).sources())
        .hasMessageStartingWith("HOOKLINE_SOURCES");
    assertThatThrownBy(() -> new LambdaEnvironment(Map.of()).sources()).hasMessage("HOOKLINE_SOURCES must be set");
  }

  @Test
  void invalidNumberNamesTheVariable() {
    LambdaEnvironment env = new LambdaEnvironment(Map.of("HOOKLINE_BUDGET_MARGIN_MILLIS", "half a second"));

    assertThatThrownBy(() -> env.optionalMillis(LambdaEnvironment.BUDGET_MARGIN_MILLIS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("HOOKLINE_BUDGET_MARGIN_MILLIS");
  }

  @Test
  void secretValuesNeverAppearInErrors() {
    LambdaEnvironment env =
        new LambdaEnvironment(Map.of("HOOKLINE_SOURCES", "std:standard-webhooks", "HOOKLINE_SECRET_STD", "not-base64!!"));

    assertThatThrownBy(env::sources).hasMessageStartingWith("HOOKLINE_SECRET_STD").message().doesNotContain("not-base64!!");
  }
}
