package dev.hookline.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.Attempt;
import dev.hookline.core.PermanentFailureException;
import dev.hookline.core.PipelineListener;
import dev.hookline.core.RetryLaterException;
import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.envelope.EnvelopeException;
import dev.hookline.core.idempotency.Claim;
import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.core.idempotency.InMemoryIdempotencyStore;
import dev.hookline.core.internal.DeliveryIds;
import dev.hookline.core.signature.SignatureVerificationException;
import dev.hookline.core.signature.SignatureVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class WebhookProcessorTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final byte[] BODY = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

  private final TestClock clock = new TestClock(T0);
  private final Recorder events = new Recorder();
  private final List<Webhook> seen = new ArrayList<>();
  private final RetryPolicy policy =
      RetryPolicy.builder().maxAttempts(3).backoff(Backoff.fixed(Duration.ofSeconds(10))).build();

  private static Webhook webhook(Verification verification) {
    return Webhook.builder()
        .deliveryId("d-1")
        .source("standard")
        .receivedAt(T0)
        .headers(WebhookHeaders.builder().add("webhook-id", "msg_1").add("webhook-signature", "good").build())
        .body(BODY)
        .verification(verification)
        .build();
  }

  private WebhookProcessor.Builder processor(ThrowingHandler behaviour) {
    return WebhookProcessor.builder()
        .handler(
            (w, a) -> {
              seen.add(w);
              clock.advance(Duration.ofMillis(250));
              behaviour.run();
            })
        .retryPolicy(policy)
        .listener(events)
        .clock(clock);
  }

  interface ThrowingHandler {
    void run() throws Exception;
  }

  /** Verifies "good" signatures and reports the webhook-id header as the provider's delivery id. */
  private static final SignatureVerifier VERIFIER =
      new SignatureVerifier() {
        @Override
        public void verify(WebhookHeaders headers, byte[] body) {
          if (!headers.first("webhook-signature").orElse("").equals("good")) {
            throw new SignatureVerificationException("no matching signature");
          }
        }

        @Override
        public Optional<String> deliveryId(WebhookHeaders headers, byte[] body) {
          return headers.first("webhook-id");
        }

        @Override
        public String scheme() {
          return "test";
        }
      };

  @Test
  void successAcksAndReportsHandlerTime() {
    Decision d = processor(() -> {}).build().process(webhook(Verification.VERIFIED), new Attempt(1, T0));
    assertThat(d).isEqualTo(new Decision.Ack(false));
    assertThat(events.log).containsExactly("handled d-1 1 PT0.25S");
  }

  @Test
  void failureRetriesThenDeadLettersOnTheLastAttempt() {
    WebhookProcessor p = processor(() -> { throw new IOException("down"); }).build();
    Decision first = p.process(webhook(Verification.VERIFIED), new Attempt(1, T0));
    assertThat(first).isInstanceOf(Decision.Retry.class);
    assertThat(((Decision.Retry) first).after()).isEqualTo(Duration.ofSeconds(10));
    Decision last = p.process(webhook(Verification.VERIFIED), new Attempt(3, T0));
    FailureReport r = ((Decision.DeadLetter) last).report();
    assertThat(r.reason()).isEqualTo("attempts_exhausted");
    assertThat(r.errorType()).isEqualTo("java.io.IOException");
    assertThat(r.errorMessage()).isEqualTo("down");
    assertThat(events.log).containsExactly("retry d-1 1 PT10S", "dead standard d-1 java.io.IOException");
  }

  @Test
  void permanentAndRetryLaterAndErrors() {
    Decision permanent =
        processor(() -> { throw new PermanentFailureException("bad payload"); })
            .build()
            .process(webhook(Verification.VERIFIED), new Attempt(1, T0));
    assertThat(((Decision.DeadLetter) permanent).report().reason()).isEqualTo("permanent_failure");

    Decision later =
        processor(() -> { throw new RetryLaterException("429", Duration.ofMinutes(3)); })
            .build()
            .process(webhook(Verification.VERIFIED), new Attempt(1, T0));
    assertThat(((Decision.Retry) later).after()).isEqualTo(Duration.ofMinutes(3));

    Decision error =
        processor(() -> { throw new StackOverflowErrorLike(); })
            .build()
            .process(webhook(Verification.VERIFIED), new Attempt(1, T0));
    assertThat(((Decision.Retry) error).failure().errorType()).isEqualTo(StackOverflowErrorLike.class.getName());

    WebhookProcessor oom = processor(() -> { throw new OutOfMemoryError("test"); }).build();
    assertThatThrownBy(() -> oom.process(webhook(Verification.VERIFIED), new Attempt(1, T0)))
        .isInstanceOf(OutOfMemoryError.class);
  }

  /** An Error that is not a VirtualMachineError. */
  static final class StackOverflowErrorLike extends LinkageError {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void interruptedHandlerFailsAndKeepsTheFlag() {
    Decision d =
        processor(() -> { throw new InterruptedException("stop"); })
            .build()
            .process(webhook(Verification.VERIFIED), new Attempt(1, T0));
    assertThat(d.isRetry()).isTrue();
    assertThat(Thread.interrupted()).isTrue(); // also clears it for the next test
  }

  @Test
  void deferredWebhookIsVerifiedBeforeTheHandlerAndUpgraded() {
    Webhook deferred =
        webhook(Verification.DEFERRED).toBuilder().deliveryId(DeliveryIds.fromContent("standard", BODY)).build();
    Decision d =
        processor(() -> {}).verifier("standard", VERIFIER).build().process(deferred, new Attempt(1, T0));
    assertThat(d.isAck()).isTrue();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).verification()).isEqualTo(Verification.VERIFIED);
    assertThat(seen.get(0).deliveryId()).isEqualTo("msg_1"); // the provider's id replaces the content hash
  }

  @Test
  void deferredKeepsAnExplicitDeliveryId() {
    processor(() -> {}).verifier("standard", VERIFIER).build()
        .process(webhook(Verification.DEFERRED), new Attempt(1, T0));
    assertThat(seen.get(0).deliveryId()).isEqualTo("d-1");
  }

  @Test
  void deferredWithBadSignatureOrUnknownSourceIsDeadLetteredWithoutCallingTheHandler() {
    Webhook forged =
        webhook(Verification.DEFERRED).toBuilder()
            .headers(WebhookHeaders.builder().add("webhook-signature", "forged").build())
            .build();
    Decision bad = processor(() -> {}).verifier("standard", VERIFIER).build().process(forged, new Attempt(1, T0));
    assertThat(((Decision.DeadLetter) bad).report().reason()).isEqualTo("signature_invalid");
    assertThat(((Decision.DeadLetter) bad).report().errorType())
        .isEqualTo(SignatureVerificationException.class.getName());

    Decision unknown =
        processor(() -> {}).verifier("github", VERIFIER).build()
            .process(webhook(Verification.DEFERRED), new Attempt(1, T0));
    assertThat(((Decision.DeadLetter) unknown).report().reason()).isEqualTo("unknown_source");
    assertThat(seen).isEmpty();
  }

  @Test
  void verifiedAndSkippedWebhooksAreNotVerifiedAgain() {
    WebhookProcessor p = processor(() -> {}).build(); // no verifiers at all
    assertThat(p.process(webhook(Verification.VERIFIED), new Attempt(1, T0)).isAck()).isTrue();
    assertThat(p.process(webhook(Verification.SKIPPED), new Attempt(1, T0)).isAck()).isTrue();
  }

  @Test
  void duplicatesAreAckedWithoutCallingTheHandler() {
    InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
    WebhookProcessor p = processor(() -> {}).idempotencyStore(store).build();
    assertThat(p.process(webhook(Verification.VERIFIED), new Attempt(1, T0))).isEqualTo(new Decision.Ack(false));
    assertThat(p.process(webhook(Verification.VERIFIED), new Attempt(2, T0))).isEqualTo(new Decision.Ack(true));
    assertThat(seen).hasSize(1);
    assertThat(events.log).containsExactly("handled d-1 1 PT0.25S", "duplicate d-1");
  }

  @Test
  void failureReleasesTheClaimSoTheRetryRunsAgain() {
    InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
    WebhookProcessor p = processor(() -> { throw new IOException("x"); }).idempotencyStore(store).build();
    assertThat(p.process(webhook(Verification.VERIFIED), new Attempt(1, T0)).isRetry()).isTrue();
    assertThat(store.claim("d-1", Duration.ofMinutes(1)).isAcquired()).isTrue();
  }

  @Test
  void deadLetterReleasesTheClaimSoARedriveRunsAgain() {
    InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
    WebhookProcessor p = processor(() -> { throw new PermanentFailureException("x"); }).idempotencyStore(store).build();
    assertThat(p.process(webhook(Verification.VERIFIED), new Attempt(1, T0)).isDeadLetter()).isTrue();
    assertThat(store.claim("d-1", Duration.ofMinutes(1)).isAcquired()).isTrue();
  }

  @Test
  void aCopyOfADeliveryInProgressElsewhereWaitsForTheClaimWithoutUsingUpAttemptsThenIsSkipped() {
    InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
    Claim.Acquired holder = (Claim.Acquired) store.claim("d-1", Duration.ofMinutes(10));
    clock.advance(Duration.ofMinutes(4));
    WebhookProcessor p = processor(() -> {}).idempotencyStore(store).build();

    // Even on its last allowed attempt (maxAttempts is 3 here) and beyond, the copy waits: never a dead letter.
    for (int attempt : new int[] {1, 3, 7}) {
      Decision d = p.process(webhook(Verification.VERIFIED), new Attempt(attempt, T0));
      assertThat(d.isRetry()).as("attempt %d", attempt).isTrue();
      assertThat(((Decision.Retry) d).after()).isEqualTo(Duration.ofMinutes(6));
      assertThat(((Decision.Retry) d).failure().reason()).isEqualTo(FailureReport.REASON_IN_PROGRESS);
    }
    assertThat(seen).isEmpty();
    assertThat(store.claim("d-1", Duration.ofMinutes(10)).isInProgress()).isTrue();

    store.complete(holder);
    Decision after = p.process(webhook(Verification.VERIFIED), new Attempt(8, T0));
    assertThat(after).isEqualTo(new Decision.Ack(true));
    assertThat(seen).isEmpty();
  }

  @Test
  void aHandlerThatOutlivesItsClaimIsStillAckedButCannotCompleteTheNewHoldersClaim() {
    InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
    Claim[] other = new Claim[1];
    WebhookProcessor p =
        processor(
                () -> {
                  // The handler runs past its claim's ttl; meanwhile another consumer takes the id.
                  clock.advance(Duration.ofMinutes(2));
                  other[0] = store.claim("d-1", Duration.ofMinutes(5));
                })
            .idempotencyStore(store)
            .claimTtl(Duration.ofMinutes(1))
            .build();
    assertThat(p.process(webhook(Verification.VERIFIED), new Attempt(1, T0)).isAck()).isTrue();
    assertThat(other[0].isAcquired()).isTrue();
    // The late complete was refused: the other holder's claim is untouched and still in progress.
    assertThat(store.claim("d-1", Duration.ofMinutes(5)).isInProgress()).isTrue();
    assertThat(store.complete((Claim.Acquired) other[0])).isTrue();
  }

  @Test
  void aFailingStoreOrListenerNeverEscapes() {
    IdempotencyStore broken =
        new IdempotencyStore() {
          @Override
          public Claim claim(String id, Duration ttl) {
            throw new IllegalStateException("store down");
          }

          @Override
          public boolean complete(Claim.Acquired claim) {
            return true;
          }

          @Override
          public boolean release(Claim.Acquired claim) {
            return true;
          }
        };
    PipelineListener throwing =
        new PipelineListener() {
          @Override
          public void onRetryScheduled(Webhook webhook, int attempt, Duration delay) {
            throw new IllegalStateException("listener bug");
          }
        };
    Decision d =
        processor(() -> {}).idempotencyStore(broken).listener(throwing).build()
            .process(webhook(Verification.VERIFIED), new Attempt(1, T0));
    assertThat(((Decision.Retry) d).failure().errorMessage()).isEqualTo("store down");
    assertThat(seen).isEmpty();
  }

  @Test
  void aThrowingBackoffStillEndsInADecision() {
    WebhookProcessor p =
        processor(() -> { throw new IOException("x"); })
            .retryPolicy(RetryPolicy.builder().backoff(a -> { throw new IllegalStateException("backoff"); }).build())
            .build();
    assertThat(p.process(webhook(Verification.VERIFIED), new Attempt(1, T0)).isRetry()).isTrue();
  }

  @Test
  void poisonAlwaysDeadLetters() {
    WebhookProcessor p = processor(() -> {}).build();
    clock.advance(Duration.ofMinutes(1));
    Decision d = p.poison(new EnvelopeException("envelope is not valid JSON", null), new Attempt(1, T0));
    FailureReport r = ((Decision.DeadLetter) d).report();
    assertThat(r.reason()).isEqualTo("poison_message");
    assertThat(r.errorType()).isEqualTo(EnvelopeException.class.getName());
    assertThat(r.lastFailedAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(seen).isEmpty();
    assertThat(events.log).containsExactly("dead unknown unknown " + EnvelopeException.class.getName());
  }

  @Test
  void builderValidatesNamingTheField() {
    assertThatThrownBy(() -> WebhookProcessor.builder().build()).hasMessageStartingWith("handler");
    assertThatThrownBy(() -> processor(() -> {}).claimTtl(Duration.ZERO).build()).hasMessageStartingWith("claimTtl");
    assertThatThrownBy(() -> processor(() -> {}).verifier(" ", VERIFIER).build()).hasMessageStartingWith("verifier");
  }

  static final class Recorder implements PipelineListener {
    final List<String> log = new CopyOnWriteArrayList<>();

    @Override
    public void onHandled(Webhook webhook, int attempt, Duration handlerTime) {
      log.add("handled " + webhook.deliveryId() + " " + attempt + " " + handlerTime);
    }

    @Override
    public void onDuplicate(Webhook webhook) {
      log.add("duplicate " + webhook.deliveryId());
    }

    @Override
    public void onRetryScheduled(Webhook webhook, int attempt, Duration delay) {
      log.add("retry " + webhook.deliveryId() + " " + attempt + " " + delay);
    }

    @Override
    public void onDeadLettered(String source, String deliveryId, String errorType) {
      log.add("dead " + source + " " + deliveryId + " " + errorType);
    }
  }
}
