package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The receiver's side of the {@link Tracing} hook: the span's context goes on the webhook; a broken tracing is ignored. */
class TracingTest {

  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> CONTEXT =
      Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

  private final TestHmacVerifier verifier = new TestHmacVerifier("s3cret-key");
  private final InMemoryWebhookSink sink = InMemoryWebhookSink.create();

  private WebhookReceiver receiver(Tracing tracing) {
    return WebhookReceiver.builder()
        .addSource(WebhookSource.builder().name("github").verifier(verifier).build())
        .sink(sink)
        .tracing(tracing)
        .build();
  }

  private InboundRequest request(byte[] body) {
    return InboundRequest.builder()
        .path("/webhooks/github")
        .body(body)
        .headers(
            WebhookHeaders.builder()
                .add("Content-Type", "application/json")
                .add(TestHmacVerifier.SIGNATURE, verifier.sign(body))
                .add(TestHmacVerifier.DELIVERY, "delivery-1")
                .build())
        .build();
  }

  @Test
  void theReceiveSpansContextTravelsOnTheWebhookAndTheSpanEndsWithTheResult() {
    List<String> events = new CopyOnWriteArrayList<>();
    Tracing tracing =
        new Tracing() {
          @Override
          public ReceiveSpan receive(String source, InboundRequest request) {
            events.add("start:" + source);
            return new ReceiveSpan() {
              @Override
              public Map<String, String> context() {
                return CONTEXT;
              }

              @Override
              public void end(ReceiveResult result) {
                events.add("end:" + result.getClass().getSimpleName());
              }
            };
          }
        };
    ReceiveResult result = receiver(tracing).receiveBlocking("github", request(BODY));
    assertThat(result).isInstanceOf(ReceiveResult.Accepted.class);
    assertThat(sink.webhooks().get(0).traceContext()).isEqualTo(CONTEXT);
    assertThat(events).containsExactly("start:github", "end:Accepted");

    events.clear();
    receiver(tracing).receiveBlocking("nope", request(BODY));
    assertThat(events).containsExactly("start:" + WebhookReceiver.UNKNOWN_SOURCE, "end:Rejected");
  }

  @Test
  void withoutTracingTheWebhookCarriesNoContext() {
    receiver(Tracing.NONE).receiveBlocking("github", request(BODY));
    assertThat(sink.webhooks().get(0).traceContext()).isEmpty();
  }

  @Test
  void aThrowingTracingNeverBreaksTheReceive() {
    Tracing throwing =
        new Tracing() {
          @Override
          public ReceiveSpan receive(String source, InboundRequest request) {
            throw new IllegalStateException("broken tracer");
          }
        };
    assertThat(receiver(throwing).receiveBlocking("github", request(BODY))).isInstanceOf(ReceiveResult.Accepted.class);

    Tracing throwingSpan =
        new Tracing() {
          @Override
          public ReceiveSpan receive(String source, InboundRequest request) {
            return new ReceiveSpan() {
              @Override
              public Map<String, String> context() {
                throw new IllegalStateException("broken context");
              }

              @Override
              public void end(ReceiveResult result) {
                throw new IllegalStateException("broken end");
              }
            };
          }
        };
    assertThat(receiver(throwingSpan).receiveBlocking("github", request(BODY)))
        .isInstanceOf(ReceiveResult.Accepted.class);
    assertThat(sink.webhooks()).allSatisfy(w -> assertThat(w.traceContext()).isEmpty());
  }

  @Test
  void safeLeavesNoneAndWrappedOnesAlone() {
    assertThat(Tracing.safe(Tracing.NONE)).isSameAs(Tracing.NONE);
    Tracing safe = Tracing.safe(new Tracing() {});
    assertThat(Tracing.safe(safe)).isSameAs(safe);
  }
}
