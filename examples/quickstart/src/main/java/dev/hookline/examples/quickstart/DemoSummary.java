package dev.hookline.examples.quickstart;

/**
 * The demo's totals, counted per HTTP request (a duplicate is its own request with an id seen before).
 *
 * <ul>
 *   <li>{@code sent}: requests made; {@code accepted}: answered 2xx (SQS has the webhook); {@code rejected}: answered
 *       4xx or 5xx. A request that got no answer at all is neither, so the counts no longer add up.
 *   <li>{@code processed}: accepted requests the consumer acknowledged: handled, or skipped by the idempotency store
 *       as a duplicate of a delivery id already handled. A skipped duplicate counts as processed: it was settled on
 *       purpose and deleted from the queue.
 *   <li>{@code retried}: failed attempts that were scheduled to run again after a backoff.
 *   <li>{@code deadLettered}: accepted requests found in the dead-letter queue when it was drained at the end.
 *   <li>{@code lost}: accepted requests neither processed nor found in the DLQ; per delivery id, accepted minus
 *       processed minus dead-lettered, when positive.
 *   <li>{@code extra}: what must not happen: a delivery id handled more than once, or dead-lettered beyond its
 *       accepted requests that were not processed. Not printed on the summary line; it only makes the counts not add
 *       up.
 * </ul>
 *
 * <p>SQS delivers at least once, and the enqueuer may send a batch again when a call timed out after SQS had stored
 * it; such a second copy is skipped by the idempotency store. It is neither extra nor processed twice: see {@link
 * PerId#redelivered}.
 *
 * @param sent requests made
 * @param accepted requests answered 2xx
 * @param rejected requests answered with another status
 * @param processed accepted requests handled or skipped as duplicates
 * @param retried attempts rescheduled with backoff
 * @param deadLettered accepted requests found in the DLQ
 * @param lost accepted requests that ended nowhere
 * @param extra settlements beyond the accepted requests
 */
record DemoSummary(
    int sent, int accepted, int rejected, int processed, int retried, int deadLettered, int lost, int extra) {

  /**
   * Returns whether the counts add up: every request was answered ({@code sent = accepted + rejected}) and every
   * accepted request ended in exactly one place ({@code accepted = processed + deadLettered + lost}, with nothing
   * settled twice).
   */
  boolean addsUp() {
    return sent == accepted + rejected && accepted == processed + deadLettered + lost && extra == 0;
  }

  /** Returns 0 when nothing was lost and the counts add up, else 1. */
  int exitCode() {
    return lost == 0 && addsUp() ? 0 : 1;
  }

  /**
   * How the requests accepted for one delivery id ended, from what the consumer and the DLQ report.
   *
   * @param processed accepted requests counted as processed (at most the accepted ones)
   * @param deadLettered accepted requests counted as dead-lettered (at most those not processed)
   * @param lost accepted requests that ended nowhere
   * @param extra handler runs beyond the first, plus DLQ entries beyond the unprocessed requests
   * @param redelivered copies skipped by the idempotency store beyond the accepted requests: SQS's at-least-once
   *     delivery (or a send retried after a timeout) caught as designed
   */
  record PerId(int processed, int deadLettered, int lost, int extra, int redelivered) {

    /**
     * Counts one delivery id.
     *
     * @param accepted requests with this id answered 2xx
     * @param handled handler runs that succeeded for this id
     * @param skipped copies the idempotency store skipped as duplicates
     * @param inDlq copies found in the dead-letter queue
     */
    static PerId of(int accepted, int handled, int skipped, int inDlq) {
      int acknowledged = handled + skipped;
      int processed = Math.min(acknowledged, accepted);
      int deadLettered = Math.min(inDlq, accepted - processed);
      int handledAgain = Math.max(0, handled - 1);
      int extra = handledAgain + (inDlq - deadLettered);
      int redelivered = Math.max(0, acknowledged - accepted - handledAgain);
      return new PerId(processed, deadLettered, accepted - processed - deadLettered, extra, redelivered);
    }
  }

  /** Returns the final line, always in this exact form. */
  String line() {
    return "summary: sent="
        + sent
        + " accepted="
        + accepted
        + " rejected="
        + rejected
        + " processed="
        + processed
        + " retried="
        + retried
        + " dead_lettered="
        + deadLettered
        + " lost="
        + lost;
  }
}
