package dev.hookline.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.testkit.SignedRequest;
import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceSpecTest {

  @Test
  void parsesNameProviderAndSecretWithColons() {
    SourceSpec spec = SourceSpec.parse("gh=github:a:b:c");

    assertThat(spec.name()).isEqualTo("gh");
    assertThat(spec.provider().name()).isEqualTo("github");
    assertThat(spec.secret()).isEqualTo("a:b:c");
    assertThat(spec.toString()).isEqualTo("gh (github)").doesNotContain("a:b:c");
  }

  @Test
  void takesEveryProviderOfTheCatalogWithItsHandshakeAndContentTypes() throws Exception {
    SourceSpec meta = SourceSpec.parse("fb=meta:app-secret:verify-token");
    assertThat(meta.toSource().handshake()).isPresent();
    SourceSpec slack = SourceSpec.parse("slack=slack:s3cret");
    assertThat(slack.toSource().contentTypes()).contains("application/x-www-form-urlencoded");
    // A Standard Webhooks public key (v1a) verifies, but a secret cannot sign for it: no curl to print.
    String whpk = SignedRequest.whpk(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
    SourceSpec v1a = SourceSpec.parse("std=standard-webhooks:" + whpk);
    assertThat(v1a.signer()).isEmpty();
  }

  @Test
  void refusesUnknownProvidersAndMalformedValues() {
    assertThatThrownBy(() -> SourceSpec.parse("x=paypal:s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("provider must be one of");
    assertThatThrownBy(() -> SourceSpec.parse("github"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("source must look like");
    assertThatThrownBy(() -> SourceSpec.parse("x=github:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secret must not be empty");
    assertThatThrownBy(() -> SourceSpec.parse("x=standard-webhooks:not base64!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secret");
  }

  @Test
  void eachProviderVerifiesWhatItsSignerSigns() {
    for (String provider : List.of("standard-webhooks", "github", "stripe", "shopify", "slack", "meta", "paddle")) {
      String secret = provider.equals("standard-webhooks") ? SourceSpec.DEMO_SECRET : "s3cret";
      SourceSpec spec = SourceSpec.of("src", provider, secret);
      WebhookReceiver receiver =
          WebhookReceiver.builder().addSource(spec.toSource()).sink(InMemoryWebhookSink.create()).build();

      ReceiveResult good = receiver.receiveBlocking("src", spec.signer().orElseThrow().build());
      ReceiveResult bad = receiver.receiveBlocking("src", spec.signer().orElseThrow().withWrongSecret().build());

      assertThat(good.status()).as(provider).isEqualTo(202);
      assertThat(bad.status()).as(provider).isEqualTo(401);
    }
  }

  @Test
  void curlCommandQuotesForTheShell() {
    SignedRequest.Builder request = SourceSpec.demo().signer().orElseThrow().id("msg_1").body("{\"it's\":1}");

    String curl = QuickStart.curl("http://127.0.0.1:8080/webhooks/demo", request.headers(), request.body());

    assertThat(curl)
        .startsWith("curl -i -X POST 'http://127.0.0.1:8080/webhooks/demo'")
        .contains("-H 'webhook-id: msg_1'")
        .contains("-H 'webhook-signature: v1,")
        .endsWith("--data-binary '{\"it'\\''s\":1}'");
  }
}
