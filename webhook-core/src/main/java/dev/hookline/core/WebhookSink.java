package dev.hookline.core;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Where accepted webhooks go to be stored durably: the port between the receiver and the queue.
 *
 * <p>{@link WebhookReceiver} answers 2xx only after the returned stage completes normally, so an implementation must
 * complete it only once the webhook is durably stored (for SQS: the {@code SendMessage} call succeeded). Failures are
 * reported by completing the stage exceptionally:
 *
 * <ul>
 *   <li>{@link SinkOverCapacityException} — too many pending; the receiver answers 429 with {@code Retry-After};
 *   <li>{@link PayloadTooLargeException} — the stored form would exceed a limit; the receiver answers 413;
 *   <li>anything else — storage failed within the budget; the receiver answers 503 with {@code Retry-After}.
 * </ul>
 *
 * <p>Implementations must be thread-safe. The SQS implementation is {@code dev.hookline.sqs.SqsEnqueuer}; Hookline's
 * own tests use an in-memory sink from webhook-core's test-jar.
 */
@FunctionalInterface
public interface WebhookSink {

  /**
   * Stores one webhook durably.
   *
   * @param webhook the webhook to store
   * @param budget how long the sink may take, retries included; the stage must complete (normally or exceptionally)
   *     within about this time, because the sender's own timeout follows it
   * @return a stage that completes normally once the webhook is durable
   */
  CompletionStage<Void> store(Webhook webhook, Duration budget);
}
