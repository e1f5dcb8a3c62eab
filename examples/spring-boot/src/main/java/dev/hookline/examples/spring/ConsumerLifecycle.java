package dev.hookline.examples.spring;

import dev.hookline.sqs.SqsConsumerRunner;
import java.util.Objects;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link SqsConsumerRunner} once the application context is ready and closes it when the context stops,
 * before Spring destroys the SQS client it uses. {@link SqsConsumerRunner#close()} stops polling, lets in-flight
 * messages finish up to the configured shutdown timeout, and makes unfinished ones visible again at once.
 *
 * <p>Thread-safety: Spring calls it from one thread at a time; the runner itself is thread-safe.
 */
public class ConsumerLifecycle implements SmartLifecycle {

  private final SqsConsumerRunner runner;
  private volatile boolean running;

  /**
   * Wraps a runner that has not been started.
   *
   * @param runner the runner; this lifecycle starts and closes it
   */
  public ConsumerLifecycle(SqsConsumerRunner runner) {
    this.runner = Objects.requireNonNull(runner, "runner");
  }

  /** Starts the runner's pollers. */
  @Override
  public void start() {
    runner.start();
    running = true;
  }

  /** Closes the runner: stops polling and drains in-flight messages, bounded by its shutdown timeout. */
  @Override
  public void stop() {
    running = false;
    runner.close();
  }

  /** Returns whether the runner is running. */
  @Override
  public boolean isRunning() {
    return running;
  }

  /** Returns the runner, for example to read its configuration. */
  public SqsConsumerRunner runner() {
    return runner;
  }
}
