package dev.hookline.spring;

import dev.hookline.sqs.SqsConsumerRunner;
import java.util.Objects;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link SqsConsumerRunner} once the context has started (after the web server) and closes it first on
 * shutdown, in phase {@link #PHASE}: before Spring Boot's graceful web shutdown ({@code SmartLifecycle.DEFAULT_PHASE -
 * 1024}) waits for in-flight requests, so no new message is taken while the service drains. {@link
 * SqsConsumerRunner#close()} stops polling, lets messages being handled finish up to {@code
 * hookline.consumer.shutdown-timeout}, and makes unfinished ones visible again at once.
 *
 * <p>A closed runner cannot start again: after {@link #stop()} this lifecycle stays stopped. Thread-safety: Spring
 * calls it from one thread at a time; the runner itself is thread-safe.
 */
public final class ConsumerLifecycle implements SmartLifecycle {

  /** The phase: {@link SmartLifecycle#DEFAULT_PHASE}, the last to start and the first to stop. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE;

  private final SqsConsumerRunner runner;

  /**
   * Wraps a runner that has not been started; this lifecycle starts and closes it.
   *
   * @param runner the runner
   */
  public ConsumerLifecycle(SqsConsumerRunner runner) {
    this.runner = Objects.requireNonNull(runner, "runner");
  }

  /** Starts the runner's pollers. */
  @Override
  public void start() {
    runner.start();
  }

  /** Closes the runner: stops polling and drains in-flight messages, bounded by its shutdown timeout. */
  @Override
  public void stop() {
    runner.close();
  }

  /** Returns whether the runner is running. */
  @Override
  public boolean isRunning() {
    return runner.isRunning();
  }

  /** Returns {@link #PHASE}. */
  @Override
  public int getPhase() {
    return PHASE;
  }

  /**
   * Returns the runner.
   *
   * @return the runner this lifecycle owns
   */
  public SqsConsumerRunner runner() {
    return runner;
  }
}
