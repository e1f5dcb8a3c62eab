package dev.hookline.examples.spring;

import dev.hookline.core.WebhookHandler;
import dev.hookline.micrometer.MicrometerPipelineListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The service, on top of {@code hookline-spring-boot-starter}: {@code POST /webhooks/{source}} verifies and enqueues to
 * SQS, and a consumer runner hands the queue to the {@link WebhookHandler} bean below. Everything else is
 * {@code application.yml} under {@code hookline}.
 */
@SpringBootApplication
public class WebhookApplication {

  /** Created by Spring. */
  public WebhookApplication() {}

  /**
   * The handler the starter's consumer calls; replace it with your own.
   *
   * @return the handler
   */
  @Bean
  public WebhookHandler webhookHandler() {
    return new LoggingWebhookHandler();
  }

  /**
   * The {@code hookline.*} meters in Spring Boot's registry: the starter gives every {@code PipelineListener} bean the
   * receiver's, the enqueuer's and the consumer's events, and {@code /actuator/prometheus} shows them.
   *
   * @param registry Spring Boot's meter registry
   * @return the listener
   */
  @Bean
  public MicrometerPipelineListener hooklineMetrics(MeterRegistry registry) {
    return MicrometerPipelineListener.builder(registry).build();
  }

  /**
   * Starts the service.
   *
   * @param args Spring Boot arguments, for example {@code --hookline.queue-url=...}
   */
  public static void main(String[] args) {
    SpringApplication.run(WebhookApplication.class, args);
  }
}
