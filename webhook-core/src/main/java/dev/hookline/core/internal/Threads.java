package dev.hookline.core.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories named per instance, so two runners in one JVM share no counter and no static state. */
public final class Threads {

  private Threads() {}

  /**
   * Returns a factory naming its threads {@code prefix + "-" + n}, with {@code n} counted from 1 by this factory
   * alone.
   *
   * @param prefix the name prefix, for example {@code hookline-consumer-orders}
   * @param daemon whether the threads are daemons
   * @return a new factory
   */
  public static ThreadFactory named(String prefix, boolean daemon) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      t.setDaemon(daemon);
      return t;
    };
  }

  /**
   * Returns the last path segment of a queue URL (the queue's name), for thread names and logs.
   *
   * @param queueUrl the queue URL
   * @return the queue name, or the whole string when it has no {@code /}
   */
  public static String queueName(String queueUrl) {
    int slash = queueUrl.lastIndexOf('/');
    return slash >= 0 && slash < queueUrl.length() - 1 ? queueUrl.substring(slash + 1) : queueUrl;
  }
}
