package dev.hookline.core;

/**
 * Turns an {@link InboundRequest} into a {@link ReceiveResult}: limits, signature, delivery id, then the sink.
 *
 * <p>CONTRACT STUB: filled in by the receive-path work.
 */
public final class WebhookReceiver {
  private WebhookReceiver() {}
}
