package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.internal.DeliveryIds;
import dev.hookline.core.signature.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class WebhookReceiverTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:15:30Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final byte[] BODY = "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8);

  private final TestHmacVerifier verifier = new TestHmacVerifier("s3cret-key");
  private final InMemoryWebhookSink sink = InMemoryWebhookSink.create();
  private final RecordingListener listener = new RecordingListener();

  private WebhookSource.Builder source() {
    return WebhookSource.builder().name("github").verifier(verifier).maxBodyBytes(64);
  }

  private WebhookReceiver.Builder receiver(WebhookSource source) {
    return WebhookReceiver.builder().addSource(source).sink(sink).listener(listener).clock(CLOCK);
  }

  private WebhookReceiver receiver() {
    return receiver(source().build()).build();
  }

  private InboundRequest.Builder signed(byte[] body) {
    return InboundRequest.builder()
        .path("/webhooks/github")
        .body(body)
        .headers(
            WebhookHeaders.builder()
                .add("Content-Type", "application/json")
                .add(TestHmacVerifier.SIGNATURE, verifier.sign(body))
                .add(TestHmacVerifier.DELIVERY, "delivery-1")
                .build());
  }

  private static WebhookHeaders with(WebhookHeaders headers, String name, String value) {
    return headers.toBuilder().set(name, value).build();
  }

  private static WebhookHeaders without(WebhookHeaders headers, String name) {
    return headers.toBuilder().remove(name).build();
  }

  private static RejectReason reason(ReceiveResult result) {
    assertThat(result).isInstanceOf(ReceiveResult.Rejected.class);
    return ((ReceiveResult.Rejected) result).reason();
  }

  @Test
  void acceptsSignedRequestAndStoresWebhook() {
    ReceiveResult result = receiver().receiveBlocking("github", signed(BODY).build());

    assertThat(result).isEqualTo(new ReceiveResult.Accepted("delivery-1", 202));
    assertThat(sink.webhooks()).hasSize(1);
    Webhook webhook = sink.webhooks().get(0);
    assertThat(webhook.deliveryId()).isEqualTo("delivery-1");
    assertThat(webhook.source()).isEqualTo("github");
    assertThat(webhook.receivedAt()).isEqualTo(NOW);
    assertThat(webhook.body()).isEqualTo(BODY);
    assertThat(webhook.contentType()).contains("application/json");
    assertThat(webhook.verification()).isEqualTo(Verification.VERIFIED);
    assertThat(listener.events).containsExactly("received:github:" + BODY.length, "accepted:github:delivery-1");
    assertThat(listener.latencies.get(0).isNegative()).isFalse();
  }

  @Test
  void acceptedStatusIsConfigurable() {
    WebhookReceiver receiver = receiver(source().build()).acceptedStatus(200).build();
    assertThat(receiver.receiveBlocking("github", signed(BODY).build()).status()).isEqualTo(200);
  }

  // Pipeline order: each request below fails every later check too, so the status proves which check ran first.

  @Test
  void methodIsCheckedFirst() {
    InboundRequest everythingWrong =
        signed(new byte[100]).method("GET").headers(WebhookHeaders.builder().add("Content-Type", "x").build()).build();
    assertThat(reason(receiver().receiveBlocking("nope", everythingWrong)))
        .isEqualTo(RejectReason.METHOD_NOT_ALLOWED);
  }

  @Test
  void methodsAreCaseSensitiveSoALowerCasePostIs405NotASignatureFailure() {
    InboundRequest lower = signed(BODY).method("post").build();
    assertThat(reason(receiver().receiveBlocking("github", lower))).isEqualTo(RejectReason.METHOD_NOT_ALLOWED);
    assertThat(lower.method()).isEqualTo("post");
  }

  @Test
  void unknownSourceBeforeSize() {
    InboundRequest tooBigUnsigned = InboundRequest.builder().body(new byte[100]).build();
    assertThat(reason(receiver().receiveBlocking("nope", tooBigUnsigned))).isEqualTo(RejectReason.UNKNOWN_SOURCE);
    assertThat(listener.events).containsExactly("received:unknown:100", "rejected:unknown:UNKNOWN_SOURCE");
  }

  @Test
  void rejectOversizedForAnUnknownSourceReportsUnknown() {
    receiver().rejectOversized("attacker-chosen", 10);
    assertThat(listener.events).containsExactly("received:unknown:10", "rejected:unknown:PAYLOAD_TOO_LARGE");
  }

  @Test
  void sizeBeforeContentType() {
    InboundRequest tooBigNoType = InboundRequest.builder().body(new byte[65]).build();
    assertThat(reason(receiver().receiveBlocking("github", tooBigNoType))).isEqualTo(RejectReason.PAYLOAD_TOO_LARGE);
  }

  @Test
  void bodyExactlyAtLimitIsAccepted() {
    assertThat(receiver().receiveBlocking("github", signed(new byte[64]).build()).isAccepted()).isTrue();
  }

  @Test
  void missingContentTypeIs415BeforeSignature() {
    InboundRequest request = signed(BODY).build();
    request = request.toBuilder().headers(without(request.headers(), "content-type")).build();
    ReceiveResult result = receiver().receiveBlocking("github", request);
    assertThat(reason(result)).isEqualTo(RejectReason.UNSUPPORTED_MEDIA_TYPE);
  }

  @Test
  void contentTypeThatIsNotAMediaTypeIs400() {
    InboundRequest request = signed(BODY).build();
    request = request.toBuilder().headers(with(request.headers(), "Content-Type", "json")).build();
    assertThat(reason(receiver().receiveBlocking("github", request))).isEqualTo(RejectReason.MALFORMED);
  }

  @Test
  void disallowedContentTypeIs415EvenWithBadSignature() {
    InboundRequest request = signed(BODY).build();
    WebhookHeaders headers = with(request.headers(), "Content-Type", "text/plain");
    headers = with(headers, TestHmacVerifier.SIGNATURE, "00");
    assertThat(reason(receiver().receiveBlocking("github", request.toBuilder().headers(headers).build())))
        .isEqualTo(RejectReason.UNSUPPORTED_MEDIA_TYPE);
  }

  @Test
  void contentTypeIgnoresCaseAndParametersAndAllowsJsonSuffix() {
    WebhookReceiver receiver = receiver();
    for (String type : List.of("Application/JSON; charset=UTF-8", "application/cloudevents+json")) {
      InboundRequest request = signed(BODY).build();
      request = request.toBuilder().headers(with(request.headers(), "Content-Type", type)).build();
      assertThat(receiver.receiveBlocking("github", request).isAccepted()).as(type).isTrue();
    }
    assertThat(sink.webhooks().get(0).contentType()).contains("Application/JSON; charset=UTF-8");
  }

  @Test
  void formEncodedIsAllowedOnlyWhenAdded() {
    InboundRequest request = signed(BODY).build();
    request =
        request.toBuilder()
            .headers(with(request.headers(), "Content-Type", "application/x-www-form-urlencoded"))
            .build();
    assertThat(reason(receiver().receiveBlocking("github", request)))
        .isEqualTo(RejectReason.UNSUPPORTED_MEDIA_TYPE);

    WebhookReceiver slack =
        receiver(source().addContentType("application/x-www-form-urlencoded").build()).build();
    assertThat(slack.receiveBlocking("github", request).isAccepted()).isTrue();
  }

  @Test
  void badSignatureIs401WithGenericMessageAndNothingStored() {
    InboundRequest request = signed(BODY).build();
    request = request.toBuilder().headers(with(request.headers(), TestHmacVerifier.SIGNATURE, "deadbeef")).build();

    ReceiveResult result = receiver().receiveBlocking("github", request);

    assertThat(result)
        .isEqualTo(ReceiveResult.Rejected.of(RejectReason.UNAUTHORIZED, WebhookReceiver.SIGNATURE_FAILED));
    assertThat(result.toJson()).doesNotContain("mismatch");
    assertThat(sink.storeCalls()).isZero();
    assertThat(listener.events).containsExactly("received:github:" + BODY.length, "rejected:github:UNAUTHORIZED");
  }

  @Test
  void verifierThrowingAnythingElseIsAlso401() {
    SignatureVerifier broken =
        new SignatureVerifier() {
          @Override
          public void verify(WebhookHeaders headers, byte[] body) {
            throw new IllegalArgumentException("bad base64");
          }

          @Override
          public String scheme() {
            return "broken";
          }
        };
    WebhookReceiver receiver = receiver(source().verifier(broken).build()).build();
    assertThat(reason(receiver.receiveBlocking("github", signed(BODY).build()))).isEqualTo(RejectReason.UNAUTHORIZED);
  }

  @Test
  void insecureSourceIsMarkedSkipped() {
    WebhookReceiver receiver =
        receiver(source().verifier(SignatureVerifier.insecureNoVerification()).build()).build();
    InboundRequest unsigned =
        InboundRequest.builder()
            .body(BODY)
            .headers(WebhookHeaders.builder().add("Content-Type", "application/json").build())
            .build();
    assertThat(receiver.receiveBlocking("github", unsigned).isAccepted()).isTrue();
    assertThat(sink.webhooks().get(0).verification()).isEqualTo(Verification.SKIPPED);
    assertThat(sink.webhooks().get(0).deliveryId()).isEqualTo(DeliveryIds.fromContent("github", BODY));
  }

  // Header filtering

  @Test
  void credentialsAreDroppedInAnyCaseAndSignaturesKept() {
    InboundRequest request = signed(BODY).build();
    WebhookHeaders headers =
        request.headers().toBuilder()
            .add("authorization", "Bearer abc")
            .add("COOKIE", "session=1")
            .add("Proxy-Authorization", "Basic xyz")
            .add("x-api-key", "key")
            .add("X-Custom", "kept")
            .build();
    receiver().receiveBlocking("github", request.toBuilder().headers(headers).build());

    WebhookHeaders kept = sink.webhooks().get(0).headers();
    assertThat(kept.names())
        .containsExactly("Content-Type", TestHmacVerifier.SIGNATURE, TestHmacVerifier.DELIVERY, "X-Custom");
  }

  @Test
  void replacingDroppedHeadersNeverKeepsCredentials() {
    WebhookReceiver receiver =
        receiver(source().build()).droppedHeaders(List.of("X-Forwarded-For")).build();
    InboundRequest request = signed(BODY).build();
    WebhookHeaders headers =
        request.headers().toBuilder()
            .add("Authorization", "Bearer abc")
            .add("X-Forwarded-For", "192.0.2.1")
            .add("X-Api-Key", "now-kept")
            .build();
    receiver.receiveBlocking("github", request.toBuilder().headers(headers).build());

    WebhookHeaders kept = sink.webhooks().get(0).headers();
    assertThat(kept.contains("Authorization")).isFalse();
    assertThat(kept.contains("X-Forwarded-For")).isFalse();
    assertThat(kept.contains("X-Api-Key")).isTrue();
    assertThat(receiver.droppedHeaders())
        .containsExactlyInAnyOrder("authorization", "proxy-authorization", "cookie", "x-forwarded-for");
  }

  // Delivery id rules

  private String deliveryIdFor(WebhookSource source, InboundRequest request) {
    ReceiveResult result = receiver(source).build().receiveBlocking("github", request);
    assertThat(result.isAccepted()).isTrue();
    return ((ReceiveResult.Accepted) result).deliveryId();
  }

  @Test
  void ruleIsUsedOnlyWhenVerifierHasNoId() {
    WebhookSource withRule = source().deliveryIdRule(DeliveryIdRule.header("X-Request-Id")).build();
    InboundRequest request = signed(BODY).build();
    WebhookHeaders headers = with(request.headers(), "X-Request-Id", "from-rule");

    assertThat(deliveryIdFor(withRule, request.toBuilder().headers(headers).build())).isEqualTo("delivery-1");
    headers = without(headers, TestHmacVerifier.DELIVERY);
    assertThat(deliveryIdFor(withRule, request.toBuilder().headers(headers).build())).isEqualTo("from-rule");
  }

  @Test
  void contentHashWhenNeitherHasAnId() {
    InboundRequest request = signed(BODY).build();
    request = request.toBuilder().headers(without(request.headers(), TestHmacVerifier.DELIVERY)).build();
    assertThat(deliveryIdFor(source().build(), request)).isEqualTo(DeliveryIds.fromContent("github", BODY));
  }

  @Test
  void throwingRuleFallsBackToContentHash() {
    WebhookSource throwing =
        source()
            .deliveryIdRule(
                (headers, body) -> {
                  throw new IllegalStateException("rule bug");
                })
            .build();
    InboundRequest request = signed(BODY).build();
    request = request.toBuilder().headers(without(request.headers(), TestHmacVerifier.DELIVERY)).build();
    assertThat(deliveryIdFor(throwing, request)).isEqualTo(DeliveryIds.fromContent("github", BODY));
  }

  @Test
  void idsThatSqsWouldRefuseAreHashed() {
    // SQS MessageDeduplicationId: up to 128 characters; a-z, A-Z, 0-9 and punctuation
    // (Amazon SQS API Reference, SendMessage, MessageDeduplicationId).
    String max = "a".repeat(128);
    assertThat(DeliveryIds.queueSafe(max)).isEqualTo(max);
    assertThat(DeliveryIds.queueSafe("!~{}[]:;")).isEqualTo("!~{}[]:;");
    for (String bad : List.of("a".repeat(129), "has space", "caf\u00e9", "tab\tid")) {
      assertThat(DeliveryIds.queueSafe(bad)).as(bad).matches("[0-9a-f]{64}");
    }
    assertThat(DeliveryIds.queueSafe("has space")).isEqualTo(DeliveryIds.queueSafe("has space"));

    InboundRequest request = signed(BODY).build();
    request = request.toBuilder().headers(with(request.headers(), TestHmacVerifier.DELIVERY, "x".repeat(200))).build();
    assertThat(deliveryIdFor(source().build(), request)).hasSize(64);
  }

  // Sink outcomes

  private WebhookReceiver receiverWithSink(WebhookSink customSink, Duration budget) {
    return WebhookReceiver.builder()
        .addSource(source().enqueueBudget(budget).build())
        .sink(customSink)
        .listener(listener)
        .clock(CLOCK)
        .build();
  }

  @Test
  void overCapacityIs429WithRetryAfter() {
    sink.failNext(1, new SinkOverCapacityException("full"));
    ReceiveResult result = receiver().receiveBlocking("github", signed(BODY).build());
    assertThat(result)
        .isEqualTo(
            new ReceiveResult.Rejected(
                RejectReason.OVER_CAPACITY, "over capacity, retry later", Optional.of(Duration.ofSeconds(5))));
    assertThat(listener.events).endsWith("rejected:github:OVER_CAPACITY");
  }

  @Test
  void sinkPayloadTooLargeIs413WithoutRetryAfter() {
    sink.failNext(1, new PayloadTooLargeException("envelope", 2_000_000, 1_048_576));
    ReceiveResult.Rejected result =
        (ReceiveResult.Rejected) receiver().receiveBlocking("github", signed(BODY).build());
    assertThat(result.reason()).isEqualTo(RejectReason.PAYLOAD_TOO_LARGE);
    assertThat(result.retryAfter()).isEmpty();
  }

  @Test
  void failingSinkIs503WithConfiguredRetryAfter() {
    sink.failWith(new IllegalStateException("queue down"));
    WebhookReceiver receiver = receiver(source().build()).unavailableRetryAfter(Duration.ofSeconds(30)).build();
    ReceiveResult.Rejected result = (ReceiveResult.Rejected) receiver.receiveBlocking("github", signed(BODY).build());
    assertThat(result.reason()).isEqualTo(RejectReason.SINK_UNAVAILABLE);
    assertThat(result.retryAfter()).contains(Duration.ofSeconds(30));
    assertThat(result.message()).doesNotContain("queue down");
  }

  @Test
  void sinkThatThrowsOrReturnsNullIs503() {
    WebhookSink throwing =
        (webhook, budget) -> {
          throw new IllegalStateException("boom");
        };
    WebhookSink returnsNull = (webhook, budget) -> null;
    for (WebhookSink bad : List.of(throwing, returnsNull)) {
      ReceiveResult result = receiverWithSink(bad, Duration.ofSeconds(1)).receiveBlocking("github", signed(BODY).build());
      assertThat(reason(result)).isEqualTo(RejectReason.SINK_UNAVAILABLE);
    }
  }

  @Test
  void sinkThatNeverCompletesIs503AfterBudgetPlusMargin() {
    Duration budget = Duration.ofMillis(200);
    CompletableFuture<Void> never = new CompletableFuture<>();
    WebhookReceiver receiver = receiverWithSink((webhook, b) -> never, budget);

    long start = System.nanoTime();
    ReceiveResult result = receiver.receiveBlocking("github", signed(BODY).build());
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertThat(reason(result)).isEqualTo(RejectReason.SINK_UNAVAILABLE);
    assertThat(waited).isGreaterThanOrEqualTo(budget);
    assertThat(waited).isLessThan(budget.plusMillis(WebhookReceiver.SINK_TIMEOUT_MARGIN_MILLIS).plusSeconds(5));
    assertThat(never).isNotDone(); // the receiver never completes the sink's own stage
  }

  @Test
  void budgetIsTheSmallerOfSourceAndCaller() {
    List<Duration> budgets = new CopyOnWriteArrayList<>();
    WebhookReceiver receiver =
        receiverWithSink(
            (webhook, budget) -> {
              budgets.add(budget);
              return CompletableFuture.completedFuture(null);
            },
            Duration.ofSeconds(5));
    receiver.receiveBlocking("github", signed(BODY).build());
    receiver.receiveBlocking("github", signed(BODY).build(), Duration.ofSeconds(2));
    receiver.receiveBlocking("github", signed(BODY).build(), Duration.ofSeconds(9));
    assertThat(budgets).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  @Test
  void noBudgetLeftIs503WithoutCallingSink() {
    ReceiveResult result = receiver().receiveBlocking("github", signed(BODY).build(), Duration.ZERO);
    assertThat(reason(result)).isEqualTo(RejectReason.SINK_UNAVAILABLE);
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void asyncReceiveCompletesWhenSinkConfirms() {
    sink.hold();
    CompletableFuture<ReceiveResult> result = receiver().receive("github", signed(BODY).build()).toCompletableFuture();
    assertThat(result).isNotDone();
    assertThat(sink.release()).isEqualTo(1);
    assertThat(result.join().isAccepted()).isTrue();
  }

  @Test
  void rejectOversizedIsA413ThatListenersSee() {
    ReceiveResult result = receiver().rejectOversized("github", 5_000_000_000L);
    assertThat(reason(result)).isEqualTo(RejectReason.PAYLOAD_TOO_LARGE);
    assertThat(listener.events)
        .containsExactly("received:github:" + Integer.MAX_VALUE, "rejected:github:PAYLOAD_TOO_LARGE");
  }

  // Listener

  @Test
  void throwingListenerBreaksNothing() {
    PipelineListener throwing =
        new PipelineListener() {
          @Override
          public void onReceived(String source, int bodyLength) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onAccepted(Webhook webhook, Duration sinkLatency) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onRejected(String source, RejectReason reason) {
            throw new IllegalStateException("listener bug");
          }
        };
    WebhookReceiver receiver = receiver(source().build()).listener(throwing).build();
    assertThat(receiver.receiveBlocking("github", signed(BODY).build()).isAccepted()).isTrue();
    assertThat(reason(receiver.receiveBlocking("nope", signed(BODY).build()))).isEqualTo(RejectReason.UNKNOWN_SOURCE);
    assertThat(sink.webhooks()).hasSize(1);
  }

  // Builder

  @Test
  void builderMessagesNameTheField() {
    WebhookSource github = source().build();
    assertThatThrownBy(() -> WebhookReceiver.builder().sink(sink).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("sources");
    assertThatThrownBy(() -> WebhookReceiver.builder().addSource(github).addSource(github).sink(sink).build())
        .hasMessageStartingWith("sources")
        .hasMessageContaining("github");
    assertThatThrownBy(() -> WebhookReceiver.builder().addSource(github).build()).hasMessageStartingWith("sink");
    assertThatThrownBy(() -> receiver(github).acceptedStatus(302).build())
        .hasMessageStartingWith("acceptedStatus");
    assertThatThrownBy(() -> receiver(github).overCapacityRetryAfter(Duration.ZERO).build())
        .hasMessageStartingWith("overCapacityRetryAfter");
    assertThatThrownBy(() -> receiver(github).unavailableRetryAfter(Duration.ofSeconds(-1)).build())
        .hasMessageStartingWith("unavailableRetryAfter");
    assertThatThrownBy(() -> receiver(github).addDroppedHeader(" ").build())
        .hasMessageStartingWith("droppedHeaders");
    assertThatThrownBy(() -> WebhookReceiver.builder().sink(null)).hasMessage("sink");
  }

  @Test
  void pluralSourcesReplacesAndAddAppends() {
    WebhookSource a = source().name("a").build();
    WebhookSource b = source().name("b").build();
    WebhookSource c = source().name("c").build();
    WebhookReceiver receiver =
        WebhookReceiver.builder().addSource(a).sources(List.of(b)).addSource(c).sink(sink).build();
    assertThat(receiver.sources()).containsExactly(b, c);
    assertThat(receiver.source("a")).isEmpty();
    assertThat(receiver.source("c")).contains(c);
  }
}
