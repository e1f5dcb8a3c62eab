package dev.hookline.examples.spring;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.Providers;
import dev.hookline.sqs.SqsConsumerConfig;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.sqs.SqsEnqueuer;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/**
 * Wires Hookline from {@link HooklineProperties}: the SQS client, the enqueuer (the receiver's sink), the receiver,
 * and the consumer runner with its processor and handler.
 *
 * <p>Spring closes the beans it created here in reverse order of creation: the runner's lifecycle stops first (no
 * more receives, in-flight messages finish), then the enqueuer (pending sends finish), then the client.
 */
@Configuration(proxyBeanMethods = false)
public class HooklineConfiguration {

  /** Created by Spring. */
  public HooklineConfiguration() {}

  /**
   * The SQS client shared by the enqueuer and the runner. Credentials come from the SDK's default chain (environment,
   * profile, container or instance role).
   *
   * @param properties the settings
   * @return the client; Spring closes it
   */
  @Bean(destroyMethod = "close")
  public SqsAsyncClient sqsAsyncClient(HooklineProperties properties) {
    SqsAsyncClientBuilder builder = SqsAsyncClient.builder().region(Region.of(properties.getRegion()));
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
   * @param listener metrics listener, if the application defines one
   * @return the enqueuer; Spring closes it
   */
  @Bean(destroyMethod = "close")
  public SqsEnqueuer sqsEnqueuer(
      SqsAsyncClient sqs, HooklineProperties properties, ObjectProvider<PipelineListener> listener) {
    return SqsEnqueuer.builder()
        .client(sqs)
        .queueUrl(required(properties.getQueueUrl(), "hookline.queue-url"))
        .listener(listener.getIfAvailable(() -> PipelineListener.NONE))
        .build();
  }

  /**
   * The receiver: one source per {@code hookline.sources.<name>}.
   *
   * @param enqueuer the sink
   * @param properties the settings
   * @param listener metrics listener, if the application defines one
   * @return the receiver (immutable, nothing to close)
   */
  @Bean
  public WebhookReceiver webhookReceiver(
      SqsEnqueuer enqueuer, HooklineProperties properties, ObjectProvider<PipelineListener> listener) {
    WebhookReceiver.Builder builder =
        WebhookReceiver.builder().sink(enqueuer).listener(listener.getIfAvailable(() -> PipelineListener.NONE));
    if (properties.getSources().isEmpty()) {
      throw new IllegalArgumentException("hookline.sources must configure at least one source");
    }
    for (Map.Entry<String, HooklineProperties.Source> e : properties.getSources().entrySet()) {
      WebhookSource.Builder source = source(e.getKey(), e.getValue());
      if (!e.getValue().getContentTypes().isEmpty()) {
        source.contentTypes(e.getValue().getContentTypes());
      }
      builder.addSource(source.build());
    }
    return builder.build();
  }

  /**
   * The example handler; replace this bean with your own.
   *
   * @return the handler
   */
  @Bean
  public WebhookHandler webhookHandler() {
    return new LoggingWebhookHandler();
  }

  /**
   * The consumer runner, started and stopped with the application context.
   *
   * @param sqs the client
   * @param properties the settings
   * @param handler the handler
   * @param listener metrics listener, if the application defines one
   * @return the lifecycle that owns the runner
   */
  @Bean
  public ConsumerLifecycle consumerLifecycle(
      SqsAsyncClient sqs,
      HooklineProperties properties,
      WebhookHandler handler,
      ObjectProvider<PipelineListener> listener) {
    PipelineListener events = listener.getIfAvailable(() -> PipelineListener.NONE);
    HooklineProperties.Consumer consumer = properties.getConsumer();
    WebhookProcessor processor =
        WebhookProcessor.builder()
            .handler(handler)
            .retryPolicy(RetryPolicy.builder().maxAttempts(consumer.getMaxAttempts()).build())
            .listener(events)
            .build();
    SqsConsumerRunner runner =
        SqsConsumerRunner.builder()
            .client(sqs)
            .config(
                SqsConsumerConfig.builder()
                    .queueUrl(required(properties.getQueueUrl(), "hookline.queue-url"))
                    .deadLetterQueueUrl(required(properties.getDlqUrl(), "hookline.dlq-url"))
                    .maxInFlight(consumer.getMaxInFlight())
                    .waitTime(consumer.getWaitTime())
                    .listener(events)
                    .build())
            .processor(processor)
            .build();
    return new ConsumerLifecycle(runner);
  }

  /** The source from its provider preset: verifier, URL handshake and content types. */
  private static WebhookSource.Builder source(String name, HooklineProperties.Source source) {
    String provider =
        required(
            source.getProvider() != null ? source.getProvider() : source.getScheme(),
            "hookline.sources." + name + ".provider");
    String secret = required(source.getSecret(), "hookline.sources." + name + ".secret");
    try {
      return Providers.get(provider).source(name, secret);
    } catch (IllegalArgumentException e) {
      // "provider must be one of ..." or "secret must be ...": never the secret itself.
      throw new IllegalArgumentException("hookline.sources." + name + ": " + e.getMessage(), e);
    }
  }

  private static String required(String value, String property) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(property + " must be set");
    }
    return value;
  }
}
