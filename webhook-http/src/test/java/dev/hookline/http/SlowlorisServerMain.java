package dev.hookline.http;

import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.TestHmacVerifier;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The server of the small-heap test, run in a child JVM ({@code -Xmx64m}): the test's receiver and limits on port 0;
 * prints {@code PORT <n>}, then serves until killed. The few hundred webhooks of the run are kept in memory; the rest
 * of the heap is what the connections cost.
 */
public final class SlowlorisServerMain {

  private static final String PORT_LINE = "PORT ";

  private SlowlorisServerMain() {}

  public static void main(String[] args) throws Exception {
    InMemoryWebhookSink sink = InMemoryWebhookSink.builder().capacity(1_000_000).build();
    WebhookReceiver receiver =
        WebhookReceiver.builder()
            .addSource(
                WebhookSource.builder()
                    .name("github")
                    .verifier(new TestHmacVerifier("it-secret"))
                    .maxBodyBytes(1024)
                    .build())
            .sink(sink)
            .build();
    WebhookHttpServer server =
        WebhookHttpServer.builder()
            .receiver(receiver)
            .port(0)
            .headerReadTimeout(Duration.ofSeconds(1))
            .bodyReadTimeout(Duration.ofSeconds(1))
            .maxConnections(1_000)
            // Each slow body holds a request slot until its body timeout: room for all of them.
            .maxRequestsInProgress(1_000)
            .build()
            .start();
    System.out.println(PORT_LINE + server.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }

  /** Reads the child's output until its port line; returns the port. */
  static String awaitPort(BufferedReader out) throws IOException {
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith(PORT_LINE)) {
        return line.substring(PORT_LINE.length()).trim();
      }
    }
    throw new IOException("the server JVM ended before printing its port");
  }
}
