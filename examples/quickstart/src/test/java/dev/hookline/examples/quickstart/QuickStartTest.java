package dev.hookline.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class QuickStartTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new QuickStart());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void portInUseIsExplainedNotAStackTrace() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int exit = run("--demo", "--port", Integer.toString(taken.getLocalPort()));

      assertThat(exit).isEqualTo(2);
      assertThat(err.toString()).startsWith("Cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void badSourceIsAUsageError() {
    int exit = run("--source", "gh=paypal:secret");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--source: provider must be one of").doesNotContain("secret'");
  }

  @Test
  void demoRefusesARedefinedDemoSource() {
    int exit = run("--demo", "--source", "demo=github:s3cret");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--demo sends to the built-in 'demo' source");
  }
}
