package com.example.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.lambda.HttpApiReceiverFunction;
import dev.hookline.lambda.SqsBatchFunction;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.SignedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The two Lambda functions of webhook-lambda-adapter, from the published jars, on sample events read the way the
 * managed Java runtime reads them: an API Gateway HTTP API event goes through the receiver function to SQS, and the
 * message SQS holds comes back as an SQS event to the batch function and the user's handler.
 */
class LambdaFunctionsTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String SECRET = "It's a Secret to Everybody";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void apiGatewayEventReachesTheHandlerThroughSqs() throws Exception {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("consumer-lambda", 10, 30);
    OrderEvents handler = new OrderEvents("");
    byte[] body = "{\"ref\":\"refs/heads/main\",\"pusher\":\"Zo\u00eb\"}".getBytes(StandardCharsets.UTF_8);

    try (SqsEnqueuer enqueuer = SqsEnqueuer.builder().client(SQS.asyncClient()).queueUrl(queues.queueUrl()).build()) {
      HttpApiReceiverFunction receiverFunction = new HttpApiReceiverFunction(receiver(enqueuer));

      APIGatewayV2HTTPResponse accepted =
          receiverFunction.handleRequest(githubEvent("delivery-1", body, SECRET), context());
      APIGatewayV2HTTPResponse forged =
          receiverFunction.handleRequest(githubEvent("delivery-2", body, "not the secret"), context());

      assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(202);
      assertThat(forged.getStatusCode()).isEqualTo(401);
    }

    Message message = receiveOne(queues.queueUrl());
    SqsBatchFunction batchFunction = batchFunction(handler, queues.dlqUrl());
    SQSBatchResponse response = batchFunction.handleRequest(sqsEvent(queues.queueUrl(), message), context());

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(handler.handled()).singleElement().satisfies(w -> {
      assertThat(w.deliveryId()).isEqualTo("delivery-1");
      assertThat(w.source()).isEqualTo("github");
      assertThat(w.body()).isEqualTo(body);
    });
  }

  @Test
  void aFailingHandlerReportsItsRecordForRetry() throws Exception {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("consumer-lambda-retry", 10, 30);
    OrderEvents handler = new OrderEvents("delivery-9");
    try (SqsEnqueuer enqueuer = SqsEnqueuer.builder().client(SQS.asyncClient()).queueUrl(queues.queueUrl()).build()) {
      APIGatewayV2HTTPResponse accepted =
          new HttpApiReceiverFunction(receiver(enqueuer))
              .handleRequest(githubEvent("delivery-9", "{}".getBytes(StandardCharsets.UTF_8), SECRET), context());
      assertThat(accepted.getStatusCode()).isEqualTo(202);
    }

    Message message = receiveOne(queues.queueUrl());
    SQSBatchResponse response =
        batchFunction(handler, queues.dlqUrl()).handleRequest(sqsEvent(queues.queueUrl(), message), context());

    // Lambda returns a reported record to the queue; the others it deletes.
    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(message.messageId());
    assertThat(handler.handled()).isEmpty();
  }

  private static WebhookReceiver receiver(SqsEnqueuer enqueuer) {
    return WebhookReceiver.builder()
        .addSource(
            WebhookSource.builder()
                .name("github")
                .verifier(GitHubVerifier.builder().addSecret(SECRET).build())
                .build())
        .sink(enqueuer)
        .build();
  }

  private static SqsBatchFunction batchFunction(OrderEvents handler, String dlqUrl) {
    return SqsBatchFunction.builder()
        .client(SQS.asyncClient())
        .processor(WebhookProcessor.builder().handler(handler).build())
        .deadLetterQueueUrl(dlqUrl)
        .build();
  }

  private static APIGatewayV2HTTPEvent githubEvent(String deliveryId, byte[] body, String secret) throws IOException {
    String signature =
        SignedRequest.github(secret).id(deliveryId).body(body).build().headers().first("X-Hub-Signature-256")
            .orElseThrow();
    return parse(
        fill(
            "apigw-http-v2-github.json",
            Map.of(
                "DELIVERY_ID", deliveryId,
                "SIGNATURE", signature,
                "BODY", Base64.getEncoder().encodeToString(body))),
        APIGatewayV2HTTPEvent.class);
  }

  /** The SQS event Lambda would deliver for a message really received from the queue. */
  private static SQSEvent sqsEvent(String queueUrl, Message m) throws IOException {
    return parse(
        fill(
            "sqs-record.json",
            Map.of(
                "MESSAGE_ID", m.messageId(),
                "RECEIPT_HANDLE", m.receiptHandle(),
                "BODY", m.body(),
                "RECEIVE_COUNT", m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT),
                "SENT_TIMESTAMP", m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP),
                "MD5_OF_BODY", m.md5OfBody(),
                "QUEUE_ARN", SQS.queueArn(queueUrl))),
        SQSEvent.class);
  }

  private static Message receiveOne(String queueUrl) {
    List<Message> received = new ArrayList<>();
    for (int polls = 0; polls < 10 && received.isEmpty(); polls++) {
      received.addAll(
          SQS.syncClient()
              .receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .waitTimeSeconds(1)
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                          .messageAttributeNames("All"))
              .messages());
    }
    assertThat(received).as("messages on " + queueUrl).hasSize(1);
    return received.get(0);
  }

  /** Fills each {@code ${NAME}} of an event template with a JSON-escaped value. */
  private static String fill(String template, Map<String, String> values) throws IOException {
    String json;
    try (InputStream in = LambdaFunctionsTest.class.getResourceAsStream("/events/" + template)) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      String quoted = JSON.writeValueAsString(e.getValue());
      json = json.replace("${" + e.getKey() + "}", quoted.substring(1, quoted.length() - 1));
    }
    assertThat(json).as("unfilled placeholders").doesNotContain("${");
    return json;
  }

  /** Reads an event as the managed Java runtime does. */
  private static <T> T parse(String json, Class<T> type) {
    return LambdaEventSerializers.serializerFor(type, LambdaFunctionsTest.class.getClassLoader()).fromJson(json);
  }

  /** An invocation with 30 s left. */
  private static Context context() {
    return new Context() {
      @Override
      public String getAwsRequestId() {
        return "c6af9ac6-7b61-11e6-9a41-93e812345678";
      }

      @Override
      public String getLogGroupName() {
        return "/aws/lambda/orders";
      }

      @Override
      public String getLogStreamName() {
        return "2026/12/02/[$LATEST]0123456789abcdef";
      }

      @Override
      public String getFunctionName() {
        return "orders";
      }

      @Override
      public String getFunctionVersion() {
        return "$LATEST";
      }

      @Override
      public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:orders";
      }

      @Override
      public CognitoIdentity getIdentity() {
        return null;
      }

      @Override
      public ClientContext getClientContext() {
        return null;
      }

      @Override
      public int getRemainingTimeInMillis() {
        return 30_000;
      }

      @Override
      public int getMemoryLimitInMB() {
        return 512;
      }

      @Override
      public LambdaLogger getLogger() {
        return new LambdaLogger() {
          @Override
          public void log(String message) {}

          @Override
          public void log(byte[] message) {}
        };
      }
    };
  }
}
