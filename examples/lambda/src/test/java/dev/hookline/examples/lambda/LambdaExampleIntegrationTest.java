package dev.hookline.examples.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.lambda.HttpApiReceiverFunction;
import dev.hookline.lambda.SqsBatchFunction;
import dev.hookline.lambda.SqsEvents;
import dev.hookline.lambda.TestContext;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.SignedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Runs both functions of the deployment locally, wired as {@code template.yaml} configures them, against embedded
 * ElasticMQ: a signed GitHub push arrives as an API Gateway HTTP API (payload 2.0) event, the receiver function
 * queues it, and the batch function gets the messages really received from the queue, as the SQS event Lambda would
 * build from them. Both events are read with the managed runtime's serializer ({@code aws-lambda-java-serialization}).
 */
class LambdaExampleIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  /** The GitHub webhook secret the fixture is signed with. */
  private static final String SECRET = "hookline-example-github-secret";
  /** Shaped like AWS's sample HTTP API payload 2.0 event, carrying a GitHub push as GitHub sends it. */
  private static final String PUSH_EVENT = "events/http-api-github-push.json";
  private static final String PUSH_DELIVERY_ID = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

  private final SqsClient sqs = SQS.syncClient();
  private final List<Handled> handled = new CopyOnWriteArrayList<>();
  private ElasticMqExtension.QueuePair queues;
  private SqsEnqueuer enqueuer;
  private HttpApiReceiverFunction receiverFunction;

  /** One call of the handler. */
  private record Handled(String deliveryId, int attempt, byte[] body, String event) {}

  @BeforeEach
  void deploy() {
    // WebhookQueue: visibility timeout 180 s, redrive to the DLQ after 10 receives.
    queues = SQS.createQueueWithDlq("lambda-example", 10, 180);
    // ReceiverFunction: HOOKLINE_SOURCES=github:github, HOOKLINE_SECRET_GITHUB and HOOKLINE_QUEUE_URL, wired as
    // the function's environment constructor does (one SendMessage per invocation, no linger).
    enqueuer =
        SqsEnqueuer.builder().client(SQS.asyncClient()).queueUrl(queues.queueUrl()).linger(Duration.ZERO).build();
    WebhookSource github =
        WebhookSource.builder().name("github").verifier(GitHubVerifier.builder().addSecret(SECRET).build()).build();
    receiverFunction = new HttpApiReceiverFunction(WebhookReceiver.builder().addSource(github).sink(enqueuer).build());
  }

  @AfterEach
  void closeEnqueuer() {
    enqueuer.close();
  }

  /** BatchFunction: HOOKLINE_QUEUE_URL, HOOKLINE_DLQ_URL and HOOKLINE_MAX_ATTEMPTS (5), with this handler. */
  private SqsBatchFunction batchFunction(WebhookHandler handler) {
    WebhookHandler recording =
        (webhook, attempt) -> {
          handled.add(
              new Handled(
                  webhook.deliveryId(),
                  attempt.number(),
                  webhook.body(),
                  webhook.headers().first("X-GitHub-Event").orElse("")));
          handler.handle(webhook, attempt);
        };
    return SqsBatchFunction.builder()
        .client(SQS.asyncClient())
        .processor(
            WebhookProcessor.builder()
                .handler(recording)
                .retryPolicy(RetryPolicy.builder().maxAttempts(5).build())
                .build())
        .queueUrl(queues.queueUrl())
        .deadLetterQueueUrl(queues.dlqUrl())
        .build();
  }

  @Test
  void signedPushIsQueuedThenHandledByteForByte() {
    APIGatewayV2HTTPEvent push = EventLoader.loadApiGatewayHttpEvent(PUSH_EVENT);
    // The fixture's signature is the one the test kit's own signer computes for its body.
    assertThat(push.getHeaders().get("x-hub-signature-256"))
        .isEqualTo(SignedRequest.github(SECRET).body(push.getBody()).build().headers().first("X-Hub-Signature-256")
            .orElseThrow());

    assertThat(receiverFunction.handleRequest(push, context(10_000)).getStatusCode()).isEqualTo(202);

    List<Message> queued = receive(1);
    SQSBatchResponse response = batchFunction(new LoggingHandler()).handleRequest(sqsEvent(queued), context(30_000));

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(handled).hasSize(1);
    Handled webhook = handled.get(0);
    assertThat(webhook.deliveryId()).isEqualTo(PUSH_DELIVERY_ID);
    assertThat(webhook.attempt()).isEqualTo(1);
    assertThat(webhook.event()).isEqualTo("push");
    // The body holds a non-ASCII name: the bytes GitHub signed reach the handler unchanged.
    assertThat(webhook.body()).isEqualTo(push.getBody().getBytes(UTF_8)).asString(UTF_8).contains("Zo\u00eb");
    assertThat(Await.drain(sqs, queues.dlqUrl())).isEmpty();
  }

  @Test
  void onlyTheFailedRecordIsReportedAndItComesBackAfterItsBackoff() {
    assertThat(receiverFunction.handleRequest(delivery("delivery-ok"), context(10_000)).getStatusCode()).isEqualTo(202);
    assertThat(receiverFunction.handleRequest(delivery("delivery-flaky"), context(10_000)).getStatusCode())
        .isEqualTo(202);
    List<Message> queued = receive(2);
    Map<String, String> messageIds =
        queued.stream()
            .collect(
                Collectors.toMap(
                    m -> m.messageAttributes().get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue(),
                    Message::messageId));
    LoggingHandler logging = new LoggingHandler();
    SqsBatchFunction function =
        batchFunction(
            (webhook, attempt) -> {
              if (webhook.deliveryId().equals("delivery-flaky") && attempt.number() == 1) {
                throw new IllegalStateException("downstream unavailable");
              }
              logging.handle(webhook, attempt);
            });

    SQSEvent event = sqsEvent(queued);
    SQSBatchResponse response = function.handleRequest(event, context(30_000));

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(messageIds.get("delivery-flaky"));
    lambdaDeletesSuccesses(event, response);

    // The function set the failed record's visibility to its first backoff delay (at most 1 s by default), far
    // below the queue's 180 s: it comes back alone, as attempt 2, and succeeds.
    List<Message> redelivered = receive(1);
    assertThat(redelivered).extracting(Message::messageId).containsExactly(messageIds.get("delivery-flaky"));
    SQSEvent retry = sqsEvent(redelivered);
    SQSBatchResponse second = function.handleRequest(retry, context(30_000));
    assertThat(second.getBatchItemFailures()).isEmpty();
    lambdaDeletesSuccesses(retry, second);

    assertThat(handled)
        .extracting(h -> h.deliveryId() + "#" + h.attempt())
        .containsExactlyInAnyOrder("delivery-ok#1", "delivery-flaky#1", "delivery-flaky#2");
    assertThat(receiveOnce(1)).isEmpty();
    assertThat(Await.drain(sqs, queues.dlqUrl())).isEmpty();
  }

  @Test
  void badSignatureIsRefusedAndNothingIsQueued() {
    APIGatewayV2HTTPEvent tampered = EventLoader.loadApiGatewayHttpEvent(PUSH_EVENT);
    tampered.setBody(tampered.getBody().replace("refs/heads/main", "refs/heads/release"));
    APIGatewayV2HTTPEvent wrongSecret = EventLoader.loadApiGatewayHttpEvent(PUSH_EVENT);
    Map<String, String> headers = new HashMap<>(wrongSecret.getHeaders());
    headers.put(
        "x-hub-signature-256",
        SignedRequest.github(SECRET).body(wrongSecret.getBody()).withWrongSecret().build().headers()
            .first("X-Hub-Signature-256").orElseThrow());
    wrongSecret.setHeaders(headers);

    assertThat(receiverFunction.handleRequest(tampered, context(10_000)).getStatusCode()).isEqualTo(401);
    assertThat(receiverFunction.handleRequest(wrongSecret, context(10_000)).getStatusCode()).isEqualTo(401);

    assertThat(receiveOnce(1)).isEmpty();
  }

  /** The fixture with another delivery id; GitHub signs only the body, so the signature stays valid. */
  private static APIGatewayV2HTTPEvent delivery(String deliveryId) {
    APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(PUSH_EVENT);
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("x-github-delivery", deliveryId);
    event.setHeaders(headers);
    return event;
  }

  /** Receives exactly {@code count} messages, long-polling until a deadline. */
  private List<Message> receive(int count) {
    List<Message> received = new ArrayList<>();
    Await.until(
        Duration.ofSeconds(10),
        count + " messages on the queue",
        () -> {
          received.addAll(receiveOnce(1));
          return received.size() >= count;
        },
        () -> "received " + received.size());
    assertThat(received).hasSize(count);
    return received;
  }

  /** One receive, as Lambda's poller does it: with every system and message attribute. */
  private List<Message> receiveOnce(int waitSeconds) {
    return sqs.receiveMessage(
            b ->
                b.queueUrl(queues.queueUrl())
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All"))
        .messages();
  }

  private SQSEvent sqsEvent(List<Message> messages) {
    return SqsEvents.event("sqs-standard.json", SQS.queueArn(queues.queueUrl()), messages);
  }

  private void lambdaDeletesSuccesses(SQSEvent event, SQSBatchResponse response) {
    SqsEvents.lambdaDeletesSuccesses(sqs, queues.queueUrl(), event, response);
  }

  private static Context context(int remainingMillis) {
    return new TestContext(remainingMillis);
  }
}
