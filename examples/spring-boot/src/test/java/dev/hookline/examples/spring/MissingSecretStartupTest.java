package dev.hookline.examples.spring;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** application.yml gives the github source no default secret: without one the service refuses to start. */
class MissingSecretStartupTest {

  @Test
  void startupFailsWithAClearMessageWhenTheGithubSecretIsUnset() {
    assumeTrue(
        System.getenv("GITHUB_WEBHOOK_SECRET") == null && System.getenv("HOOKLINE_SOURCES_GITHUB_SECRET") == null,
        "a GitHub secret is set in this environment");
    SpringApplicationBuilder app = new SpringApplicationBuilder(WebhookApplication.class).web(WebApplicationType.NONE);

    // Command-line arguments outrank application.yml (default properties would not). Nothing here calls SQS.
    assertThatThrownBy(
            () ->
                app.run(
                    "--hookline.queue-url=http://127.0.0.1:9/000000000000/webhooks",
                    "--hookline.dlq-url=http://127.0.0.1:9/000000000000/webhooks-dlq"))
        .rootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hookline.sources.github.secret must be set");
  }
}
