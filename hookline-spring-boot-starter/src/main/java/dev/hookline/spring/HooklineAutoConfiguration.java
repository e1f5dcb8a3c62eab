package dev.hookline.spring;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.Tracing;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.idempotency.IdempotencyStore;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.Providers;
import dev.hookline.opentelemetry.OpenTelemetryTracing;
import io.opentelemetry.api.OpenTelemetry;
import dev.hookline.sqs.SqsClients;
import dev.hookline.sqs.SqsConsumerConfig;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.sqs.SqsEnqueuer;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/**
 * Wires Hookline from {@link HooklineProperties}. Every bean is created only when the application has none of its
 * type, so any of them can be replaced by defining your own:
 *
 * <ul>
 *   <li>{@link SqsAsyncClient}: region and endpoint from {@code hookline.region} and {@code hookline.endpoint},
 *       credentials from the SDK's default chain, on the AWS CRT HTTP client when {@code aws-crt-client} is on the
 *       classpath ({@link SqsClients}); Spring closes it (never one you define);
 *   <li>{@link SqsEnqueuer} on {@code hookline.queue-url}, and its {@link EnqueuerLifecycle}, which closes it after
 *       the web server has answered its in-flight requests;
 *   <li>{@link WebhookReceiver} with one source per {@code hookline.sources.<name>}, sinking into the enqueuer;
 *   <li>{@link WebhookController} on {@code hookline.route.path} (default {@code /webhooks/{source}}) in a Spring MVC
 *       application;
 *   <li>{@link SqsConsumerRunner} calling your {@link WebhookHandler} bean (with your {@code IdempotencyStore} bean,
 *       if you define one), and its {@link ConsumerLifecycle}, which
 *       stops it before the web server drains; only when such a bean exists and {@code hookline.consumer.enabled} is
 *       not false;
 *   <li>a health indicator {@code hookline} (sink accepting, consumer running) when Spring Boot Actuator is present,
 *       unless {@code management.health.hookline.enabled=false}.
 * </ul>
 *
 * <p>Your {@link PipelineListener} beans, if any, receive the receiver's, the enqueuer's and the consumer's events.
 * Your {@link Tracing} bean, if you define one, traces the receive, the send and every attempt; otherwise, when
 * {@code webhook-opentelemetry} is on the classpath and the application has an {@link OpenTelemetry} bean (Spring Boot
 * defines one with {@code micrometer-tracing-bridge-otel}, or define your own), a {@link Tracing} bean on it is
 * created ({@link OpenTelemetryTracing}); define {@code Tracing.NONE} as your bean to turn tracing off. Runs after Spring Cloud AWS's SQS auto-configuration, so its {@code SqsAsyncClient} is used when present.
 */
@AutoConfiguration(afterName = "io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration")
@ConditionalOnClass({SqsEnqueuer.class, SqsAsyncClient.class})
@EnableConfigurationProperties(HooklineProperties.class)
public class HooklineAutoConfiguration {

  /** Created by Spring. */
  public HooklineAutoConfiguration() {}

  /**
   * The SQS client shared by the enqueuer and the consumer, on the AWS CRT HTTP client when the application has
   * {@code aws-crt-client} on its classpath, else on the SDK's default (see {@link SqsClients}).
   *
   * @param properties the settings
   * @param resourceLoader where to look for {@code aws-crt-client}: the application's class loader
   * @return the client; Spring closes it after every lifecycle has stopped
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public SqsAsyncClient hooklineSqsAsyncClient(HooklineProperties properties, ResourceLoader resourceLoader) {
    ClassLoader classLoader = resourceLoader.getClassLoader();
    SqsAsyncClientBuilder builder =
        classLoader != null ? SqsClients.asyncClientBuilder(classLoader) : SqsClients.asyncClientBuilder();
    if (properties.getRegion() != null && !properties.getRegion().isBlank()) {
      builder.region(Region.of(properties.getRegion()));
    }
    if (properties.getEndpoint() != null) {
      builder.endpointOverride(properties.getEndpoint());
    }
    return builder.build();
  }

  /**
   * Sends accepted webhooks to the queue; the receiver answers 202 only once SQS has them.
   *
   * @param sqs the client
   * @param properties the settings
   * @param listeners the application's listeners
   * @param tracing the tracing hook, if there is one
   * @return the enqueuer; {@link EnqueuerLifecycle} closes it
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public SqsEnqueuer hooklineSqsEnqueuer(
      SqsAsyncClient sqs,
      HooklineProperties properties,
      ObjectProvider<PipelineListener> listeners,
      ObjectProvider<Tracing> tracing) {
    return SqsEnqueuer.builder()
        .client(sqs)
        .queueUrl(required(properties.getQueueUrl(), "hookline.queue-url"))
        .listener(listener(listeners))
        .tracing(tracing(tracing))
        .build();
  }

  /**
   * Closes the enqueuer once in-flight requests are answered.
   *
   * @param enqueuer the enqueuer, Hookline's or yours
   * @return the lifecycle
   */
  @Bean
  @ConditionalOnMissingBean
  public EnqueuerLifecycle hooklineEnqueuerLifecycle(SqsEnqueuer enqueuer) {
    return new EnqueuerLifecycle(enqueuer);
  }

