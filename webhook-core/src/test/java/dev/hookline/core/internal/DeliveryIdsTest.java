package dev.hookline.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveryIdsTest {

  @Test
  void queueSafeIdsKeepValidIdsAndHashTheRest() {
    assertThat(DeliveryIds.queueSafe("72d3162e-cc78-11e3-81ab-4c9367dc0958")).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assertThat(DeliveryIds.queueSafe("has space")).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(DeliveryIds.queueSafe("x".repeat(129))).hasSize(64);
    assertThat(DeliveryIds.queueSafe("x".repeat(128))).isEqualTo("x".repeat(128));
    assertThat(DeliveryIds.queueSafe("é")).isNotEqualTo("é").isEqualTo(DeliveryIds.queueSafe("é"));
  }
}
