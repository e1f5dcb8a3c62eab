package dev.hookline.lambda;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.RejectReason;
import dev.hookline.core.Webhook;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link PipelineListener} that prints CloudWatch Embedded Metric Format (EMF) records to standard output, so that
 * the pipeline's metrics appear in CloudWatch with no agent or collector: Lambda sends the function's output to
 * CloudWatch Logs, which extracts the metrics.
 *
 * <p>It records the same events as webhook-micrometer's meters, per source, and prints one JSON record per source at
 * each {@link #flush()} (the SQS function flushes after each batch, the receiver functions after each request). Namespace {@code Hookline} by default; one
 * dimension, {@code Source}. Metrics (all {@code Count} unless noted): {@code Received}, {@code Accepted}, {@code
 * Rejected}, {@code EnqueueRetries}, {@code Handled}, {@code HandlerErrors}, {@code Retries}, {@code DeadLetters},
 * {@code Duplicates}, {@code LeasesLost}, and the timings {@code AckTime}, {@code HandlerTime}, {@code QueueLag} (in
 * {@code Milliseconds}, every value of the invocation). A metric with nothing to report is left out of the record.
 *
 * <p>Turned on by {@code HOOKLINE_METRICS=emf} for the functions built from the environment, or by {@link
 * SqsBatchFunction.Builder#emfMetrics}.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class EmfMetrics implements PipelineListener {

  /** The namespace unless one is given: {@value}. */
  public static final String DEFAULT_NAMESPACE = "Hookline";

  /** The dimension's name: {@value}. */
  public static final String DIMENSION = "Source";

  private static final List<String> COUNTS =
      List.of(
          "Received",
          "Accepted",
          "Rejected",
          "EnqueueRetries",
          "Handled",
          "HandlerErrors",
          "Retries",
          "DeadLetters",
          "Duplicates",
          "LeasesLost");
  private static final List<String> TIMINGS = List.of("AckTime", "HandlerTime", "QueueLag");
  /** EMF allows at most 100 values per metric in one record. */
  private static final int MAX_VALUES = 100;

  private final String namespace;
  private final PrintStream out;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Map<String, Long>> counts = new TreeMap<>();
  private final Map<String, Map<String, List<Double>>> timings = new TreeMap<>();

  private final boolean perRequest;

  private EmfMetrics(String namespace, PrintStream out, Clock clock, boolean perRequest) {
    this.namespace = namespace;
    this.out = out;
    this.clock = clock;
    this.perRequest = perRequest;
  }

  /**
   * Returns a copy that flushes by itself once a request is answered (accepted or rejected): what the receiver
   * functions use, where one invocation is one request.
   */
  EmfMetrics perRequest() {
    return new EmfMetrics(namespace, out, clock, true);
  }

  /**
   * Returns metrics printed to {@code System.out} under {@code namespace}.
   *
   * @param namespace the CloudWatch namespace, for example {@link #DEFAULT_NAMESPACE}
   * @return the metrics
   */
  public static EmfMetrics toStandardOutput(String namespace) {
    return of(namespace, System.out, Clock.systemUTC());
  }

  /**
   * Returns metrics printed to {@code out}; for tests and for runtimes that log elsewhere.
   *
   * @param namespace the CloudWatch namespace
   * @param out where records go; you own it
   * @param clock the clock for the records' timestamps
   * @return the metrics
   */
  public static EmfMetrics of(String namespace, PrintStream out, Clock clock) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(clock, "clock");
    if (namespace.isBlank() || namespace.length() > 255) {
      throw new IllegalArgumentException("namespace must be 1 to 255 characters, was '" + namespace + "'");
    }
    return new EmfMetrics(namespace, out, clock, false);
  }

  @Override
  public void onRejected(String source, RejectReason reason) {
    String s = reason == RejectReason.UNKNOWN_SOURCE ? "unknown" : source;
    count(s, "Received");
    count(s, "Rejected");
    if (perRequest) {
      flush();
    }
  }

  @Override
  public void onAccepted(Webhook webhook, Duration sinkLatency) {
    count(webhook.source(), "Received");
    count(webhook.source(), "Accepted");
    time(webhook.source(), "AckTime", sinkLatency);
    if (perRequest) {
      flush();
    }
  }

  @Override
  public void onSinkRetry(String source, int attempt, Throwable error) {
    count(source, "EnqueueRetries");
  }

  @Override
  public void onMessageStarted(String source, int attempt, Duration queueLag) {
    time(source, "QueueLag", queueLag);
  }

  @Override
  public void onHandled(Webhook webhook, int attempt, Duration handlerTime) {
    count(webhook.source(), "Handled");
    time(webhook.source(), "HandlerTime", handlerTime);
  }

  @Override
  public void onHandlerFailed(Webhook webhook, int attempt, Duration handlerTime, Throwable error) {
    count(webhook.source(), "HandlerErrors");
    time(webhook.source(), "HandlerTime", handlerTime);
  }

  @Override
  public void onDuplicate(Webhook webhook) {
    count(webhook.source(), "Duplicates");
  }

  @Override
  public void onRetryScheduled(Webhook webhook, int attempt, Duration delay) {
    count(webhook.source(), "Retries");
  }

  @Override
  public void onDeadLettered(String source, String deliveryId, String reason, String errorType) {
    count(source, "DeadLetters");
  }

  @Override
  public void onLeaseLost(String messageId) {
    count("unknown", "LeasesLost");
  }

  private void count(String source, String metric) {
    lock.lock();
    try {
      counts.computeIfAbsent(source, k -> new LinkedHashMap<>()).merge(metric, 1L, Long::sum);
    } finally {
      lock.unlock();
    }
  }

  private void time(String source, String metric, Duration value) {
    lock.lock();
    try {
      List<Double> values = timings.computeIfAbsent(source, k -> new LinkedHashMap<>()).computeIfAbsent(metric, k -> new ArrayList<>());
      if (values.size() < MAX_VALUES) {
        values.add(value.toNanos() / 1_000_000.0);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Prints one EMF record per source seen since the last flush, and starts over. Prints nothing when nothing
   * happened.
   */
  public void flush() {
    List<String> records = new ArrayList<>();
    lock.lock();
    try {
      TreeMap<String, Boolean> sources = new TreeMap<>();
      counts.keySet().forEach(s -> sources.put(s, true));
      timings.keySet().forEach(s -> sources.put(s, true));
      long now = clock.millis();
      for (String source : sources.keySet()) {
        records.add(record(source, counts.getOrDefault(source, Map.of()), timings.getOrDefault(source, Map.of()), now));
      }
      counts.clear();
      timings.clear();
    } finally {
      lock.unlock();
    }
    for (String r : records) {
      out.println(r);
    }
    out.flush();
  }

  private String record(String source, Map<String, Long> c, Map<String, List<Double>> t, long now) {
    StringBuilder metrics = new StringBuilder();
    StringBuilder values = new StringBuilder();
    for (String name : COUNTS) {
      Long v = c.get(name);
      if (v != null) {
        definition(metrics, name, "Count");
        values.append(',').append(quote(name)).append(':').append(v);
      }
    }
    for (String name : TIMINGS) {
      List<Double> v = t.get(name);
      if (v != null && !v.isEmpty()) {
        definition(metrics, name, "Milliseconds");
        values.append(',').append(quote(name)).append(":[");
        for (int i = 0; i < v.size(); i++) {
          if (i > 0) {
            values.append(',');
          }
          values.append(v.get(i));
        }
        values.append(']');
      }
    }
    return "{\"_aws\":{\"Timestamp\":"
        + now
        + ",\"CloudWatchMetrics\":[{\"Namespace\":"
        + quote(namespace)
        + ",\"Dimensions\":[["
        + quote(DIMENSION)
        + "]],\"Metrics\":["
        + metrics
        + "]}]},"
        + quote(DIMENSION)
        + ':'
        + quote(source)
        + values
        + '}';
  }

  private static void definition(StringBuilder metrics, String name, String unit) {
    if (metrics.length() > 0) {
      metrics.append(',');
    }
    metrics.append("{\"Name\":").append(quote(name)).append(",\"Unit\":").append(quote(unit)).append('}');
  }

  /** A JSON string literal. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  @Override
  public String toString() {
    return "EmfMetrics{namespace=" + namespace + '}';
  }
}
