package dev.hookline.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** Runs {@code --demo} in this JVM, over real HTTP on a free port, against the embedded SQS. */
class QuickStartDemoTest {

  private static final Pattern SUMMARY =
      Pattern.compile(
          "^summary: sent=(\\d+) accepted=(\\d+) rejected=(\\d+) processed=(\\d+) retried=(\\d+)"
              + " dead_lettered=(\\d+) lost=(\\d+)$",
          Pattern.MULTILINE);

  @Test
  @Timeout(60)
  void demoLosesNothingAndItsCountsAddUp() {
    StringWriter buffer = new StringWriter();
    CommandLine cli = new CommandLine(new QuickStart());
    cli.setOut(new PrintWriter(buffer, true));
    cli.setErr(new PrintWriter(buffer, true));

    int exit = cli.execute("--demo", "--port", "0");

    String output = buffer.toString();
    assertThat(exit).as(output).isZero();
    String[] lines = output.strip().split("\\R");
    String last = lines[lines.length - 1];
    Matcher m = SUMMARY.matcher(last);
    assertThat(m.matches()).as("last line: %s%n%s", last, output).isTrue();
    int sent = Integer.parseInt(m.group(1));
    int accepted = Integer.parseInt(m.group(2));
    int rejected = Integer.parseInt(m.group(3));
    int processed = Integer.parseInt(m.group(4));
    int retried = Integer.parseInt(m.group(5));
    int deadLettered = Integer.parseInt(m.group(6));
    int lost = Integer.parseInt(m.group(7));

    assertThat(lost).isZero();
    assertThat(sent).isEqualTo(accepted + rejected);
    assertThat(accepted).isEqualTo(processed + deadLettered);
    // The script: 10 valid + 3 copies + 3 flaky + 2 always failing + 1 permanent failure are accepted; 2 bad
    // signatures, 1 stale timestamp, 1 oversized body and 1 unknown source are rejected.
    assertThat(sent).isEqualTo(24);
    assertThat(rejected).isEqualTo(5);
    assertThat(processed).isEqualTo(16);
    assertThat(deadLettered).isEqualTo(3);
    // Flaky: 2 retries each; always failing: 3 retries each (4 attempts); the permanent failure is never retried.
    assertThat(retried).isEqualTo(3 * 2 + 2 * 3);
    assertThat(output).doesNotContain(" NO");
    // Just above it, the counters line from the hookline.* meters.
    assertThat(lines[lines.length - 2])
        .startsWith("counters: received=24 accepted=19 rejected=5 ")
        .contains(" dead_letters=3 ")
        .endsWith(" in_flight=0");
  }
}
