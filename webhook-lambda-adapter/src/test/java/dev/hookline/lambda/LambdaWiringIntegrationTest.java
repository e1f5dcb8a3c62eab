package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.hookline.core.Attempt;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import dev.hookline.testkit.ElasticMqExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;

/** The functions configured from environment variables, as the no-argument constructors do. */
class LambdaWiringIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  /** Handled webhooks of {@link RecordingHandler}, which the runtime would create by name. */
  static final List<String> HANDLED = new CopyOnWriteArrayList<>();

  /** A handler named by {@code HOOKLINE_HANDLER}. */
  public static final class RecordingHandler implements WebhookHandler {
    /** Creates the handler. */
    public RecordingHandler() {}

    @Override
    public void handle(Webhook webhook, Attempt attempt) {
      HANDLED.add(webhook.deliveryId());
    }
  }

  /** Not a handler. */
  public static final class NotAHandler {}

  /** A handler without a no-argument constructor. */
  public static final class NeedsArguments implements WebhookHandler {
    /**
     * Creates the handler.
     *
     * @param name ignored
     */
    public NeedsArguments(String name) {}

    @Override
    public void handle(Webhook webhook, Attempt attempt) {}
  }

  @Test
  void receiverFunctionFromEnvironmentEnqueues() {
    String queueUrl = SQS.createQueue("env-receiver");
    LambdaEnvironment env =
        new LambdaEnvironment(
            Map.of(
                "HOOKLINE_QUEUE_URL", queueUrl,
                "HOOKLINE_SOURCES", "github:github",
                "HOOKLINE_SECRET_GITHUB", "It's a Secret to Everybody",
                "HOOKLINE_BUDGET_MARGIN_MILLIS", "800"));
    HttpApiReceiverFunction function = new HttpApiReceiverFunction(env, SQS::asyncClient);
    byte[] body = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> values = new HashMap<>(HttpApiReceiverFunctionTest.signed(body));

    APIGatewayV2HTTPEvent event = Events.load("apigw-http-v2-github.json", values, APIGatewayV2HTTPEvent.class);

    assertThat(function.budgetMargin()).isEqualTo(Duration.ofMillis(800));
    assertThat(function.handleRequest(event, TestContext.plenty()).getStatusCode()).isEqualTo(202);
    assertThat(SqsEvents.receive(SQS.syncClient(), queueUrl, 1, Duration.ofSeconds(10))).hasSize(1);
  }

  @Test
  void receiverFunctionNeedsQueueUrl() {
    LambdaEnvironment env = new LambdaEnvironment(Map.of("HOOKLINE_SOURCES", "github:github"));

    assertThatThrownBy(() -> new RestApiReceiverFunction(env, SQS::asyncClient))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("HOOKLINE_QUEUE_URL must be set");
  }

  @Test
  void batchFunctionFromEnvironmentInstantiatesTheNamedHandler() {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("env-batch", 10, 30);
    LambdaEnvironment env =
        new LambdaEnvironment(
            Map.of(
                "HOOKLINE_DLQ_URL", queues.dlqUrl(),
                "HOOKLINE_QUEUE_URL", queues.queueUrl(),
                "HOOKLINE_HANDLER", RecordingHandler.class.getName(),
                "HOOKLINE_MAX_ATTEMPTS", "4",
                "HOOKLINE_TIME_MARGIN_MILLIS", "1000"));
    SqsBatchFunction function = LambdaWiring.sqsBatchFunction(env, null, SQS::asyncClient).build();
    String envelope =
        dev.hookline.core.envelope.EnvelopeCodec.defaults()
            .encode(
                Webhook.builder()
                    .deliveryId("env-1")
                    .source("github")
                    .receivedAt(java.time.Instant.parse("2026-11-28T14:00:00Z"))
                    .body("{}".getBytes(StandardCharsets.UTF_8))
                    .build())
            .body();
    SQS.syncClient().sendMessage(b -> b.queueUrl(queues.queueUrl()).messageBody(envelope));
    List<Message> received = SqsEvents.receive(SQS.syncClient(), queues.queueUrl(), 1, Duration.ofSeconds(10));

    SQSBatchResponse response =
        function.handleRequest(
            SqsEvents.event("sqs-standard.json", SQS.queueArn(queues.queueUrl()), received), TestContext.plenty());

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(HANDLED).contains("env-1");
  }

  @Test
  void handlerVariableErrorsNameTheVariable() {
    assertThatThrownBy(() -> LambdaWiring.instantiate("com.example.Missing"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("HOOKLINE_HANDLER");
    assertThatThrownBy(() -> LambdaWiring.instantiate(NotAHandler.class.getName()))
        .hasMessageStartingWith("HOOKLINE_HANDLER must name a dev.hookline.core.WebhookHandler");
    assertThatThrownBy(() -> LambdaWiring.instantiate(NeedsArguments.class.getName()))
        .hasMessageStartingWith("HOOKLINE_HANDLER must name a class with a public no-argument constructor");
    assertThat(LambdaWiring.instantiate(RecordingHandler.class.getName())).isInstanceOf(RecordingHandler.class);
  }

  @Test
  void batchFunctionVariablesAreChecked() {
    assertThatThrownBy(() -> LambdaWiring.sqsBatchFunction(new LambdaEnvironment(Map.of()), null, SQS::asyncClient))
        .hasMessage("HOOKLINE_DLQ_URL must be set");
    assertThatThrownBy(
            () ->
                LambdaWiring.sqsBatchFunction(
                    new LambdaEnvironment(Map.of("HOOKLINE_DLQ_URL", "http://127.0.0.1/1/dlq")), null, SQS::asyncClient))
        .hasMessage("HOOKLINE_HANDLER must be set");
    assertThatThrownBy(
            () ->
                LambdaWiring.sqsBatchFunction(
                    new LambdaEnvironment(
                        Map.of("HOOKLINE_DLQ_URL", "http://127.0.0.1/1/dlq", "HOOKLINE_MAX_ATTEMPTS", "0")),
                    new RecordingHandler(),
                    SQS::asyncClient))
        .hasMessageStartingWith("HOOKLINE_MAX_ATTEMPTS");
  }
}
