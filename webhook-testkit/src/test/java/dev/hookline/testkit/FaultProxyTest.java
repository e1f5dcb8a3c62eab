package dev.hookline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

class FaultProxyTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private FaultProxy proxy;
  private SqsClient client;
  private String queue;

  @BeforeEach
  void setUp() {
    proxy = FaultProxy.start(SQS.server().endpoint(), clock);
    // No SDK retries, so every injected fault reaches the test as it is.
    client =
        SqsClient.builder()
            .endpointOverride(proxy.endpoint())
            .region(EmbeddedSqs.REGION)
            .credentialsProvider(EmbeddedSqs.credentials())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    queue = SQS.createQueue("proxy");
  }

  @AfterEach
  void tearDown() {
    client.close();
    proxy.close();
  }

  private void send(String body) {
    client.sendMessage(b -> b.queueUrl(queue).messageBody(body));
  }

  @Test
  void forwardsUnchangedAndCountsPerAction() {
    send("héllo");
    List<Message> messages = Await.drain(client, queue);

    assertThat(messages).extracting(Message::body).containsExactly("héllo");
    assertThat(proxy.requestCount("SendMessage")).isEqualTo(1);
    assertThat(proxy.requestCount("AmazonSQS.SendMessage")).isEqualTo(1);
    assertThat(proxy.requestCount("ReceiveMessage")).isEqualTo(2);
    assertThat(proxy.faultCount("SendMessage")).isZero();
    assertThat(proxy.requests("SendMessage")).singleElement().satisfies(r -> assertThat(r.body()).contains("héllo"));
  }

  @Test
  void throttlingAnswersAreClassifiedAsThrottlingBySdk() {
    proxy.failNext(1, Fault.throttle(), "SendMessage");
    proxy.failNext(1, Fault.requestThrottled(), "SendMessage");

    AwsServiceException first = catchThrowableOfType(AwsServiceException.class, () -> send("a"));
    AwsServiceException second = catchThrowableOfType(AwsServiceException.class, () -> send("b"));

    assertThat(first.isThrottlingException()).isTrue();
    assertThat(first.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
    assertThat(first.statusCode()).isEqualTo(400);
    assertThat(second.isThrottlingException()).isTrue();
    assertThat(second.awsErrorDetails().errorCode()).isEqualTo("RequestThrottled");
    send("c");
    assertThat(Await.drain(client, queue)).extracting(Message::body).containsExactly("c");
    assertThat(proxy.faultCount("SendMessage")).isEqualTo(2);
  }

  @Test
  void serverErrorsCarryStatusAndCode() {
    proxy.failNext(2, Fault.serverError());
    proxy.failNext(1, Fault.unavailable());

    AwsServiceException e500 = catchThrowableOfType(AwsServiceException.class, () -> send("a"));
    catchThrowableOfType(AwsServiceException.class, () -> send("a"));
    AwsServiceException e503 = catchThrowableOfType(AwsServiceException.class, () -> send("a"));

    assertThat(e500.statusCode()).isEqualTo(500);
    assertThat(e500.awsErrorDetails().errorCode()).isEqualTo("InternalError");
    assertThat(e500.isThrottlingException()).isFalse();
    assertThat(e503.statusCode()).isEqualTo(503);
    assertThat(e503.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
    send("ok");
    assertThat(proxy.requestCount("SendMessage")).isEqualTo(4);
  }

  @Test
  void rulesCanTargetOneAction() {
    proxy.failAlways(Fault.serverError(), "SendMessage");

    assertThatThrownBy(() -> send("a")).isInstanceOf(AwsServiceException.class);
    assertThat(client.receiveMessage(b -> b.queueUrl(queue)).messages()).isEmpty();

    proxy.clear();
    send("b");
    assertThat(Await.drain(client, queue)).extracting(Message::body).containsExactly("b");
  }

  @Test
  void timeWindowEndsOnTheProxyClock() {
    proxy.failFor(Duration.ofSeconds(10), Fault.unavailable());

    assertThatThrownBy(() -> send("a")).isInstanceOf(AwsServiceException.class);
    clock.advance(Duration.ofSeconds(9));
    assertThatThrownBy(() -> send("a")).isInstanceOf(AwsServiceException.class);
    clock.advance(Duration.ofSeconds(1));
    send("b");

    assertThat(Await.drain(client, queue)).extracting(Message::body).containsExactly("b");
  }

  @Test
  void resetBecomesAConnectionError() {
    proxy.failNext(1, Fault.reset(), "SendMessage");

    SdkClientException e = catchThrowableOfType(SdkClientException.class, () -> send("a"));

    assertThat(e).hasRootCauseInstanceOf(IOException.class);
    send("b");
    assertThat(Await.drain(client, queue)).extracting(Message::body).containsExactly("b");
  }

  @Test
  void delayOutlastsTheCallTimeout() {
    proxy.failNext(1, Fault.delay(Duration.ofSeconds(2)), "SendMessage");

    assertThatThrownBy(
            () ->
                client.sendMessage(
                    b ->
                        b.queueUrl(queue)
                            .messageBody("slow")
                            .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(200)))))
        .isInstanceOf(ApiCallTimeoutException.class);
  }

  @Test
  void failsChosenBatchEntriesWithoutStoringThem() {
    proxy.failNext(1, Fault.failBatchEntries(2), "SendMessageBatch");

    SendMessageBatchResponse response =
        client.sendMessageBatch(
            b ->
                b.queueUrl(queue)
                    .entries(
                        SendMessageBatchRequestEntry.builder().id("a").messageBody("A").build(),
                        SendMessageBatchRequestEntry.builder().id("b").messageBody("B").build(),
                        SendMessageBatchRequestEntry.builder().id("c").messageBody("C").build()));

    assertThat(response.failed()).extracting(f -> f.id()).containsExactly("a", "b");
    assertThat(response.failed()).allSatisfy(f -> assertThat(f.senderFault()).isFalse());
    assertThat(response.successful()).extracting(s -> s.id()).containsExactly("c");
    assertThat(Await.drain(client, queue)).extracting(Message::body).containsExactly("C");
  }

  @Test
  void failingEveryEntryAnswersWithoutForwarding() {
    proxy.failNext(1, Fault.failBatchEntries(5));

    SendMessageBatchResponse response =
        client.sendMessageBatch(
            b -> b.queueUrl(queue).entries(SendMessageBatchRequestEntry.builder().id("a").messageBody("A").build()));

    assertThat(response.failed()).extracting(f -> f.id()).containsExactly("a");
    assertThat(response.successful()).isEmpty();
    assertThat(Await.drain(client, queue)).isEmpty();
  }

  @Test
  void validatesArguments() {
    assertThatThrownBy(() -> proxy.failNext(0, Fault.reset())).hasMessageStartingWith("times");
    assertThatThrownBy(() -> Fault.failBatchEntries(0)).hasMessageStartingWith("count");
    assertThatThrownBy(() -> Fault.delay(Duration.ofMillis(-1))).hasMessageStartingWith("delay");
    assertThatThrownBy(() -> Fault.error(600, "X", true)).hasMessageStartingWith("status");
  }

  @Test
  void awaitReportsTimeouts() {
    assertThatThrownBy(() -> Await.until(Duration.ofMillis(30), () -> false)).isInstanceOf(AssertionError.class);
    assertThatThrownBy(
            () -> Await.untilAsserted(Duration.ofMillis(30), () -> assertThat(1).isEqualTo(2)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("still failing");
    int[] calls = {0};
    Await.until(Duration.ofSeconds(5), () -> ++calls[0] >= 3);
    assertThat(calls[0]).isEqualTo(3);
  }
}
