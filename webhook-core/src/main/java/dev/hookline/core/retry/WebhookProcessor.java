package dev.hookline.core.retry;

import dev.hookline.core.Attempt;
import dev.hookline.core.Webhook;

/**
 * Runs one attempt the same way in every consumer: deferred signature check, idempotency claim, the user's handler,
 * then the processing policy's decision; completes or releases the idempotency claim.
 *
 * <p>CONTRACT STUB: filled in by the processing-path work. Signatures of {@link #process} and {@link #poison} are
 * the agreed API.
 */
public final class WebhookProcessor {

  private WebhookProcessor() {}

  /**
   * Processes one decoded webhook. Never throws: every failure becomes a {@link Decision}.
   *
   * @param webhook the webhook
   * @param attempt the attempt
   * @return what to do with the message
   */
  public Decision process(Webhook webhook, Attempt attempt) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Decides for a message that could not be decoded: always a {@link Decision.DeadLetter} with reason
   * {@code poison_message}; the handler is never called.
   *
   * @param error the decode failure
   * @param attempt the attempt
   * @return the dead-letter decision
   */
  public Decision poison(Throwable error, Attempt attempt) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
