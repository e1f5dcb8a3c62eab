package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.FailureReport;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.SignatureVerificationException;
import dev.hookline.core.signature.SignatureVerifier;
import dev.hookline.core.signature.SignatureVerifiers;
import dev.hookline.sqs.admin.ApiGatewayDirectIntegration;
import dev.hookline.sqs.admin.DirectIntegrationSender;
import dev.hookline.sqs.internal.DeadLetterFormat;
import dev.hookline.sqs.internal.SqsMessages;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.SignedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Messages in the API Gateway direct-integration form (the mapping template rendered with Velocity and sent to
 * ElasticMQ as API Gateway would) handled by {@link SqsBatchFunction} with real verifiers, built in code and from
 * {@code HOOKLINE_SOURCES}: a correctly signed webhook reaches the handler as {@link Verification#VERIFIED}, also an
 * hour after API Gateway received it, and a tampered one is copied to the dead-letter queue as {@code
 * signature_invalid} and reported done, so Lambda deletes it.
 */
class SqsBatchFunctionSignatureIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String ROLE = "arn:aws:iam::123456789012:role/apigateway-sqs-send";
  private static final String STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<Webhook> handled = new CopyOnWriteArrayList<>();

  static List<String> schemes() {
    return SignatureVerifiers.SCHEMES;
  }

  private static String secret(String scheme) {
    return scheme.equals("standard-webhooks") ? STANDARD_SECRET : "secret-for-" + scheme;
  }

  /** The scheme's verifier with the consumer's clock, where the scheme has a replay window. */
  private static SignatureVerifier verifier(String scheme, Clock clock) {
    return SignatureVerifiers.forScheme(scheme, List.of(secret(scheme)), clock);
  }

  private static SignedRequest.Builder signed(String scheme, String label, Instant at) {
    return SignedRequest.forScheme(scheme, secret(scheme))
        .clock(Clock.fixed(at, ZoneOffset.UTC))
        .id("id-" + label)
        .body("{\"id\":\"evt_" + label + "\",\"case\":\"" + label + "\",\"text\":\"Grüße & 100% + more\"}");
  }

  private static ApiGatewayDirectIntegration integration(String queueUrl, String scheme) {
    return ApiGatewayDirectIntegration.builder()
        .apiName("webhooks-" + scheme)
        .region(Region.US_EAST_1)
        .queueUrl(queueUrl)
        .roleArn(ROLE)
        .addScheme(scheme)
        .build();
  }

  private static void send(
      ApiGatewayDirectIntegration integration, String source, SignedRequest.Builder request, Instant receivedAt) {
    DirectIntegrationSender.send(
        SQS.server().endpoint(), integration, source, request.headers(), request.body(), receivedAt);
  }

  private static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  private SQSBatchResponse invoke(SqsBatchFunction function, String queueUrl, int count) {
    List<Message> received = SqsEvents.receive(SQS.syncClient(), queueUrl, count, WAIT);
    assertThat(received).hasSize(count);
    SQSEvent event = SqsEvents.event("sqs-standard.json", SQS.queueArn(queueUrl), received);
    SQSBatchResponse response = function.handleRequest(event, TestContext.plenty());
    SqsEvents.lambdaDeletesSuccesses(SQS.syncClient(), queueUrl, event, response);
    return response;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemes")
  void signedIsHandledEvenAnHourAfterReceiptAndTamperedIsDeadLettered(String scheme) {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("lambda-direct-" + scheme, 10, 30);
    ApiGatewayDirectIntegration integration = integration(queues.queueUrl(), scheme);
    Instant now = Instant.parse("2026-11-28T15:00:00Z");
    Clock consumerClock = Clock.fixed(now, ZoneOffset.UTC);
    SignatureVerifier verifier = verifier(scheme, consumerClock);
    Instant justNow = now.minusSeconds(2);
    Instant anHourAgo = now.minus(Duration.ofHours(1));
    SignedRequest.Builder fresh = signed(scheme, "fresh", justNow);
    SignedRequest.Builder late = signed(scheme, "late", anHourAgo);
    SignedRequest.Builder tampered = signed(scheme, "tampered", justNow).withTamperedBody();
    if (!scheme.equals("github") && !scheme.equals("shopify")) {
      // Against the consumer's clock the late one is outside the 5-minute window: only its receipt time passes it.
      assertThatThrownBy(() -> verifier.verify(late.headers(), late.body()))
          .isInstanceOf(SignatureVerificationException.class);
    }
    send(integration, "orders", fresh, justNow);
    send(integration, "orders", late, anHourAgo);
    send(integration, "orders", tampered, justNow);
    SqsBatchFunction function =
        SqsBatchFunction.builder()
            .client(SQS.asyncClient())
            .processor(
                WebhookProcessor.builder()
                    .handler((webhook, attempt) -> handled.add(webhook))
                    .verifier("orders", verifier)
                    .clock(consumerClock)
                    .build())
            .queueUrl(queues.queueUrl())
            .deadLetterQueueUrl(queues.dlqUrl())
            .clock(consumerClock)
            .build();

    SQSBatchResponse response = invoke(function, queues.queueUrl(), 3);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(handled).allSatisfy(w -> assertThat(w.verification()).isEqualTo(Verification.VERIFIED));
    assertThat(handled.stream().map(w -> text(w.body())))
        .containsExactlyInAnyOrder(text(fresh.body()), text(late.body()));
    assertThat(handled)
        .filteredOn(w -> text(w.body()).equals(text(late.body())))
        .singleElement()
        .satisfies(w -> assertThat(w.receivedAt()).isEqualTo(anHourAgo));
    List<Message> dead = SqsEvents.receive(SQS.syncClient(), queues.dlqUrl(), 1, WAIT);
    assertThat(dead).singleElement().satisfies(m -> {
      assertThat(deadLetteredBody(m)).isEqualTo(text(tampered.body()));
      assertThat(DeadLetterFormat.fields(SqsMessages.stringAttributes(m)).get("reason"))
          .isEqualTo(FailureReport.REASON_SIGNATURE_INVALID);
    });
    // Lambda deleted the handled and the dead-lettered records: nothing is left, in flight or not.
    assertThat(SQS.depth(queues.queueUrl())).isZero();
  }

  @Test
  void functionFromEnvironmentVerifiesEverySourceOfHooklineSources() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("lambda-direct-env", 10, 30);
    Map<String, String> variables = new HashMap<>();
    variables.put("HOOKLINE_DLQ_URL", queues.dlqUrl());
    variables.put("HOOKLINE_QUEUE_URL", queues.queueUrl());
    // One source per built-in scheme, named after it; the secret variable follows the source name.
    variables.put(
        "HOOKLINE_SOURCES", SignatureVerifiers.SCHEMES.stream().map(s -> s + ":" + s).collect(Collectors.joining(",")));
    for (String scheme : SignatureVerifiers.SCHEMES) {
      variables.put(LambdaEnvironment.secretVariable(scheme), secret(scheme));
    }
    SqsBatchFunction function =
        LambdaWiring.sqsBatchFunction(
                new LambdaEnvironment(variables), (webhook, attempt) -> handled.add(webhook), SQS::asyncClient)
            .build();
    // The environment's verifiers use the system clock: received an hour ago, by that clock.
    Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
    Map<String, String> signedBodies = new HashMap<>();
    Map<String, String> tamperedBodies = new HashMap<>();
    for (String scheme : SignatureVerifiers.SCHEMES) {
      ApiGatewayDirectIntegration integration = integration(queues.queueUrl(), scheme);
      SignedRequest.Builder good = signed(scheme, scheme + "-good", anHourAgo);
      SignedRequest.Builder bad = signed(scheme, scheme + "-bad", anHourAgo).withTamperedBody();
      send(integration, scheme, good, anHourAgo);
      send(integration, scheme, bad, anHourAgo);
      signedBodies.put(scheme, text(good.body()));
      tamperedBodies.put(scheme, text(bad.body()));
    }

    SQSBatchResponse response = invoke(function, queues.queueUrl(), 2 * SignatureVerifiers.SCHEMES.size());

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(handled).allSatisfy(w -> assertThat(w.verification()).isEqualTo(Verification.VERIFIED));
    assertThat(handled.stream().collect(Collectors.toMap(Webhook::source, w -> text(w.body()))))
        .isEqualTo(signedBodies);
    List<Message> dead = SqsEvents.receive(SQS.syncClient(), queues.dlqUrl(), SignatureVerifiers.SCHEMES.size(), WAIT);
    assertThat(dead)
        .hasSize(SignatureVerifiers.SCHEMES.size())
        .allSatisfy(
            m ->
                assertThat(DeadLetterFormat.fields(SqsMessages.stringAttributes(m)).get("reason"))
                    .isEqualTo(FailureReport.REASON_SIGNATURE_INVALID));
    assertThat(dead.stream().map(m -> deadLetteredBody(m))).containsExactlyInAnyOrderElementsOf(tamperedBodies.values());
  }

  /** The DLQ copy of a direct-integration message is an envelope (its headers would not fit as attributes). */
  private static String deadLetteredBody(Message m) {
    return text(EnvelopeCodec.defaults().decode(m.body(), SqsMessages.stringAttributes(m)).body());
  }
}
