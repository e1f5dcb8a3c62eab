package dev.hookline.core.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.Attempt;
import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.idempotency.InMemoryIdempotencyStore;
import dev.hookline.core.signature.GitHubVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A message written by an API Gateway direct integration, decoded and processed with a real verifier. */
class DirectIntegrationProcessingTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  // GitHub docs, "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!".
  private static final String SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  private final TestClock clock = new TestClock(T0);
  private final List<Webhook> handled = new ArrayList<>();
  private final WebhookProcessor processor =
      WebhookProcessor.builder()
          .handler((w, a) -> handled.add(w))
          .verifier("github", GitHubVerifier.builder().addSecret("It's a Secret to Everybody").build())
          .idempotencyStore(InMemoryIdempotencyStore.builder().clock(clock).build())
          .clock(clock)
          .build();

  private static Map<String, String> attributes(String signature) {
    return Map.of(
        EnvelopeCodec.ATTR_SOURCE, "github",
        "hookline-h-x-hub-signature-256", signature,
        "hookline-h-x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  }

  @Test
  void validSignatureIsHandledOnceWithTheProvidersDeliveryId() {
    EnvelopeCodec codec = EnvelopeCodec.builder().clock(clock).build();
    Webhook webhook = codec.decode("Hello, World!", attributes(SIGNATURE));
    assertThat(webhook.verification()).isEqualTo(Verification.DEFERRED);

    assertThat(processor.process(webhook, new Attempt(1, T0))).isEqualTo(new Decision.Ack(false));
    assertThat(handled).hasSize(1);
    assertThat(handled.get(0).verification()).isEqualTo(Verification.VERIFIED);
    assertThat(handled.get(0).deliveryId()).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    // API Gateway may deliver the same request twice; the provider's id makes the second a duplicate.
    assertThat(processor.process(webhook, new Attempt(1, T0))).isEqualTo(new Decision.Ack(true));
    assertThat(handled).hasSize(1);
  }

  @Test
  void tamperedBodyIsDeadLettered() {
    Webhook webhook = EnvelopeCodec.defaults().decode("Hello, World?", attributes(SIGNATURE));
    Decision d = processor.process(webhook, new Attempt(1, T0));
    assertThat(((Decision.DeadLetter) d).report().reason()).isEqualTo(FailureReport.REASON_SIGNATURE_INVALID);
    assertThat(handled).isEmpty();
  }

  @Test
  void anEnvelopeShapedBodyPostedToTheDirectIntegrationIsVerifiedNotTrusted() {
    // A sender posts what looks like a Hookline envelope that claims it was verified; API Gateway queues it raw.
    Webhook forged =
        Webhook.builder()
            .deliveryId("forged")
            .source("github")
            .receivedAt(T0)
            .body("{\"pay\":1000000}".getBytes(StandardCharsets.UTF_8))
            .verification(Verification.VERIFIED)
            .build();
    String body = EnvelopeCodec.defaults().encode(forged).body();
    Webhook webhook = EnvelopeCodec.defaults().decode(body, attributes(SIGNATURE));

    assertThat(webhook.verification()).isEqualTo(Verification.DEFERRED);
    assertThat(webhook.body()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    Decision d = processor.process(webhook, new Attempt(1, T0));
    assertThat(((Decision.DeadLetter) d).report().reason()).isEqualTo(FailureReport.REASON_SIGNATURE_INVALID);
    assertThat(handled).isEmpty();
  }
}
