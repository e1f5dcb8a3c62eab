package dev.hookline.core;

/**
 * A {@link WebhookSink} that keeps webhooks in memory, for tests and examples.
 *
 * <p>CONTRACT STUB: filled in by the receive-path work.
 */
public final class InMemoryWebhookSink {
  private InMemoryWebhookSink() {}
}
