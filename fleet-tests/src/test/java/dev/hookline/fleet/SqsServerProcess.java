package dev.hookline.fleet;

import dev.hookline.testkit.EmbeddedSqs;
import java.io.IOException;

/**
 * The fleet's SQS, in its own JVM: an embedded ElasticMQ on a free port, which prints {@code port N} and stops when
 * its standard input closes (the test closed it, or died).
 */
public final class SqsServerProcess {

  private SqsServerProcess() {}

  /**
   * Runs the server.
   *
   * @param args none
   * @throws IOException never in practice
   */
  public static void main(String[] args) throws IOException {
    try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
      System.out.println("port " + sqs.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for end of input
      }
    }
    System.exit(0);
  }
}
