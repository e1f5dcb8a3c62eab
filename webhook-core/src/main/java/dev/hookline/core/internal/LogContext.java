package dev.hookline.core.internal;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * SLF4J MDC keys Hookline sets, and a scope that puts them and restores what the thread had before: on a pool thread
 * that is nothing, so the keys never leak into the next task's log lines.
 *
 * <pre>{@code
 * try (LogContext context = LogContext.open()) {
 *   context.put(LogContext.SOURCE, source);
 *   ... // every line logged here carries hookline.source
 * } // the thread's previous values are back
 * }</pre>
 *
 * <p>Thread-safety: a scope belongs to the thread that opened it, as the MDC does.
 */
public final class LogContext implements AutoCloseable {

  /** The delivery id. */
  public static final String DELIVERY_ID = "hookline.delivery_id";

  /** The source name (as configured, or {@code unknown}). */
  public static final String SOURCE = "hookline.source";

  /** The attempt number, from 1. */
  public static final String ATTEMPT = "hookline.attempt";

  /** The SQS message id (OpenTelemetry's {@code messaging.message.id}). */
  public static final String MESSAGE_ID = "messaging.message.id";

  /** The Lambda invocation's request id, as Powertools names it. */
  public static final String AWS_REQUEST_ID = "AWSRequestId";

  // Keys and the values they had before this scope first put them, in order; a null value was absent.
  private final List<String> keys = new ArrayList<>(4);
  private final List<String> previous = new ArrayList<>(4);

  private LogContext() {}

  /**
   * Opens a scope on the calling thread.
   *
   * @return the scope; close it on the same thread
   */
  public static LogContext open() {
    return new LogContext();
  }

  /**
   * Puts a key, remembering the value it had before this scope first put it.
   *
   * @param key the key
   * @param value the value; null removes the key for the rest of the scope
   * @return this scope
   */
  public LogContext put(String key, String value) {
    if (!keys.contains(key)) {
      keys.add(key);
      previous.add(MDC.get(key));
    }
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
    return this;
  }

  /** Puts back every key this scope put, as the thread had it before. Never throws. */
  @Override
  public void close() {
    for (int i = keys.size() - 1; i >= 0; i--) {
      String before = previous.get(i);
      if (before == null) {
        MDC.remove(keys.get(i));
      } else {
        MDC.put(keys.get(i), before);
      }
    }
    keys.clear();
    previous.clear();
  }
}
