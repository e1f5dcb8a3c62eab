package dev.hookline.core;

/**
 * Your code: handles one webhook. The same handler runs in the SQS consumer runner and in the Lambda SQS function.
 *
 * <p>Return normally to acknowledge. Throw anything to fail the attempt: it is retried with backoff until the retry
 * policy's attempts run out, then dead-lettered with the exception's type and message. Throw
 * {@link PermanentFailureException} to dead-letter at once, or {@link RetryLaterException} to retry after a delay
 * you choose.
 *
 * <p>Delivery is at-least-once: a handler may see the same delivery id again (configure an {@code IdempotencyStore}
 * to skip completed ids). Handlers are called concurrently and must be thread-safe.
 *
 * <pre>{@code
 * WebhookHandler handler = (webhook, attempt) -> {
 *   Order order = mapper.readValue(webhook.body(), Order.class);
 *   orders.save(order);               // throw to retry
 * };
 * }</pre>
 */
@FunctionalInterface
public interface WebhookHandler {

  /**
   * Handles one webhook.
   *
   * @param webhook the webhook, with its raw body bytes
   * @param attempt which attempt this is (from 1) and when the message was first received
   * @throws Exception to fail this attempt
   */
  void handle(Webhook webhook, Attempt attempt) throws Exception;
}
