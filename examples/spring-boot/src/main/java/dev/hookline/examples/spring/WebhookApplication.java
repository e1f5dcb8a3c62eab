package dev.hookline.examples.spring;

import dev.hookline.core.WebhookHandler;
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
   * Starts the service.
   *
   * @param args Spring Boot arguments, for example {@code --hookline.queue-url=...}
   */
  public static void main(String[] args) {
    SpringApplication.run(WebhookApplication.class, args);
  }
}
