package dev.hookline.benchmarks;

import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.envelope.EncodedEnvelope;
import dev.hookline.core.envelope.EnvelopeCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding a webhook as the queue envelope (what the enqueuer does per message) and decoding it back (what the
 * consumer does per message), for a UTF-8 JSON body (kept as a JSON string) and a binary body (kept as base64).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EnvelopeBenchmark {

  /** The body: {@code json} (valid UTF-8) or {@code binary} (not UTF-8, so base64). */
  @Param({"json", "binary"})
  public String body;

  /** The body size in bytes. */
  @Param({"1024", "65536"})
  public int bodyBytes;

  private final EnvelopeCodec codec = EnvelopeCodec.defaults();
  private Webhook webhook;
  private EncodedEnvelope encoded;

  /** Builds the webhook and its envelope; checks once that the round trip keeps the body byte for byte. */
  @Setup
  public void setUp() {
    boolean json = "json".equals(body);
    byte[] bytes = json ? Bodies.json(bodyBytes).getBytes(StandardCharsets.UTF_8) : Bodies.binary(bodyBytes);
    webhook =
        Webhook.builder()
            .deliveryId("72d3162e-cc78-11e3-81ab-4c9367dc0958")
            .source("github")
            .receivedAt(Instant.parse("2026-01-01T00:00:00Z"))
            .headers(
                WebhookHeaders.builder()
                    .add("Content-Type", json ? "application/json" : "application/octet-stream")
                    .add("User-Agent", "GitHub-Hookshot/abc")
                    .add("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
                    .add("X-GitHub-Event", "push")
                    .add("X-Hub-Signature-256", "sha256=" + "0".repeat(64))
                    .build())
            .contentType(json ? "application/json" : "application/octet-stream")
            .body(bytes)
            .build();
    encoded = codec.encode(webhook);
    if (!Arrays.equals(codec.decode(encoded.body(), encoded.attributes()).body(), bytes)) {
      throw new IllegalStateException("envelope round trip changed the body");
    }
  }

  /**
   * Encodes the webhook.
   *
   * @return the envelope
   */
  @Benchmark
  public EncodedEnvelope encode() {
    return codec.encode(webhook);
  }

  /**
   * Decodes the envelope.
   *
   * @return the webhook
   */
  @Benchmark
  public Webhook decode() {
    return codec.decode(encoded.body(), encoded.attributes());
  }
}
