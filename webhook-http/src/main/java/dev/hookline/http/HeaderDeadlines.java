package dev.hookline.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 *
 * <p>It also makes room at the connection limit. Jetty stops accepting while {@code maxConnections} are open; if most
 * of them are kept-alive connections that sit idle between requests (a sender's connection pool), new connections
 * would wait in the accept queue until an idle timeout, while the server does nothing. So whenever a connection opens
 * at the limit, and at every sweep while the limit holds, the longest-idle kept-alive connections (no request in
 * progress, no byte of a next request seen) are closed, at most an eighth of the limit at a time. Closing an idle
 * kept-alive connection is ordinary HTTP: clients open a new one. A connection with a request in progress is never
 * closed for room.
 */
final class HeaderDeadlines implements Connection.Listener {

  private static final Logger log = LoggerFactory.getLogger(HeaderDeadlines.class);

  private final long timeoutNanos;
  private final int maxConnections;
  private final int reclaimBatch;
  private final Map<Connection, State> connections = new ConcurrentHashMap<>();
  private volatile Scheduler.Task sweep;
  private volatile boolean stopped;

  HeaderDeadlines(long timeoutNanos, int maxConnections) {
    this.timeoutNanos = timeoutNanos;
    this.maxConnections = maxConnections;
    this.reclaimBatch = Math.max(1, maxConnections / 8);
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
    long now = System.nanoTime();
    connections.put(connection, new State(now));
    if (connections.size() >= maxConnections) {
      makeRoom();
    }
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
      state.idleSince = System.nanoTime();
      state.headerStart = 0;
      state.inRequest = false;
    }
  }

  void sweep(long now) {
    if (connections.size() >= maxConnections) {
      makeRoom();
    }
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

  /**
   * Closes up to {@link #reclaimBatch} of the longest-idle kept-alive connections, so that connections waiting to be
   * accepted get their turn.
   */
  void makeRoom() {
    List<Map.Entry<Connection, State>> idle = new ArrayList<>();
    for (Map.Entry<Connection, State> entry : connections.entrySet()) {
      if (idleKeptAlive(entry.getKey(), entry.getValue())) {
        idle.add(entry);
      }
    }
    idle.sort(Comparator.comparingLong(e -> e.getValue().idleSince));
    int closed = 0;
    for (Map.Entry<Connection, State> entry : idle) {
      if (closed == reclaimBatch) {
        break;
      }
      Connection connection = entry.getKey();
      // Checked again just before closing: a request may have started meanwhile.
      if (idleKeptAlive(connection, entry.getValue()) && connections.remove(connection, entry.getValue())) {
        connection.getEndPoint().close();
        closed++;
      }
    }
    if (closed > 0) {
      log.debug(
          "At the connection limit; closed idle kept-alive connections to make room. closed={} limit={}",
          closed,
          maxConnections);
    }
  }

  /** Between requests on a kept-alive connection, with no byte of the next request seen. */
  private static boolean idleKeptAlive(Connection connection, State state) {
    return !state.inRequest
        && state.idleSince != 0
        && state.headerStart == 0
        && connection.getBytesIn() == state.bytesAtIdle;
  }

  /** Per-connection timing; written by Jetty's threads and read by the sweep. */
  private static final class State {
    volatile boolean inRequest;
    volatile long headerStart;
    volatile long bytesAtIdle;
    // When the last response completed; 0 until one has (a new connection is not idle, it is awaiting headers).
    volatile long idleSince;

    State(long openedAt) {
      this.headerStart = openedAt;
    }
  }
}
