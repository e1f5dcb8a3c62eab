package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveryIdRuleTest {

  @Test
  void headerRuleTakesFirstNonBlankValueIgnoringNameCase() {
    DeliveryIdRule rule = DeliveryIdRule.header("X-Request-Id");
    WebhookHeaders headers = WebhookHeaders.builder().add("x-request-id", " abc ").add("X-Request-Id", "x").build();
    assertThat(rule.deliveryId(headers, new byte[0])).contains("abc");
    assertThat(rule.deliveryId(WebhookHeaders.builder().add("X-Request-Id", "  ").build(), new byte[0])).isEmpty();
    assertThat(rule.deliveryId(WebhookHeaders.empty(), new byte[0])).isEmpty();
  }
}
