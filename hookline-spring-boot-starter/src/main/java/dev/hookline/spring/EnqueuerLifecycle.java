package dev.hookline.spring;

import dev.hookline.sqs.SqsEnqueuer;
import java.util.Objects;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the {@link SqsEnqueuer} open until the web server has answered its in-flight requests, then closes it, in
 * phase {@link #PHASE}. Spring stops lifecycles from the highest phase down: the consumer ({@link
 * ConsumerLifecycle#PHASE}), then Spring Boot's graceful web shutdown ({@code SmartLifecycle.DEFAULT_PHASE - 1024},
 * which waits for in-flight requests), then the web server itself ({@code DEFAULT_PHASE - 2048}), then this: a request
 * still running during the drain can store its webhook and answer 202. Closing sends what is buffered and waits up to
 * the enqueuer's close timeout for pending stores.
 *
 * <p>It also tells the health indicator whether the sink accepts webhooks: from {@link #start()} (before the web server
 * starts) until {@link #stop()}. Thread-safety: Spring calls it from one thread at a time; the state is volatile.
 */
public final class EnqueuerLifecycle implements SmartLifecycle {

  /** The phase: below the web server's ({@code SmartLifecycle.DEFAULT_PHASE - 2048}), so it stops after it. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final SqsEnqueuer enqueuer;
  private volatile boolean running;

  /**
   * Wraps an enqueuer; this lifecycle closes it on stop.
   *
   * @param enqueuer the enqueuer
   */
  public EnqueuerLifecycle(SqsEnqueuer enqueuer) {
    this.enqueuer = Objects.requireNonNull(enqueuer, "enqueuer");
  }

  /** Marks the sink as accepting; the enqueuer needs no start. */
  @Override
  public void start() {
    running = true;
  }

  /** Closes the enqueuer: no new webhooks, buffered ones are sent, pending stores finish or fail at its deadline. */
  @Override
  public void stop() {
    running = false;
    enqueuer.close();
  }

  /** Returns whether the sink accepts webhooks. */
  @Override
  public boolean isRunning() {
    return running;
  }

  /** Returns {@link #PHASE}. */
  @Override
  public int getPhase() {
    return PHASE;
  }

  /**
   * Returns the enqueuer.
   *
   * @return the enqueuer this lifecycle closes
   */
  public SqsEnqueuer enqueuer() {
    return enqueuer;
  }
}
