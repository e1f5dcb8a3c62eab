package dev.hookline.benchmarks;

import dev.hookline.core.InboundRequest;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSink;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.testkit.SignedRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The receiver's whole {@code receive} path for one signed GitHub request: source lookup, size and content-type
 * checks, signature verification, delivery id, header filtering, building the {@code Webhook}, and the sink call.
 *
 * <p>The sink is in memory and completes at once; it counts webhooks but keeps none (keeping millions of 64 KiB
 * bodies would measure the garbage collector), so this is the receiver's own cost without any queue.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReceiverBenchmark {

  private static final String SECRET = "bench-secret-0123456789";

  /** The body size in bytes. */
  @Param({"1024", "65536"})
  public int bodyBytes;

  private final LongAdder stored = new LongAdder();
  private WebhookReceiver receiver;
  private InboundRequest request;

  /** Builds the receiver with one GitHub source and signs one request; checks once that it is accepted. */
  @Setup
  public void setUp() {
    WebhookSink countingSink =
        (webhook, budget) -> {
          stored.increment();
          return CompletableFuture.completedFuture(null);
        };
    receiver =
        WebhookReceiver.builder()
            .addSource(
                WebhookSource.builder()
                    .name("github")
                    .verifier(GitHubVerifier.builder().addSecret(SECRET).build())
                    .build())
            .sink(countingSink)
            .build();
    request = SignedRequest.github(SECRET).body(Bodies.json(bodyBytes)).build();
    ReceiveResult first = receiver.receiveBlocking("github", request);
    if (!(first instanceof ReceiveResult.Accepted)) {
      throw new IllegalStateException("the benchmark request was not accepted: " + first);
    }
  }

  /**
   * Receives the request and waits for the result (it is complete when {@code receive} returns).
   *
   * @return the result
   */
  @Benchmark
  public ReceiveResult receive() {
    return receiver.receive("github", request).toCompletableFuture().join();
  }
}
