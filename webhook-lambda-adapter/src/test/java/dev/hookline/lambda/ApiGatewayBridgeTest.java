package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApiGatewayBridgeTest {

  @Test
  void sourceFromPathParameterWins() {
    assertThat(ApiGatewayBridge.sourceName("stripe", "/webhooks/github")).isEqualTo("stripe");
  }

  @Test
  void sourceFromSegmentAfterWebhooks() {
    assertThat(ApiGatewayBridge.sourceName(null, "/webhooks/github")).isEqualTo("github");
    assertThat(ApiGatewayBridge.sourceName(" ", "/prod/webhooks/github/")).isEqualTo("github");
    assertThat(ApiGatewayBridge.sourceName(null, "/webhooks/")).isEmpty();
    assertThat(ApiGatewayBridge.sourceName(null, "/webhooks/github/extra")).isEmpty();
    assertThat(ApiGatewayBridge.sourceName(null, "/github")).isEmpty();
    assertThat(ApiGatewayBridge.sourceName(null, null)).isEmpty();
  }

  @Test
  void retryAfterRoundsUpToWholeSeconds() {
    assertThat(ApiGatewayBridge.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
    assertThat(ApiGatewayBridge.retryAfterSeconds(Duration.ofMillis(1_001))).isEqualTo(2);
    assertThat(ApiGatewayBridge.retryAfterSeconds(Duration.ofSeconds(10))).isEqualTo(10);
  }
}
