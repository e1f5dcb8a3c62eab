package com.example.webhooks;

import dev.hookline.core.Attempt;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The user's handler: keeps what it handled, and fails on purpose for a delivery id it was told to fail, so a test
 * can watch a retry. The same handler runs in the consumer runner and in the Lambda SQS function.
 */
public final class OrderEvents implements WebhookHandler {

  private final List<Webhook> handled = new CopyOnWriteArrayList<>();
  private final String failingDeliveryId;

  /**
   * Creates the handler.
   *
   * @param failingDeliveryId a delivery id to fail with an exception, or "" for none
   */
  public OrderEvents(String failingDeliveryId) {
    this.failingDeliveryId = failingDeliveryId;
  }

  @Override
  public void handle(Webhook webhook, Attempt attempt) {
    if (webhook.deliveryId().equals(failingDeliveryId)) {
      throw new IllegalStateException("order service unavailable");
    }
    handled.add(webhook);
  }

  /** {@return the webhooks handled so far, in order} */
  public List<Webhook> handled() {
    return List.copyOf(handled);
  }
}
