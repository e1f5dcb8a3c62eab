package dev.hookline.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Deadline-bounded waits for tests: poll a condition every few milliseconds until it holds or the deadline passes,
 * instead of sleeping and hoping. Also drains SQS queues.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(5), () -> handled.size() == 3);
 * Await.untilAsserted(Duration.ofSeconds(5), () -> assertThat(handled).hasSize(3));
 * List<Message> all = Await.drain(SQS.syncClient(), queueUrl);
 * }</pre>
 *
 * <p>Thread-safety: stateless.
 */
public final class Await {

  /** How long to wait between two checks. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(10);

  private Await() {}

  /**
   * Waits until {@code condition} is true.
   *
   * @param deadline the longest wait
   * @param condition the condition to poll
   * @throws AssertionError when the condition is still false at the deadline
   */
  public static void until(Duration deadline, BooleanSupplier condition) {
    Objects.requireNonNull(condition, "condition");
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end >= 0) {
        throw new AssertionError("condition still false after " + deadline);
      }
      pause();
    }
  }

  /**
   * Waits until {@code condition} is true, and says what was awaited and the last state when it is not.
   *
   * @param deadline the longest wait
   * @param what what is awaited, for the failure message
   * @param condition the condition to poll
   * @param state describes the current state, for the failure message; called only on failure
   * @throws AssertionError when the condition is still false at the deadline
   */
  public static void until(Duration deadline, String what, BooleanSupplier condition, Supplier<String> state) {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(state, "state");
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end >= 0) {
        throw new AssertionError("timed out after " + deadline + " waiting for: " + what + " " + state.get());
      }
      pause();
    }
  }

  /**
   * Waits until {@code progress} reaches {@code target}, for as long as it keeps moving: fails only when it has not
   * changed for {@code stall}. A busy machine makes the wait longer, never the test red; a stuck pipeline still
   * fails within {@code stall}.
   *
   * @param stall the longest time without progress
   * @param what what is awaited, for the failure message
   * @param progress a count that grows as work is done
   * @param target the count to reach
   * @throws AssertionError when the count stops moving before it reaches the target
   */
  public static void untilProgressReaches(Duration stall, String what, LongSupplier progress, long target) {
    Objects.requireNonNull(progress, "progress");
    long last = progress.getAsLong();
    long lastMoved = System.nanoTime();
    while (last < target) {
      pause();
      long now = progress.getAsLong();
      if (now != last) {
        last = now;
        lastMoved = System.nanoTime();
      } else if (System.nanoTime() - lastMoved >= stall.toNanos()) {
        throw new AssertionError(
            "no progress for " + stall + " waiting for: " + what + " (at " + last + " of " + target + ")");
      }
    }
  }

  /**
   * Waits until {@code condition} is true, and says what was awaited when it is not.
   *
   * @param deadline the longest wait
   * @param what what is awaited, for the failure message
   * @param condition the condition to poll
   * @throws AssertionError when the condition is still false at the deadline
   */
  public static void until(Duration deadline, String what, BooleanSupplier condition) {
    until(deadline, what, condition, () -> "");
  }

  /**
   * Waits until {@code assertion} runs without throwing {@link AssertionError}.
   *
   * @param deadline the longest wait
   * @param assertion assertions to retry
   * @throws AssertionError the assertion's last failure when it still fails at the deadline
   */
  public static void untilAsserted(Duration deadline, Runnable assertion) {
    Objects.requireNonNull(assertion, "assertion");
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() - end >= 0) {
          AssertionError timeout = new AssertionError("still failing after " + deadline + ": " + e.getMessage());
          timeout.initCause(e);
          throw timeout;
        }
      }
      pause();
    }
  }

  /**
   * Receives and deletes every message in a queue until a receive comes back empty, with all message attributes
   * and system attributes. Messages are received with a 60-second visibility timeout, so none comes back during
   * the drain. Works for FIFO queues too (each batch is deleted before the next receive).
   *
   * @param client a client for the queue's server
   * @param queueUrl the queue
   * @return every message, in the order received
   */
  public static List<Message> drain(SqsClient client, String queueUrl) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(queueUrl, "queueUrl");
    List<Message> all = new ArrayList<>();
    // Bounded: 100,000 receives of up to 10 messages is far more than any test queue holds.
    for (int i = 0; i < 100_000; i++) {
      List<Message> batch =
          client
              .receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(0)
                          .visibilityTimeout(60)
                          .messageAttributeNames("All")
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
              .messages();
      if (batch.isEmpty()) {
        return all;
      }
      all.addAll(batch);
      List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
      for (int j = 0; j < batch.size(); j++) {
        Message m = batch.get(j);
        deletes.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(j)).receiptHandle(m.receiptHandle()).build());
      }
      client.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(deletes));
    }
    throw new AssertionError("queue did not drain: " + queueUrl);
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
