package dev.hookline.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections whose request headers take longer than the header timeout to arrive. Jetty's idle timeout is
 * reset by every byte, so one byte a second would keep a connection forever (slowloris); this bound is on the total
 * time. The clock starts when the connection opens, and on a kept-alive connection when the first byte of the next
 * request is seen after the previous response; it stops when the request reaches the handler (the headers are
 * complete). A periodic sweep on Jetty's scheduler does the checking, so no thread waits per connection.
 */
final class HeaderDeadlines implements Connection.Listener {

  private static final Logger log = LoggerFactory.getLogger(HeaderDeadlines.class);

  private final long timeoutNanos;
  private final Map<Connection, State> connections = new ConcurrentHashMap<>();
  private volatile Scheduler.Task sweep;
  private volatile boolean stopped;

  HeaderDeadlines(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  /** Starts sweeping on the scheduler, at a tenth of the timeout (between 50 ms and 1 s). */
  void start(Scheduler scheduler) {
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(TimeUnit.SECONDS.toNanos(1), timeoutNanos / 10));
    schedule(scheduler, period);
  }

  private void schedule(Scheduler scheduler, long periodNanos) {
    if (stopped) {
      return;
    }
    sweep =
        scheduler.schedule(
            () -> {
              try {
                sweep(System.nanoTime());
              } finally {
                schedule(scheduler, periodNanos);
              }
            },
            periodNanos,
            TimeUnit.NANOSECONDS);
  }

  void stop() {
    stopped = true;
    Scheduler.Task task = sweep;
    if (task != null) {
      task.cancel();
    }
  }

  @Override
  public void onOpened(Connection connection) {
    connections.put(connection, new State(System.nanoTime()));
  }

  @Override
  public void onClosed(Connection connection) {
    connections.remove(connection);
  }

  /** The handler has the request: its headers are complete. */
  void requestStarted(Connection connection) {
    State state = connections.get(connection);
    if (state != null) {
      state.inRequest = true;
    }
  }

  /** The response is complete; the next request's headers are timed from its first byte. */
  void requestEnded(Connection connection) {
    State state = connections.get(connection);
    if (state != null) {
      state.bytesAtIdle = connection.getBytesIn();
      state.headerStart = 0;
      state.inRequest = false;
    }
  }

  void sweep(long now) {
    for (Map.Entry<Connection, State> entry : connections.entrySet()) {
      State state = entry.getValue();
      if (state.inRequest) {
        continue;
      }
      Connection connection = entry.getKey();
      if (state.headerStart == 0) {
        if (connection.getBytesIn() > state.bytesAtIdle) {
          state.headerStart = now;
        }
        continue;
      }
      if (now - state.headerStart > timeoutNanos) {
        log.debug("Closing a connection whose request headers took too long. remote={}", connection.getEndPoint().getRemoteSocketAddress());
        connections.remove(connection);
        connection.getEndPoint().close();
      }
    }
  }

  /** Per-connection timing; written by Jetty's threads and read by the sweep. */
  private static final class State {
    volatile boolean inRequest;
    volatile long headerStart;
    volatile long bytesAtIdle;

    State(long openedAt) {
      this.headerStart = openedAt;
    }
  }
}
