package dev.hookline.sqs;

import dev.hookline.core.PipelineListener;
import dev.hookline.sqs.internal.BatchOutcome;
import dev.hookline.sqs.internal.MessageEffects;
import dev.hookline.sqs.internal.VisibilityChange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's heartbeat: extends the leases (visibility timeouts) of messages still being handled before they run
 * out, never past {@link SqsConsumerConfig#maxProcessingTime()} from receipt; reports a lease it could not keep to
 * the listener.
 *
 * <p>Thread-safety: {@link #run()} is called by one scheduler thread at a time; the messages are shared with the
 * handler threads through their atomic flags.
 */
final class LeaseKeeper implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  private final Map<String, InFlightMessage> inFlight;
  private final MessageEffects effects;
  private final SqsConsumerConfig config;
  private final PipelineListener listener;
  private final Clock clock;

  LeaseKeeper(
      Map<String, InFlightMessage> inFlight,
      MessageEffects effects,
      SqsConsumerConfig config,
      PipelineListener listener,
      Clock clock) {
    this.inFlight = inFlight;
    this.effects = effects;
    this.config = config;
    this.listener = listener;
    this.clock = clock;
  }

  @Override
  public void run() {
    try {
      extend(clock.instant());
    } catch (RuntimeException e) {
      log.warn("Heartbeat failed; trying again at the next interval.", e);
    }
  }

  /** Extends the leases of unsettled messages whose lease ends within two heartbeat intervals. */
  void extend(Instant now) {
    Duration soon = config.heartbeatInterval().multipliedBy(2);
    List<VisibilityChange> changes = new ArrayList<>();
    Map<String, InFlightMessage> targets = new HashMap<>();
    for (InFlightMessage f : inFlight.values()) {
      if (f.settled() || f.leaseLost()) {
        continue;
      }
      Duration remaining = Duration.between(now, f.leaseEnd());
      if (remaining.compareTo(soon) > 0) {
        continue;
      }
      // Never past the max processing time from receipt (at most SQS's 12 hours).
      long budget = Duration.between(now, f.budgetEnd()).getSeconds();
      long seconds = Math.min(config.visibilityTimeout().getSeconds(), budget);
      if (seconds < 1 || !now.plusSeconds(seconds).isAfter(f.leaseEnd())) {
        if (!now.isBefore(f.leaseEnd())) {
          leaseLost(f, "maxProcessingTime reached");
        }
        continue;
      }
      if (!f.startExtending()) {
        continue; // the previous extension has not answered yet
      }
      changes.add(new VisibilityChange(f.message(), (int) seconds));
      targets.put(f.messageId(), f);
    }
    if (changes.isEmpty()) {
      return;
    }
    effects
        .changeVisibility(changes)
        .whenComplete(
            (BatchOutcome outcome, Throwable error) -> {
              for (VisibilityChange c : changes) {
                InFlightMessage f = targets.get(c.message().messageId());
                f.doneExtending();
                if (error == null && outcome.succeeded(f.messageId())) {
                  f.leaseEnd(now.plusSeconds(c.timeoutSeconds()));
                } else if (!f.settled()) {
                  String code = error != null ? error.toString() : outcome.failed().get(f.messageId());
                  leaseLost(f, "extension failed: " + code);
                }
              }
            });
  }

  private void leaseLost(InFlightMessage f, String why) {
    if (f.markLeaseLost()) {
      log.warn(
          "Lease lost; the message may be delivered again while it is handled. messageId={} why={}",
          f.messageId(),
          why);
      listener.onLeaseLost(f.messageId());
    }
  }
}
