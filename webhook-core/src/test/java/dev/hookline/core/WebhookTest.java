package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookTest {

  private static Webhook.Builder complete() {
    return Webhook.builder().deliveryId("d-1").source("github").receivedAt(Instant.EPOCH);
  }

  @Test
  void aCompleteBuilderBuilds() {
    Webhook w = complete().build();
    assertThat(w.deliveryId()).isEqualTo("d-1");
    assertThat(w.source()).isEqualTo("github");
    assertThat(w.receivedAt()).isEqualTo(Instant.EPOCH);
    assertThat(w.verification()).isEqualTo(Verification.VERIFIED);
    assertThat(w.bodyLength()).isZero();
  }

  private static Arguments row(String name, Supplier<Webhook.Builder> builder, String message) {
    return Arguments.of(name, builder, message);
  }

  static Stream<Arguments> invalid() {
    String id = "deliveryId must be set and not blank";
    String source = "source must be set and not blank";
    return Stream.of(
        row("deliveryId missing", () -> Webhook.builder().source("github").receivedAt(Instant.EPOCH), id),
        row("deliveryId empty", () -> complete().deliveryId(""), id),
        row("deliveryId blank", () -> complete().deliveryId(" \t"), id),
        row("source missing", () -> Webhook.builder().deliveryId("d-1").receivedAt(Instant.EPOCH), source),
        row("source blank", () -> complete().source("  "), source),
        row("receivedAt missing", () -> Webhook.builder().deliveryId("d-1").source("github"), "receivedAt must be set"),
        // build() checks the final state, whatever order the setters ran in.
        row("blank id set last", () -> Webhook.builder().source("github").receivedAt(Instant.EPOCH).deliveryId(""), id),
        row("only the id", () -> Webhook.builder().deliveryId("d-1"), source));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void buildNamesTheMissingOrInvalidField(String name, Supplier<Webhook.Builder> builder, String message) {
    assertThatThrownBy(() -> builder.get().build()).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void settersRejectNullNamingTheField() {
    Webhook.Builder b = Webhook.builder();
    assertThatThrownBy(() -> b.deliveryId(null)).isInstanceOf(NullPointerException.class).hasMessage("deliveryId");
    assertThatThrownBy(() -> b.source(null)).isInstanceOf(NullPointerException.class).hasMessage("source");
    assertThatThrownBy(() -> b.receivedAt(null)).isInstanceOf(NullPointerException.class).hasMessage("receivedAt");
    assertThatThrownBy(() -> b.headers(null)).isInstanceOf(NullPointerException.class).hasMessage("headers");
    assertThatThrownBy(() -> b.body(null)).isInstanceOf(NullPointerException.class).hasMessage("body");
    assertThatThrownBy(() -> b.contentType(null)).isInstanceOf(NullPointerException.class).hasMessage("contentType");
    assertThatThrownBy(() -> b.verification(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("verification");
  }

  @Test
  void toBuilderKeepsEveryFieldAndTheBodyIsCopied() {
    byte[] body = {1, 2, 3};
    Webhook w = complete().body(body).contentType("application/json").verification(Verification.DEFERRED).build();
    body[0] = 9;
    assertThat(w.body()).containsExactly(1, 2, 3);
    assertThat(w.toBuilder().build()).isEqualTo(w).hasSameHashCodeAs(w);
  }
}