  /**
   * The receiver: one source per {@code hookline.sources.<name>}, from its provider preset.
   *
   * @param enqueuer the sink
   * @param properties the settings
   * @param listeners the application's listeners
   * @param tracing the tracing hook, if there is one
   * @return the receiver (immutable, nothing to close)
   */
  @Bean
  @ConditionalOnMissingBean
  public WebhookReceiver hooklineWebhookReceiver(
      SqsEnqueuer enqueuer,
      HooklineProperties properties,
      ObjectProvider<PipelineListener> listeners,
      ObjectProvider<Tracing> tracing) {
    if (properties.getSources().isEmpty()) {
      throw new IllegalArgumentException("hookline.sources must configure at least one source");
    }
    WebhookReceiver.Builder builder =
        WebhookReceiver.builder().sink(enqueuer).listener(listener(listeners)).tracing(tracing(tracing));
    for (Map.Entry<String, HooklineProperties.Source> e : properties.getSources().entrySet()) {
      builder.addSource(source(e.getKey(), e.getValue()));
    }
    return builder.build();
  }

  /**
   * The consumer runner, calling the application's handler.
   *
   * @param sqs the client
   * @param properties the settings
   * @param handler the application's handler
   * @param idempotencyStore the application's store, if it defines one (for example a shared DynamoDB or JDBC store,
   *     so that a fleet handles each delivery once); none by default
   * @param listeners the application's listeners
   * @param tracing the tracing hook, if there is one
   * @return the runner, not started; {@link ConsumerLifecycle} starts and closes it
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnBean(WebhookHandler.class)
  @ConditionalOnProperty(prefix = "hookline.consumer", name = "enabled", matchIfMissing = true)
  public SqsConsumerRunner hooklineSqsConsumerRunner(
      SqsAsyncClient sqs,
      HooklineProperties properties,
      WebhookHandler handler,
      ObjectProvider<IdempotencyStore> idempotencyStore,
      ObjectProvider<PipelineListener> listeners,
      ObjectProvider<Tracing> tracing) {
    PipelineListener events = listener(listeners);
    HooklineProperties.Consumer consumer = properties.getConsumer();
    String queueUrl = required(properties.getQueueUrl(), "hookline.queue-url");
    String dlqUrl = required(properties.getDlqUrl(), "hookline.dlq-url");
    atLeastOne(consumer.getMaxInFlight(), "hookline.consumer.max-in-flight");
    atLeastOne(consumer.getPollers(), "hookline.consumer.pollers");
    atLeastOne(consumer.getMaxAttempts(), "hookline.consumer.max-attempts");
    if (consumer.getPollers() > consumer.getMaxInFlight()) {
      throw new IllegalArgumentException(
          "hookline.consumer.pollers must be <= hookline.consumer.max-in-flight ("
              + consumer.getMaxInFlight()
              + "), was "
              + consumer.getPollers());
    }
    SqsConsumerConfig config;
    try {
      config =
          SqsConsumerConfig.builder()
              .queueUrl(queueUrl)
              .deadLetterQueueUrl(dlqUrl)
              .maxInFlight(consumer.getMaxInFlight())
              .pollers(consumer.getPollers())
              .waitTime(required(consumer.getWaitTime(), "hookline.consumer.wait-time"))
              .shutdownTimeout(required(consumer.getShutdownTimeout(), "hookline.consumer.shutdown-timeout"))
              .listener(events)
              .build();
    } catch (IllegalArgumentException e) {
      // "waitTime must be ...": the builder's field, under the properties' prefix.
      throw new IllegalArgumentException("hookline.consumer: " + e.getMessage(), e);
    }
    WebhookProcessor.Builder processor =
        WebhookProcessor.builder()
            .handler(handler)
            .retryPolicy(RetryPolicy.builder().maxAttempts(consumer.getMaxAttempts()).build())
            .listener(events)
            .tracing(tracing(tracing));
    idempotencyStore.ifUnique(processor::idempotencyStore);
    return SqsConsumerRunner.builder().client(sqs).config(config).processor(processor.build()).build();
  }

  /**
   * Starts the runner after the web server and stops it before the web server drains.
   *
   * @param runner the runner, Hookline's or yours
   * @return the lifecycle
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(SqsConsumerRunner.class)
  public ConsumerLifecycle hooklineConsumerLifecycle(SqsConsumerRunner runner) {
    return new ConsumerLifecycle(runner);
  }

  /** Tracing on the application's OpenTelemetry, when webhook-opentelemetry is on the classpath. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"dev.hookline.opentelemetry.OpenTelemetryTracing", "io.opentelemetry.api.OpenTelemetry"})
  static class OpenTelemetryConfiguration {

    /**
     * The tracing hook on the application's {@link OpenTelemetry} bean; {@link Tracing#NONE} when it has none.
     *
     * @param openTelemetry the application's OpenTelemetry, if any
     * @return the hook
     */
    @Bean
    @ConditionalOnMissingBean(Tracing.class)
    Tracing hooklineTracing(ObjectProvider<OpenTelemetry> openTelemetry) {
      OpenTelemetry otel = openTelemetry.getIfUnique();
      return otel == null ? Tracing.NONE : OpenTelemetryTracing.of(otel);
    }
  }

  /** The route, in a Spring MVC application. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
  static class WebMvcConfiguration {

    /**
     * The controller; its mapping reads {@code hookline.route.path}.
     *
     * @param receiver the receiver
     * @param properties the settings, to check the path
     * @return the controller
     */
    @Bean
    @ConditionalOnMissingBean
    WebhookController hooklineWebhookController(WebhookReceiver receiver, HooklineProperties properties) {
      String path = properties.getRoute().getPath();
      if (path == null || !path.startsWith("/") || !path.contains(HooklineProperties.SOURCE_PLACEHOLDER)) {
        throw new IllegalArgumentException(
            "hookline.route.path must start with / and contain "
                + HooklineProperties.SOURCE_PLACEHOLDER
                + ", was '"
                + path
                + "'");
      }
      return new WebhookController(receiver);
    }
  }

  /** The health indicator on Spring Boot 3, where it lives in spring-boot-actuator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnProperty(prefix = "management.health.hookline", name = "enabled", matchIfMissing = true)
  static class ActuatorHealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "hooklineHealthIndicator")
    HooklineHealthIndicator hooklineHealthIndicator(
        ObjectProvider<EnqueuerLifecycle> enqueuer, ObjectProvider<ConsumerLifecycle> consumer) {
      return new HooklineHealthIndicator(new HooklineHealth(enqueuer, consumer));
    }
  }

  /** The health indicator on Spring Boot 4, where it moved to spring-boot-health. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(prefix = "management.health.hookline", name = "enabled", matchIfMissing = true)
  static class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "hooklineHealthIndicator")
    HooklineBoot4HealthIndicator hooklineHealthIndicator(
        ObjectProvider<EnqueuerLifecycle> enqueuer, ObjectProvider<ConsumerLifecycle> consumer) {
      return new HooklineBoot4HealthIndicator(new HooklineHealth(enqueuer, consumer));
    }
  }

  /** The source from its provider preset: verifier, URL handshake and content types. */
  private static WebhookSource source(String name, HooklineProperties.Source source) {
    String property = "hookline.sources." + name;
    String provider = required(source.getProvider(), property + ".provider");
    String secret = required(source.getSecret(), property + ".secret");
    try {
      WebhookSource.Builder builder = Providers.get(provider).source(name, secret);
      if (!source.getContentTypes().isEmpty()) {
        builder.contentTypes(source.getContentTypes());
      }
      return builder.build();
    } catch (IllegalArgumentException e) {
      // "provider must be one of ..." or "secret must be ...": never the secret itself.
      throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
    }
  }

  /** The application's listeners, in their order, as one; {@link PipelineListener#NONE} when there is none. */
  private static PipelineListener listener(ObjectProvider<PipelineListener> listeners) {
    PipelineListener[] all = listeners.orderedStream().toArray(PipelineListener[]::new);
    if (all.length == 0) {
      return PipelineListener.NONE;
    }
    return all.length == 1 ? all[0] : PipelineListener.composite(all);
  }

  /** The application's tracing hook, or {@link Tracing#NONE}. */
  private static Tracing tracing(ObjectProvider<Tracing> tracing) {
    return tracing.getIfUnique(() -> Tracing.NONE);
  }

  private static <T> T required(T value, String property) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw new IllegalArgumentException(property + " must be set");
    }
    return value;
  }

  private static void atLeastOne(int value, String property) {
    if (value < 1) {
      throw new IllegalArgumentException(property + " must be >= 1, was " + value);
    }
  }
}
