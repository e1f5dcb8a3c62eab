package dev.hookline.benchmarks;

import dev.hookline.core.WebhookHeaders;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Case-insensitive header lookup, done several times per request. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeadersBenchmark {

  private WebhookHeaders headers;

  /** Builds a typical header set. */
  @Setup
  public void setUp() {
    headers =
        WebhookHeaders.builder()
            .add("Content-Type", "application/json")
            .add("User-Agent", "GitHub-Hookshot/abc")
            .add("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
            .add("X-GitHub-Event", "push")
            .add("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
            .build();
  }

  /**
   * Looks up one header ignoring case.
   *
   * @return the value
   */
  @Benchmark
  public String lookup() {
    return headers.first("x-hub-signature-256").orElseThrow();
  }
}
