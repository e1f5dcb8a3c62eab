package dev.hookline.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.Attempt;
import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.Tracing;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.opentelemetry.OpenTelemetryTracing;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.ElasticMqExtension.QueuePair;
import dev.hookline.testkit.SignedRequest;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The auto-configuration's beans: which exist for which properties and application beans, that the application's own
 * replace them, and that a wrong property fails startup with a message naming it. Runs on Spring Boot 3.5 here and on
 * 4.0 in hookline-spring-boot-starter-boot4-tests, so it uses no API that moved between the two.
 */
class HooklineAutoConfigurationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final String SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private static QueuePair queues;

  @BeforeAll
  static void queues() {
    // The SDK's default credential chain reads these; ElasticMQ accepts any credentials.
    System.setProperty("aws.accessKeyId", "hookline");
    System.setProperty("aws.secretAccessKey", "hookline");
    queues = SQS.createQueueWithDlq("starter", 10, 30);
  }

  private static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HooklineAutoConfiguration.class))
        .withPropertyValues(properties());
  }

  private static String[] properties() {
    return new String[] {
      "hookline.region=us-east-1",
      "hookline.endpoint=" + SQS.server().endpoint(),
      "hookline.queue-url=" + queues.queueUrl(),
      "hookline.dlq-url=" + queues.dlqUrl(),
      "hookline.sources.demo.provider=standard-webhooks",
      "hookline.sources.demo.secret=" + SECRET,
      "hookline.consumer.wait-time=1s"
    };
  }

  @Test
  void receiveSideBeansExistWithoutAHandler() {
    runner()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context)
                  .hasSingleBean(SqsAsyncClient.class)
                  .hasSingleBean(SqsEnqueuer.class)
                  .hasSingleBean(EnqueuerLifecycle.class)
                  .hasSingleBean(WebhookReceiver.class)
                  .doesNotHaveBean(SqsConsumerRunner.class)
                  .doesNotHaveBean(ConsumerLifecycle.class)
                  // Not a web application.
                  .doesNotHaveBean(WebhookController.class);
              assertThat(context.getBean(WebhookReceiver.class).source("demo")).isPresent();
              assertThat(context.getBean(SqsEnqueuer.class).queueUrl()).isEqualTo(queues.queueUrl());
              assertThat(context.getBean(EnqueuerLifecycle.class).isRunning()).isTrue();
            });
  }

  @Test
  void theHandlerBeanGetsARunningConsumer() {
    runner()
        .withUserConfiguration(HandlerConfig.class)
        .withPropertyValues("hookline.consumer.max-in-flight=4", "hookline.consumer.pollers=2")
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(SqsConsumerRunner.class);
              SqsConsumerRunner runner = context.getBean(SqsConsumerRunner.class);
              assertThat(runner.config().maxInFlight()).isEqualTo(4);
              assertThat(runner.config().pollers()).isEqualTo(2);
              assertThat(runner.config().deadLetterQueueUrl()).isEqualTo(queues.dlqUrl());
              assertThat(context.getBean(ConsumerLifecycle.class).isRunning()).isTrue();
              assertThat(runner.isRunning()).isTrue();
            });
  }

  @Test
  void consumerDisabledMeansNoRunnerEvenWithAHandler() {
    runner()
        .withUserConfiguration(HandlerConfig.class)
        .withPropertyValues("hookline.consumer.enabled=false", "hookline.dlq-url=")
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(SqsEnqueuer.class)
                    .doesNotHaveBean(SqsConsumerRunner.class)
                    .doesNotHaveBean(ConsumerLifecycle.class));
  }

  @Test
  void theApplicationsOwnBeansReplaceHooklines() {
    runner()
        .withUserConfiguration(OwnBeansConfig.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(SqsAsyncClient.class).hasSingleBean(WebhookReceiver.class);
              assertThat(context).getBean("ownSqs").isSameAs(context.getBean(SqsAsyncClient.class));
              assertThat(context).getBean("ownReceiver").isSameAs(context.getBean(WebhookReceiver.class));
              assertThat(context).doesNotHaveBean("hooklineSqsAsyncClient").doesNotHaveBean("hooklineWebhookReceiver");
            });
  }

  @Test
  void anOwnEnqueuerIsTheOneTheLifecycleCloses() {
    runner()
        .withUserConfiguration(OwnEnqueuerConfig.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(SqsEnqueuer.class);
              SqsEnqueuer own = context.getBean("ownEnqueuer", SqsEnqueuer.class);
              assertThat(context.getBean(EnqueuerLifecycle.class).enqueuer()).isSameAs(own);
              assertThat(own.queueUrl()).endsWith("-own");
            });
  }

  @Test
  void aWebApplicationGetsTheRoute() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HooklineAutoConfiguration.class))
        .withPropertyValues(properties())
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(WebhookController.class));
  }

  @Test
  void anOwnControllerReplacesTheRoute() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HooklineAutoConfiguration.class))
        .withPropertyValues(properties())
        .withUserConfiguration(OwnControllerConfig.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(WebhookController.class);
              assertThat(context).hasBean("ownController").doesNotHaveBean("hooklineWebhookController");
            });
  }

  @Test
  void healthIsUpWhileTheSinkAcceptsAndTheConsumerRuns() {
    runner()
        .withUserConfiguration(HandlerConfig.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasBean("hooklineHealthIndicator");
              Object indicator = context.getBean("hooklineHealthIndicator");
              assertThat(Health.status(indicator)).isEqualTo("UP");
              assertThat(Health.details(indicator))
                  .containsEntry("sink.accepting", true)
                  .containsEntry("consumer.running", true);

              context.getBean(ConsumerLifecycle.class).stop();
              assertThat(Health.status(indicator)).isEqualTo("DOWN");
              assertThat(Health.details(indicator)).containsEntry("consumer.running", false);
              context.getBean(EnqueuerLifecycle.class).stop();
              assertThat(Health.details(indicator)).containsEntry("sink.accepting", false);
            });
  }

  @Test
  void healthIndicatorCanBeTurnedOffAndNeedsActuator() {
    runner()
        .withPropertyValues("management.health.hookline.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("hooklineHealthIndicator"));
    runner()
        .withClassLoader(
            new FilteredClassLoader(
                "org.springframework.boot.actuate.health", "org.springframework.boot.health.contributor"))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("hooklineHealthIndicator"));
  }

  @Test
  void theConsumerStopsFirstAndTheEnqueuerLast() {
    // Spring Boot's web server lifecycles (3.5 and 4.0): graceful shutdown, which waits for in-flight requests, at
    // DEFAULT_PHASE - 1024; the server's own stop at DEFAULT_PHASE - 2048. Higher phases stop first.
    // SpringBootApplicationTest checks these against the running server's beans.
    assertThat(ConsumerLifecycle.PHASE).isGreaterThan(SmartLifecycle.DEFAULT_PHASE - 1024);
    assertThat(EnqueuerLifecycle.PHASE).isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048);
  }

  @Test
  void missingQueueUrlNamesTheProperty() {
    runner()
        .withPropertyValues("hookline.queue-url=")
        .run(context -> assertFailure(context, "hookline.queue-url must be set"));
  }

  @Test
  void missingDlqUrlNamesThePropertyWhenTheConsumerRuns() {
    runner()
        .withUserConfiguration(HandlerConfig.class)
        .withPropertyValues("hookline.dlq-url=")
        .run(context -> assertFailure(context, "hookline.dlq-url must be set"));
  }

  @Test
  void noSourceNamesTheProperty() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HooklineAutoConfiguration.class))
        .withPropertyValues(
            "hookline.region=us-east-1",
            "hookline.endpoint=" + SQS.server().endpoint(),
            "hookline.queue-url=" + queues.queueUrl())
        .run(context -> assertFailure(context, "hookline.sources must configure at least one source"));
  }

  @Test
  void sourceErrorsNameTheSourcesProperty() {
    runner()
        .withPropertyValues("hookline.sources.gh.provider=github")
        .run(context -> assertFailure(context, "hookline.sources.gh.secret must be set"));
    runner()
        .withPropertyValues("hookline.sources.gh.secret=s3cret-value")
        .run(context -> assertFailure(context, "hookline.sources.gh.provider must be set"));
    runner()
        .withPropertyValues("hookline.sources.gh.provider=gitbub", "hookline.sources.gh.secret=s3cret-value")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(firstIllegalArgument(context.getStartupFailure()))
                  .hasMessageStartingWith("hookline.sources.gh: provider must be one of ")
                  .hasMessageNotContaining("s3cret-value");
            });
  }

  @Test
  void consumerSettingsNameTheProperty() {
    runner()
        .withUserConfiguration(HandlerConfig.class)
        .withPropertyValues("hookline.consumer.max-in-flight=0")
        .run(context -> assertFailure(context, "hookline.consumer.max-in-flight must be >= 1, was 0"));
    runner()
        .withUserConfiguration(HandlerConfig.class)
        .withPropertyValues("hookline.consumer.pollers=11")
        .run(
            context ->
                assertFailure(
                    context, "hookline.consumer.pollers must be <= hookline.consumer.max-in-flight (10), was 11"));
    runner()
        .withUserConfiguration(HandlerConfig.class)
        .withPropertyValues("hookline.consumer.wait-time=21s")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(firstIllegalArgument(context.getStartupFailure()))
                  .hasMessageStartingWith("hookline.consumer: waitTime");
            });
  }

  @Test
  void routePathWithoutTheSourceNamesTheProperty() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HooklineAutoConfiguration.class))
        .withPropertyValues(properties())
        .withPropertyValues("hookline.route.path=/webhooks")
        .run(
            context ->
                assertFailure(context, "hookline.route.path must start with / and contain {source}, was '/webhooks'"));
  }

  @Test
  void anOpenTelemetryBeanTracesTheReceiveAndTheSend() {
    runner()
        .withUserConfiguration(OpenTelemetryConfig.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(Tracing.class);
              assertThat(context.getBean(Tracing.class)).isInstanceOf(OpenTelemetryTracing.class);
              ReceiveResult result =
                  context
                      .getBean(WebhookReceiver.class)
                      .receiveBlocking(
                          "demo", SignedRequest.standardWebhooks(SECRET).id("msg_traced").body("{}").build());

              assertThat(result.status()).isEqualTo(202);
              String queueName = queues.queueUrl().substring(queues.queueUrl().lastIndexOf('/') + 1);
              // The send span ends on the SDK's thread once SQS answered, which may be after the receive returned.
              Await.untilAsserted(
                  Duration.ofSeconds(30),
                  () ->
                      assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems())
                          .extracting(SpanData::getName)
                          .contains("receive demo", "send " + queueName));
            });
  }

  @Test
  void withoutOpenTelemetryTracingIsOffAndAnOwnTracingBeanWins() {
    runner().run(context -> assertThat(context).hasNotFailed().getBean(Tracing.class).isSameAs(Tracing.NONE));
    runner()
        .withClassLoader(new FilteredClassLoader("dev.hookline.opentelemetry"))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Tracing.class));
    List<String> received = new CopyOnWriteArrayList<>();
    runner()
        .withBean(
            "ownTracing",
            Tracing.class,
            () ->
                new Tracing() {
                  @Override
                  public ReceiveSpan receive(String source, InboundRequest request) {
                    received.add(source);
                    return ReceiveSpan.NONE;
                  }
                })
        .withUserConfiguration(OpenTelemetryConfig.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(Tracing.class).doesNotHaveBean("hooklineTracing");
              context
                  .getBean(WebhookReceiver.class)
                  .receiveBlocking("demo", SignedRequest.standardWebhooks(SECRET).id("msg_own").body("{}").build());
              assertThat(received).containsExactly("demo");
              assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems()).isEmpty();
            });
  }

  private static void assertFailure(AssertableApplicationContext context, String message) {
    assertThat(context).hasFailed();
    assertThat(firstIllegalArgument(context.getStartupFailure())).hasMessage(message);
  }

  private static void assertFailure(
      org.springframework.boot.test.context.assertj.AssertableWebApplicationContext context, String message) {
    assertThat(context).hasFailed();
    assertThat(firstIllegalArgument(context.getStartupFailure())).hasMessage(message);
  }

  /** The first IllegalArgumentException in a failure's causes: ours, which may wrap a builder's. */
  private static Throwable firstIllegalArgument(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException) {
        return t;
      }
    }
    throw new AssertionError("no IllegalArgumentException in the causes of " + failure, failure);
  }

  @Configuration(proxyBeanMethods = false)
  static class HandlerConfig {
    @Bean
    WebhookHandler handler() {
      return (Webhook webhook, Attempt attempt) -> {};
    }
  }

  /** An application's OpenTelemetry SDK, exporting to memory. */
  @Configuration(proxyBeanMethods = false)
  static class OpenTelemetryConfig {
    @Bean
    InMemorySpanExporter spans() {
      return InMemorySpanExporter.create();
    }

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry(InMemorySpanExporter spans) {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
          .build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBeansConfig {
    @Bean(destroyMethod = "")
    SqsAsyncClient ownSqs() {
      return SQS.asyncClient();
    }

    @Bean
    WebhookReceiver ownReceiver() {
      return WebhookReceiver.builder()
          .addSource(dev.hookline.core.signature.Providers.get("github").source("own", "secret").build())
          .sink(InMemoryWebhookSink.builder().build())
          .build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnEnqueuerConfig {
    @Bean
    SqsEnqueuer ownEnqueuer() {
      return SqsEnqueuer.builder().client(SQS.asyncClient()).queueUrl(queues.queueUrl() + "-own").build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnControllerConfig {
    @Bean
    WebhookController ownController(WebhookReceiver receiver) {
      return new WebhookController(receiver);
    }
  }

  /** Reads a health indicator's result without naming its type, which moved between Spring Boot 3 and 4. */
  static final class Health {
    private Health() {}

    static String status(Object indicator) throws Exception {
      Object health = indicator.getClass().getMethod("health").invoke(indicator);
      Object status = health.getClass().getMethod("getStatus").invoke(health);
      return (String) status.getClass().getMethod("getCode").invoke(status);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> details(Object indicator) throws Exception {
      Object health = indicator.getClass().getMethod("health").invoke(indicator);
      return (Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health);
    }
  }
}
