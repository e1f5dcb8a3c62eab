package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** No {@code toString()} on the receive path prints a secret, a signature or a body. */
class RedactionTest {

  private static final String SECRET = "whsec_TOPSECRET";
  private static final String BODY_TEXT = "{\"card\":\"4242424242424242\"}";
  private static final String SIGNATURE = "sha256=abcdef0123456789SIGNATURE";

  private final TestHmacVerifier verifier = new TestHmacVerifier(SECRET);

  private WebhookHeaders headers() {
    return WebhookHeaders.builder()
        .add("Content-Type", "application/json")
        .add("X-Hub-Signature-256", SIGNATURE)
        .add("Stripe-Signature", SIGNATURE)
        .add("Authorization", "Bearer " + SECRET)
        .add("Cookie", "session=" + SECRET)
        .build();
  }

  private static void assertClean(String text) {
    assertThat(text).doesNotContain(SECRET).doesNotContain(SIGNATURE).doesNotContain("4242424242424242");
  }

  @Test
  void inboundRequest() {
    InboundRequest request =
        InboundRequest.builder().headers(headers()).body(BODY_TEXT.getBytes(StandardCharsets.UTF_8)).build();
    assertClean(request.toString());
    assertThat(request.toString()).contains("bodyLength=" + BODY_TEXT.length());
  }

  @Test
  void webhook() {
    Webhook webhook =
        Webhook.builder()
            .deliveryId("d-1")
            .source("github")
            .receivedAt(Instant.EPOCH)
            .headers(headers())
            .body(BODY_TEXT.getBytes(StandardCharsets.UTF_8))
            .build();
    assertClean(webhook.toString());
  }

  @Test
  void webhookSourcePrintsSchemeNotVerifier() {
    assertThat(verifier.toString()).contains(SECRET); // the test verifier leaks on purpose
    WebhookSource source = WebhookSource.builder().name("github").verifier(verifier).build();
    assertClean(source.toString());
    assertThat(source.toString()).contains("scheme=test-hmac");
  }

  @Test
  void receiverAndRejections() {
    WebhookReceiver receiver =
        WebhookReceiver.builder()
            .addSource(WebhookSource.builder().name("github").verifier(verifier).build())
            .sink(InMemoryWebhookSink.create())
            .build();
    assertClean(receiver.toString());
    InboundRequest request =
        InboundRequest.builder().headers(headers()).body(BODY_TEXT.getBytes(StandardCharsets.UTF_8)).build();
    ReceiveResult result = receiver.receiveBlocking("github", request);
    assertThat(result.status()).isEqualTo(401);
    assertClean(result.toJson());
    assertClean(result.toString());
  }
}
