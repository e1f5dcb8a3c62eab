package dev.hookline.http;

import java.util.concurrent.Executor;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * Lets Jetty run on an executor the user passed in. The executor is the user's: {@link #join()} does not wait for it
 * and the server never shuts it down. Jetty's acceptor and selector loops each hold one of its threads for the
 * server's life.
 */
final class ExecutorThreadPool implements ThreadPool {

  private final Executor executor;

  ExecutorThreadPool(Executor executor) {
    this.executor = executor;
  }

  @Override
  public void execute(Runnable command) {
    executor.execute(command);
  }

  @Override
  public void join() {
    // The executor is the user's to stop; nothing of ours to wait for.
  }

  @Override
  public int getThreads() {
    return -1;
  }

  @Override
  public int getIdleThreads() {
    return -1;
  }

  @Override
  public boolean isLowOnThreads() {
    return false;
  }
}
