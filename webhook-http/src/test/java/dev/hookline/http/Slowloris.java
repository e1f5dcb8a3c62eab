package dev.hookline.http;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A slowloris attack for tests: connections that send the start of their headers, or whole headers and then a body,
 * one byte per connection every tenth of a second, from one thread, until stopped or closed by the server.
 */
final class Slowloris implements AutoCloseable {

  private final List<Socket> slowHeaders = new ArrayList<>();
  private final List<Socket> slowBodies = new ArrayList<>();
  private final AtomicBoolean trickling = new AtomicBoolean(true);
  private final Thread trickler;

  private Slowloris(String host, int port, int perKind, String bodyHead) throws IOException {
    for (int i = 0; i < perKind; i++) {
      Socket headers = new Socket(host, port);
      headers.setSoTimeout(15_000);
      headers.getOutputStream().write("POST /webhooks/github HTTP/1.1\r\nHost: l".getBytes(StandardCharsets.US_ASCII));
      slowHeaders.add(headers);
      Socket body = new Socket(host, port);
      body.setSoTimeout(15_000);
      body.getOutputStream().write(bodyHead.getBytes(StandardCharsets.US_ASCII));
      slowBodies.add(body);
    }
    List<Socket> all = new ArrayList<>(slowHeaders);
    all.addAll(slowBodies);
    trickler =
        new Thread(
            () -> {
              while (trickling.get()) {
                for (Socket s : all) {
                  try {
                    s.getOutputStream().write('x');
                  } catch (IOException e) {
                    // closed by the server: expected
                  }
                }
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "test-slowloris");
    trickler.setDaemon(true);
    trickler.start();
  }

  /**
   * Opens the connections and starts trickling.
   *
   * @param perKind how many slow-header and how many slow-body connections
   * @param bodyHead the complete request head the slow-body connections send before trickling their body
   */
  static Slowloris open(String host, int port, int perKind, String bodyHead) throws IOException {
    return new Slowloris(host, port, perKind, bodyHead);
  }

  List<Socket> slowHeaders() {
    return slowHeaders;
  }

  List<Socket> slowBodies() {
    return slowBodies;
  }

  void stopTrickling() {
    trickling.set(false);
    trickler.interrupt();
    try {
      trickler.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    stopTrickling();
    for (Socket s : slowHeaders) {
      s.close();
    }
    for (Socket s : slowBodies) {
      s.close();
    }
  }
}
