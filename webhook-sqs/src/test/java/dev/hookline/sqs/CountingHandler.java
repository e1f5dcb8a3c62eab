package dev.hookline.sqs;

import dev.hookline.core.Attempt;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test handler that counts calls and successes per delivery id and records the most handlers it saw running at
 * once, around an optional behaviour.
 */
final class CountingHandler implements WebhookHandler {

  private final WebhookHandler behaviour;
  final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
  /** Delivery ids and attempt numbers in call order. */
  final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger maxRunning = new AtomicInteger();
  final AtomicInteger totalCalls = new AtomicInteger();
  final AtomicInteger totalSuccesses = new AtomicInteger();
  /** Calls that have returned or thrown, counted before the call returns to the processor. */
  final AtomicInteger completed = new AtomicInteger();

  CountingHandler() {
    this((w, a) -> {});
  }

  CountingHandler(WebhookHandler behaviour) {
    this.behaviour = behaviour;
  }

  @Override
  public void handle(Webhook webhook, Attempt attempt) throws Exception {
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      totalCalls.incrementAndGet();
      calls.computeIfAbsent(webhook.deliveryId(), k -> new AtomicInteger()).incrementAndGet();
      log.add(webhook.deliveryId() + "#" + attempt.number());
      behaviour.handle(webhook, attempt);
      successes.computeIfAbsent(webhook.deliveryId(), k -> new AtomicInteger()).incrementAndGet();
      totalSuccesses.incrementAndGet();
    } finally {
      running.decrementAndGet();
      completed.incrementAndGet();
    }
  }

  int calls(String deliveryId) {
    AtomicInteger n = calls.get(deliveryId);
    return n == null ? 0 : n.get();
  }

  int successes(String deliveryId) {
    AtomicInteger n = successes.get(deliveryId);
    return n == null ? 0 : n.get();
  }
}
