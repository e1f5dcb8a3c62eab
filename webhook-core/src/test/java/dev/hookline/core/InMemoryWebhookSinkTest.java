package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class InMemoryWebhookSinkTest {

  private static final Duration BUDGET = Duration.ofSeconds(1);

  private static Webhook webhook(String id) {
    return Webhook.builder().deliveryId(id).source("s").receivedAt(Instant.EPOCH).build();
  }

  private static CompletableFuture<Void> store(InMemoryWebhookSink sink, String id) {
    return sink.store(webhook(id), BUDGET).toCompletableFuture();
  }

  @Test
  void storesInOrderAndSnapshotsAreImmutable() {
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    assertThat(store(sink, "a")).isCompleted();
    store(sink, "b");
    assertThat(sink.webhooks()).extracting(Webhook::deliveryId).containsExactly("a", "b");
    assertThatThrownBy(() -> sink.webhooks().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void capacityCountsStoredAndHeld() {
    InMemoryWebhookSink sink = InMemoryWebhookSink.builder().capacity(2).build();
    store(sink, "a");
    sink.hold();
    CompletableFuture<Void> held = store(sink, "b");
    assertThatThrownBy(() -> store(sink, "c").join()).hasCauseInstanceOf(SinkOverCapacityException.class);
    assertThat(held).isNotDone();
    assertThat(sink.heldCount()).isEqualTo(1);
  }

  @Test
  void failNextThenSucceeds() {
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    IllegalStateException down = new IllegalStateException("down");
    sink.failNext(2, down);
    assertThatThrownBy(() -> store(sink, "a").join()).isInstanceOf(CompletionException.class).hasCause(down);
    assertThatThrownBy(() -> store(sink, "b").join()).hasCause(down);
    assertThat(store(sink, "c")).isCompleted();
    assertThat(sink.webhooks()).extracting(Webhook::deliveryId).containsExactly("c");
    assertThat(sink.storeCalls()).isEqualTo(3);
  }

  @Test
  void failWithUntilReset() {
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    sink.failWith(new IllegalStateException("down"));
    assertThat(store(sink, "a")).isCompletedExceptionally();
    assertThat(store(sink, "b")).isCompletedExceptionally();
    sink.reset();
    assertThat(store(sink, "c")).isCompleted();
  }

  @Test
  void holdAndRelease() {
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    sink.hold();
    CompletableFuture<Void> a = store(sink, "a");
    assertThat(a).isNotDone();
    assertThat(sink.webhooks()).isEmpty();
    assertThat(sink.release()).isEqualTo(1);
    assertThat(a).isCompleted();
    assertThat(sink.webhooks()).hasSize(1);
    assertThat(store(sink, "b")).isCompleted();
  }

  @Test
  void resetFailsHeldStores() {
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    sink.hold();
    CompletableFuture<Void> a = store(sink, "a");
    sink.reset();
    assertThat(a).isCompletedExceptionally();
    assertThat(sink.heldCount()).isZero();
  }

  @Test
  void builderAndArgumentMessagesNameTheField() {
    assertThatThrownBy(() -> InMemoryWebhookSink.builder().capacity(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("capacity");
    assertThatThrownBy(() -> InMemoryWebhookSink.create().failNext(0, new RuntimeException()))
        .hasMessageStartingWith("count");
  }
}
