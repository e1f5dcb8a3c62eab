package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.FailureReport;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.core.signature.StripeVerifier;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.sqs.internal.DeadLetterFormat;
import dev.hookline.sqs.internal.SqsMessages;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.SignedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * API Gateway event → receiver function → SQS (ElasticMQ) → SQS event built from the messages really received →
 * batch function → the user's handler, deletes, visibility changes and the DLQ.
 */
class LambdaEndToEndIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String GITHUB_SECRET = "It's a Secret to Everybody";
  private static final String STRIPE_SECRET = "whsec_end_to_end";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final SqsClient sqs = SQS.syncClient();
  private final List<Webhook> handled = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final List<SqsEnqueuer> enqueuers = new ArrayList<>();

  /** The handler a user would also run in SqsConsumerRunner, unchanged. */
  private final WebhookHandler handler =
      (webhook, attempt) -> {
        handled.add(webhook);
        if (failing.contains(webhook.deliveryId())) {
          throw new IllegalStateException("downstream unavailable");
        }
      };

  @AfterEach
  void closeEnqueuers() {
    enqueuers.forEach(SqsEnqueuer::close);
  }

  private WebhookReceiver receiver(String queueUrl) {
    SqsEnqueuer enqueuer = SqsEnqueuer.builder().client(SQS.asyncClient()).queueUrl(queueUrl).build();
    enqueuers.add(enqueuer);
    return WebhookReceiver.builder()
        .addSource(
            WebhookSource.builder()
                .name("github")
                .verifier(GitHubVerifier.builder().addSecret(GITHUB_SECRET).build())
                .build())
        .addSource(
            WebhookSource.builder()
                .name("stripe")
                .verifier(StripeVerifier.builder().addSecret(STRIPE_SECRET).build())
                .build())
        .sink(enqueuer)
        .build();
  }

  private SqsBatchFunction batchFunction(String dlqUrl) {
    return SqsBatchFunction.builder()
        .client(SQS.asyncClient())
        .processor(
            WebhookProcessor.builder()
                .handler(handler)
                .retryPolicy(RetryPolicy.builder().maxAttempts(3).backoff(Backoff.fixed(Duration.ofSeconds(1))).build())
                .build())
        .deadLetterQueueUrl(dlqUrl)
        .build();
  }

  private static APIGatewayV2HTTPEvent githubEvent(String deliveryId, byte[] body) {
    InboundRequest signed = SignedRequest.github(GITHUB_SECRET).id(deliveryId).body(body).build();
    Map<String, String> values = new HashMap<>();
    values.put("RAW_PATH", "/webhooks/github");
    values.put("SOURCE", "github");
    values.put("CONTENT_LENGTH", Integer.toString(body.length));
    values.put("DELIVERY_ID", deliveryId);
    values.put("SIGNATURE", signed.headers().first("X-Hub-Signature-256").orElseThrow());
    values.put("BODY", Base64.getEncoder().encodeToString(body));
    return Events.load("apigw-http-v2-github.json", values, APIGatewayV2HTTPEvent.class);
  }

  private static APIGatewayProxyRequestEvent stripeEvent(String eventId) {
    String body = "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"type\":\"charge.succeeded\"}";
    InboundRequest signed = SignedRequest.stripe(STRIPE_SECRET).body(body).build();
    Map<String, String> values = new HashMap<>();
    values.put("PATH", "/webhooks/stripe");
    values.put("SOURCE", "stripe");
    values.put("SIGNATURE", signed.headers().first("Stripe-Signature").orElseThrow());
    values.put("BODY", body);
    return Events.load("apigw-rest-v1-stripe.json", values, APIGatewayProxyRequestEvent.class);
  }

  private static String deliveryId(Message m) {
    return m.messageAttributes().get(dev.hookline.core.envelope.EnvelopeCodec.ATTR_DELIVERY_ID).stringValue();
  }

  @Test
  void webhookTravelsFromApiGatewayToTheHandlerByteExactly() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("e2e", 10, 30);
    HttpApiReceiverFunction receiverFunction = new HttpApiReceiverFunction(receiver(queues.queueUrl()));
    byte[] body = "{\"ref\":\"refs/heads/main\",\r\n \"pusher\":\"Zo\u00eb\"}".getBytes(StandardCharsets.UTF_8);
    byte[] binary = {0x1f, (byte) 0x8b, 0x08, 0x00, (byte) 0xff, 0x00};

    assertThat(receiverFunction.handleRequest(githubEvent("gh-delivery-1", body), TestContext.plenty()).getStatusCode())
        .isEqualTo(202);
    assertThat(
            receiverFunction.handleRequest(githubEvent("gh-delivery-2", binary), TestContext.plenty()).getStatusCode())
        .isEqualTo(202);
    // A rejected request never reaches the queue.
    APIGatewayV2HTTPEvent tampered = githubEvent("gh-delivery-3", body);
    tampered.setBody(Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8)));
    assertThat(receiverFunction.handleRequest(tampered, TestContext.plenty()).getStatusCode()).isEqualTo(401);

    List<Message> received = SqsEvents.receive(sqs, queues.queueUrl(), 2, WAIT);
    assertThat(received).hasSize(2);
    SQSEvent event = SqsEvents.event("sqs-standard.json", SQS.queueArn(queues.queueUrl()), received);
    SQSBatchResponse response = batchFunction(queues.dlqUrl()).handleRequest(event, TestContext.plenty());

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(handled).extracting(Webhook::deliveryId).containsExactlyInAnyOrder("gh-delivery-1", "gh-delivery-2");
    Webhook first = handled.stream().filter(w -> w.deliveryId().equals("gh-delivery-1")).findFirst().orElseThrow();
    assertThat(first.body()).isEqualTo(body);
    assertThat(first.source()).isEqualTo("github");
    assertThat(first.headers().first("X-GitHub-Event")).contains("push");
    Webhook second = handled.stream().filter(w -> w.deliveryId().equals("gh-delivery-2")).findFirst().orElseThrow();
    assertThat(second.body()).isEqualTo(binary);

    // Lambda deletes what the function reported done: nothing is left.
    assertThat(SqsEvents.lambdaDeletesSuccesses(sqs, queues.queueUrl(), event, response)).hasSize(2);
    assertThat(SqsEvents.receive(sqs, queues.queueUrl(), 1, Duration.ofMillis(1_500))).isEmpty();
    assertThat(SqsEvents.receive(sqs, queues.dlqUrl(), 1, Duration.ofMillis(500))).isEmpty();
  }

  @Test
  void fifoBatchWithTwoGroupsWhereOneFails() {
    // The enqueuer groups by source on a FIFO queue: github and stripe are two groups.
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("e2e-fifo.fifo", 10, 30);
    WebhookReceiver receiver = receiver(queues.queueUrl());
    HttpApiReceiverFunction httpApi = new HttpApiReceiverFunction(receiver);
    RestApiReceiverFunction restApi = new RestApiReceiverFunction(receiver);
    byte[] body = "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(httpApi.handleRequest(githubEvent("gh-1", body), TestContext.plenty()).getStatusCode()).isEqualTo(202);
    assertThat(restApi.handleRequest(stripeEvent("evt_1"), TestContext.plenty()).getStatusCode()).isEqualTo(202);
    assertThat(httpApi.handleRequest(githubEvent("gh-2", body), TestContext.plenty()).getStatusCode()).isEqualTo(202);
    assertThat(restApi.handleRequest(stripeEvent("evt_2"), TestContext.plenty()).getStatusCode()).isEqualTo(202);
    failing.add("gh-1");

    List<Message> received = SqsEvents.receive(sqs, queues.queueUrl(), 4, WAIT);
    assertThat(received).hasSize(4);
    SQSEvent event = SqsEvents.event("sqs-fifo.json", SQS.queueArn(queues.queueUrl()), received);
    SQSBatchResponse response = batchFunction(queues.dlqUrl()).handleRequest(event, TestContext.plenty());

    Map<String, String> idToMessage = new HashMap<>();
    received.forEach(m -> idToMessage.put(deliveryId(m), m.messageId()));
    assertThat(SqsEvents.failures(response)).containsExactlyInAnyOrder(idToMessage.get("gh-1"), idToMessage.get("gh-2"));
    assertThat(handled).extracting(Webhook::deliveryId).containsExactlyInAnyOrder("gh-1", "evt_1", "evt_2");
    assertThat(SqsEvents.lambdaDeletesSuccesses(sqs, queues.queueUrl(), event, response)).hasSize(2);

    // The github group returns after its 1 s retry delay, in order, and then succeeds.
    failing.clear();
    handled.clear();
    List<Message> again = SqsEvents.receive(sqs, queues.queueUrl(), 2, WAIT);
    assertThat(again).extracting(LambdaEndToEndIntegrationTest::deliveryId).containsExactly("gh-1", "gh-2");
    SQSEvent retry = SqsEvents.event("sqs-fifo.json", SQS.queueArn(queues.queueUrl()), again);
    SQSBatchResponse second = batchFunction(queues.dlqUrl()).handleRequest(retry, TestContext.plenty());
    assertThat(second.getBatchItemFailures()).isEmpty();
    assertThat(handled).extracting(Webhook::deliveryId).containsExactly("gh-1", "gh-2");
    SqsEvents.lambdaDeletesSuccesses(sqs, queues.queueUrl(), retry, second);
    assertThat(SqsEvents.receive(sqs, queues.queueUrl(), 1, Duration.ofMillis(1_500))).isEmpty();
  }

  @Test
  void nonEnvelopeRecordGoesToTheDeadLetterQueueWhileTheBatchGoesOn() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("e2e-poison", 10, 30);
    HttpApiReceiverFunction receiverFunction = new HttpApiReceiverFunction(receiver(queues.queueUrl()));
    assertThat(
            receiverFunction
                .handleRequest(githubEvent("gh-ok", "{}".getBytes(StandardCharsets.UTF_8)), TestContext.plenty())
                .getStatusCode())
        .isEqualTo(202);
    sqs.sendMessage(b -> b.queueUrl(queues.queueUrl()).messageBody("{\"hello\":\"not a hookline envelope\"}"));

    List<Message> received = SqsEvents.receive(sqs, queues.queueUrl(), 2, WAIT);
    SQSEvent event = SqsEvents.event("sqs-standard.json", SQS.queueArn(queues.queueUrl()), received);
    SQSBatchResponse response = batchFunction(queues.dlqUrl()).handleRequest(event, TestContext.plenty());

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(handled).extracting(Webhook::deliveryId).containsExactly("gh-ok");
    Message dead = SqsEvents.receive(sqs, queues.dlqUrl(), 1, WAIT).get(0);
    assertThat(dead.body()).isEqualTo("{\"hello\":\"not a hookline envelope\"}");
    assertThat(DeadLetterFormat.fields(SqsMessages.stringAttributes(dead)).get("reason"))
        .isEqualTo(FailureReport.REASON_POISON_MESSAGE);
  }
}
