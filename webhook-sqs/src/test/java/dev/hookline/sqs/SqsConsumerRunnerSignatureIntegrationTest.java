package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.FailureReport;
import dev.hookline.core.retry.Jitter;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.SignatureVerificationException;
import dev.hookline.core.signature.SignatureVerifier;
import dev.hookline.core.signature.SignatureVerifiers;
import dev.hookline.sqs.admin.ApiGatewayDirectIntegration;
import dev.hookline.sqs.admin.DirectIntegrationSender;
import dev.hookline.sqs.internal.DeadLetterFormat;
import dev.hookline.sqs.internal.SqsMessages;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.SignedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Messages in the API Gateway direct-integration form (the mapping template rendered with Velocity and sent to
 * ElasticMQ as API Gateway would) consumed by {@link SqsConsumerRunner} with each built-in scheme's real verifier: a
 * correctly signed webhook is handled as {@link Verification#VERIFIED}, also when it was received an hour before the
 * consumer's clock (the replay window counts from API Gateway's request time), and a tampered one ends in the
 * dead-letter queue as {@code signature_invalid} without reaching the handler.
 */
class SqsConsumerRunnerSignatureIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String ROLE = "arn:aws:iam::123456789012:role/apigateway-sqs-send";
  private static final String STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SOURCE = "orders";
  /** The consumer's clock; it never moves. */
  private static final Instant NOW = Instant.parse("2026-11-28T15:00:00Z");

  private static final Duration WAIT = Duration.ofSeconds(15);

  private final SqsTestQueues queues = new SqsTestQueues(SQS);

  static List<String> schemes() {
    return SignatureVerifiers.SCHEMES;
  }

  static String secret(String scheme) {
    return scheme.equals("standard-webhooks") ? STANDARD_SECRET : "secret-for-" + scheme;
  }

  /** The scheme's verifier with the consumer's clock, where the scheme has a replay window. */
  static SignatureVerifier verifier(String scheme, Clock clock) {
    return SignatureVerifiers.forScheme(scheme, List.of(secret(scheme)), clock);
  }

  /** A request signed at {@code at}, whose body names the case. */
  static SignedRequest.Builder signed(String scheme, String label, Instant at) {
    return SignedRequest.forScheme(scheme, secret(scheme))
        .clock(Clock.fixed(at, ZoneOffset.UTC))
        .id("id-" + label)
        .body("{\"id\":\"evt_" + label + "\",\"case\":\"" + label + "\",\"text\":\"a&b=c+d 100%\"}");
  }

  private static void send(ApiGatewayDirectIntegration integration, SignedRequest.Builder request, Instant at) {
    DirectIntegrationSender.send(
        SQS.server().endpoint(), integration, SOURCE, request.headers(), request.body(), at);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemes")
  void signedIsHandledEvenAnHourAfterReceiptAndTamperedIsDeadLettered(String scheme) {
    ElasticMqExtension.QueuePair pair = SQS.createQueueWithDlq("direct-" + scheme, 10, 30);
    ApiGatewayDirectIntegration integration =
        ApiGatewayDirectIntegration.builder()
            .apiName("webhooks")
            .region(Region.US_EAST_1)
            .queueUrl(pair.queueUrl())
            .roleArn(ROLE)
            .addScheme(scheme)
            .build();
    Clock consumerClock = Clock.fixed(NOW, ZoneOffset.UTC);
    SignatureVerifier verifier = verifier(scheme, consumerClock);
    Instant justNow = NOW.minusSeconds(2);
    Instant anHourAgo = NOW.minus(Duration.ofHours(1));
    SignedRequest.Builder late = signed(scheme, "late", anHourAgo);
    if (!scheme.equals("github") && !scheme.equals("shopify")) {
      // Checked against the consumer's clock, the late one is outside the 5-minute window: only the receipt time
      // can make it pass below.
      assertThatThrownBy(() -> verifier.verify(late.headers(), late.body()))
          .isInstanceOf(SignatureVerificationException.class);
    }
    send(integration, signed(scheme, "fresh", justNow), justNow);
    send(integration, late, anHourAgo);
    send(integration, signed(scheme, "tampered", justNow).withTamperedBody(), justNow);

    List<Webhook> handled = new CopyOnWriteArrayList<>();
    WebhookProcessor processor =
        WebhookProcessor.builder()
            .handler((webhook, attempt) -> handled.add(webhook))
            .verifier(SOURCE, verifier)
            .clock(consumerClock)
            .build();
    SqsConsumerConfig config =
        SqsConsumerConfig.builder()
            .queueUrl(pair.queueUrl())
            .deadLetterQueueUrl(pair.dlqUrl())
            .waitTime(Duration.ofSeconds(1))
            .build();
    List<Message> dead;
    try (SqsConsumerRunner runner =
        SqsConsumerRunner.builder()
            .client(SQS.asyncClient())
            .config(config)
            .processor(processor)
            .clock(consumerClock)
            .receiveErrorBackoff(Backoff.exponential(Duration.ofMillis(10), 2.0, Duration.ofMillis(50), Jitter.EQUAL, new SplittableRandom(5)))
            .build()) {
      runner.start();
      dead = queues.drain(pair.dlqUrl(), 1, WAIT);
      Await.until(WAIT, "two handled", () -> handled.size() == 2, () -> "handled=" + handled);
      Await.until(WAIT, "queue empty", () -> queues.depth(pair.queueUrl()) == 0);
    }

    assertThat(handled)
        .allSatisfy(w -> assertThat(w.verification()).isEqualTo(Verification.VERIFIED))
        .allSatisfy(w -> assertThat(w.source()).isEqualTo(SOURCE));
    Set<String> bodies = handled.stream().map(w -> bodyText(w.body())).collect(Collectors.toSet());
    assertThat(bodies).containsExactlyInAnyOrder(bodyText(signed(scheme, "fresh", justNow).body()), bodyText(late.body()));
    assertThat(handled)
        .filteredOn(w -> bodyText(w.body()).contains("\"late\""))
        .singleElement()
        .satisfies(w -> assertThat(w.receivedAt()).isEqualTo(anHourAgo));

    assertThat(dead).singleElement().satisfies(m -> {
      assertThat(deadLetteredBody(m)).isEqualTo(bodyText(signed(scheme, "tampered", justNow).withTamperedBody().body()));
      assertThat(DeadLetterFormat.read(SqsMessages.stringAttributes(m)).reason())
          .isEqualTo(FailureReport.REASON_SIGNATURE_INVALID);
      assertThat(m.messageAttributes().get(EnvelopeCodec.ATTR_SOURCE).stringValue()).isEqualTo(SOURCE);
    });
  }

  private static String bodyText(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The DLQ copy of a direct-integration message is an envelope (its headers would not fit as attributes). */
  private static String deadLetteredBody(Message m) {
    return bodyText(EnvelopeCodec.defaults().decode(m.body(), SqsMessages.stringAttributes(m)).body());
  }
}
