package dev.hookline.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * SLF4J MDC keys Hookline sets around the work it does for one webhook, and their restoration: whatever the thread's
 * MDC held before is back once the scope closes, also when the work threw.
 *
 * <p>Thread-safety: a scope belongs to the thread that opened it.
 */
public final class LogContext implements AutoCloseable {

  /** The webhook's delivery id. */
  public static final String DELIVERY_ID = "hookline.delivery_id";

  /** The source name. */
  public static final String SOURCE = "hookline.source";

  /** The attempt number (SQS's receive count). */
  public static final String ATTEMPT = "hookline.attempt";

  /** The SQS message id (OpenTelemetry's messaging attribute name). */
  public static final String MESSAGE_ID = "messaging.message.id";

  /** The Lambda invocation's request id, as AWS's own Lambda logging names it. */
  public static final String AWS_REQUEST_ID = "AWSRequestId";

  private final Map<String, String> previous = new LinkedHashMap<>();

  private LogContext() {}

  /** {@return a new, empty scope on the calling thread} */
  public static LogContext open() {
    return new LogContext();
  }

  /**
   * Sets a key for the rest of the scope; a null value leaves the key as it is.
   *
   * @param key the MDC key
   * @param value the value
   * @return this scope
   */
  public LogContext put(String key, String value) {
    if (value != null) {
      if (!previous.containsKey(key)) {
        previous.put(key, MDC.get(key));
      }
      MDC.put(key, value);
    }
    return this;
  }

  /** Restores every key this scope set to what it was before. */
  @Override
  public void close() {
    previous.forEach(
        (key, value) -> {
          if (value == null) {
            MDC.remove(key);
          } else {
            MDC.put(key, value);
          }
        });
    previous.clear();
  }
}
