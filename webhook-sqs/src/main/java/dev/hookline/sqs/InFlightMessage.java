package dev.hookline.sqs;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One received message the runner holds: its lease and whether it has been settled.
 *
 * <p>Exactly one party settles a message (the handler's decision, a shutdown release, or an abort); {@link
 * #settle()} decides who, and the winner releases the message's permit.
 *
 * <p>Thread-safety: thread-safe.
 */
final class InFlightMessage {

  private final Message message;
  private final Instant receivedAt;
  private final Instant budgetEnd;
  private final AtomicBoolean settled = new AtomicBoolean();
  private final AtomicBoolean leaseLost = new AtomicBoolean();
  private final AtomicBoolean extending = new AtomicBoolean();
  private volatile Instant leaseEnd;

  InFlightMessage(Message message, Instant receivedAt, Instant leaseEnd, Instant budgetEnd) {
    this.message = message;
    this.receivedAt = receivedAt;
    this.leaseEnd = leaseEnd;
    this.budgetEnd = budgetEnd;
  }

  Message message() {
    return message;
  }

  String messageId() {
    return message.messageId();
  }

  Instant receivedAt() {
    return receivedAt;
  }

  /** Returns the latest time the lease may be extended to: receipt plus the max processing time. */
  Instant budgetEnd() {
    return budgetEnd;
  }

  Instant leaseEnd() {
    return leaseEnd;
  }

  void leaseEnd(Instant leaseEnd) {
    this.leaseEnd = leaseEnd;
  }

  /** Returns true for the one caller that settles this message. */
  boolean settle() {
    return settled.compareAndSet(false, true);
  }

  boolean settled() {
    return settled.get();
  }

  /** Returns true when no extension is in progress, and marks one in progress. */
  boolean startExtending() {
    return extending.compareAndSet(false, true);
  }

  void doneExtending() {
    extending.set(false);
  }

  /** Returns true the first time the lease is marked lost. */
  boolean markLeaseLost() {
    return leaseLost.compareAndSet(false, true);
  }

  boolean leaseLost() {
    return leaseLost.get();
  }
}
