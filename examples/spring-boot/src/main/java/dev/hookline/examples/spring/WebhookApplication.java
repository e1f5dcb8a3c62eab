package dev.hookline.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The service: {@code POST /webhooks/{source}} verifies and enqueues to SQS ({@link WebhookController}); a consumer
 * runner handles the queue ({@link HooklineConfiguration}). Configure it in {@code application.yml} under
 * {@code hookline}.
 */
@SpringBootApplication
@EnableConfigurationProperties(HooklineProperties.class)
public class WebhookApplication {

  /** Created by Spring. */
  public WebhookApplication() {}

  /**
   * Starts the service.
   *
   * @param args Spring Boot arguments, for example {@code --hookline.queue-url=...}
   */
  public static void main(String[] args) {
    SpringApplication.run(WebhookApplication.class, args);
  }
}
