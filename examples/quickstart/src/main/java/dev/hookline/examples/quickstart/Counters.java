package dev.hookline.examples.quickstart;

import dev.hookline.core.PipelineListener;
import dev.hookline.micrometer.MicrometerPipelineListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The key counters on one line, read from webhook-micrometer's {@code hookline.*} meters in a {@link
 * SimpleMeterRegistry}: what a dashboard would show, printed once a second in serve mode (when something changed)
 * and once at the end of the demo.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Counters implements AutoCloseable {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerPipelineListener listener = MicrometerPipelineListener.builder(registry).build();
  private ScheduledExecutorService printer;

  /** {@return the listener to give the pipeline} */
  PipelineListener listener() {
    return listener;
  }

  /** {@return the counters as one line} */
  String line() {
    return String.format(
        "counters: received=%d accepted=%d rejected=%d handled=%d handler_errors=%d retries=%d dead_letters=%d"
            + " duplicates=%d in_flight=%d",
        count("hookline.received", null, null),
        count("hookline.received", "outcome", "accepted"),
        count("hookline.received", "outcome", "rejected"),
        timerCount("hookline.handler", "success"),
        timerCount("hookline.handler", "failure"),
        count("hookline.retries", null, null),
        count("hookline.dead.letters", null, null),
        count("hookline.duplicates", null, null),
        (long) registry.get("hookline.messages.in.flight").gauge().value());
  }

  private long count(String name, String tag, String value) {
    var search = registry.find(name);
    if (tag != null) {
      search = search.tag(tag, value);
    }
    return (long) search.counters().stream().mapToDouble(Counter::count).sum();
  }

  private long timerCount(String name, String outcome) {
    return registry.find(name).tag("outcome", outcome).timers().stream().mapToLong(Timer::count).sum();
  }

  /**
   * Prints the line every {@code period} on a daemon thread, when it differs from the last one printed.
   *
   * @param out where to print
   * @param period how often to look
   */
  void printEvery(PrintWriter out, Duration period) {
    printer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hookline-quickstart-counters");
              t.setDaemon(true);
              return t;
            });
    String[] last = {""};
    printer.scheduleAtFixedRate(
        () -> {
          String line = line();
          if (!line.equals(last[0])) {
            last[0] = line;
            out.println(line);
            out.flush();
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (printer != null) {
      printer.shutdownNow();
    }
  }
}
