package dev.hookline.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.testkit.SignedRequest;
import org.junit.jupiter.api.Test;

class SourceSpecTest {

  @Test
  void parsesNameSchemeAndSecretWithColons() {
    SourceSpec spec = SourceSpec.parse("gh=github:a:b:c");

    assertThat(spec.name()).isEqualTo("gh");
    assertThat(spec.scheme()).isEqualTo(SourceSpec.Scheme.GITHUB);
    assertThat(spec.secret()).isEqualTo("a:b:c");
    assertThat(spec.toString()).isEqualTo("gh (github)").doesNotContain("a:b:c");
  }

  @Test
  void refusesUnknownSchemesAndMalformedValues() {
    assertThatThrownBy(() -> SourceSpec.parse("x=gitlab:s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("scheme must be one of");
    assertThatThrownBy(() -> SourceSpec.parse("github"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("source must look like");
    assertThatThrownBy(() -> SourceSpec.parse("x=github:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secret must not be empty");
    assertThatThrownBy(() -> SourceSpec.parse("x=standard-webhooks:not base64!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets");
  }

  @Test
  void eachSchemeVerifiesWhatItsSignerSigns() {
    for (SourceSpec.Scheme scheme : SourceSpec.Scheme.values()) {
      String secret = scheme == SourceSpec.Scheme.STANDARD_WEBHOOKS ? SourceSpec.DEMO_SECRET : "s3cret";
      SourceSpec spec = new SourceSpec("src", scheme, secret);
      WebhookReceiver receiver =
          WebhookReceiver.builder().addSource(spec.toSource()).sink(InMemoryWebhookSink.create()).build();

      ReceiveResult good = receiver.receiveBlocking("src", spec.signer().build());
      ReceiveResult bad = receiver.receiveBlocking("src", spec.signer().withWrongSecret().build());

      assertThat(good.status()).as(scheme.label()).isEqualTo(202);
      assertThat(bad.status()).as(scheme.label()).isEqualTo(401);
    }
  }

  @Test
  void curlCommandQuotesForTheShell() {
    SignedRequest.Builder request = SourceSpec.demo().signer().id("msg_1").body("{\"it's\":1}");

    String curl = QuickStart.curl("http://127.0.0.1:8080/webhooks/demo", request.headers(), request.body());

    assertThat(curl)
        .startsWith("curl -i -X POST 'http://127.0.0.1:8080/webhooks/demo'")
        .contains("-H 'webhook-id: msg_1'")
        .contains("-H 'webhook-signature: v1,")
        .endsWith("--data-binary '{\"it'\\''s\":1}'");
  }
}
