package dev.hookline.sqs.admin;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.sqs.admin.MappingTemplateRenderer.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Puts a webhook on a queue the way an API Gateway direct integration does: renders the integration's request mapping
 * template with Velocity ({@link MappingTemplateRenderer}, every whitespace mode) and POSTs the resulting form to the
 * queue's SQS Query API, as API Gateway's {@code SendMessage} call does. Shared with other modules' tests through
 * this module's test-jar, so that the consumers are tested on exactly what the template writes.
 */
public final class DirectIntegrationSender {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private DirectIntegrationSender() {}

  /**
   * Renders the template for one request and sends the form to {@code sqsEndpoint}; fails unless SQS answers 200.
   *
   * @param sqsEndpoint the SQS endpoint, for example ElasticMQ's
   * @param integration the integration, whose queue must be on that endpoint
   * @param source the {@code {source}} path parameter
   * @param headers the request headers as the sender sent them (first value of each)
   * @param body the body; API Gateway hands it to the template as text, so it must be UTF-8
   * @param requestTime API Gateway's request time, {@code $context.requestTimeEpoch}
   */
  public static void send(
      URI sqsEndpoint,
      ApiGatewayDirectIntegration integration,
      String source,
      WebhookHeaders headers,
      byte[] body,
      Instant requestTime) {
    Objects.requireNonNull(headers, "headers");
    Request request = new Request(new String(body, StandardCharsets.UTF_8)).source(source);
    headers.asMap().forEach((name, values) -> request.header(name, values.get(0)));
    request.requestTimeEpoch = requestTime.toEpochMilli();
    String form = MappingTemplateRenderer.render(integration.requestTemplate(), request);
    HttpResponse<String> response = postForm(sqsEndpoint, integration, form);
    if (response.statusCode() != 200) {
      throw new AssertionError("SQS answered " + response.statusCode() + ": " + response.body());
    }
  }

  /** POSTs a rendered form to {@code {accountId}/{queueName}}, with the form content type, as API Gateway does. */
  static HttpResponse<String> postForm(URI sqsEndpoint, ApiGatewayDirectIntegration integration, String form) {
    URI target = sqsEndpoint.resolve("/" + integration.accountId() + "/" + integration.queueName());
    HttpRequest post =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
            .build();
    try {
      return HTTP.send(post, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending to SQS", e);
    }
  }
}
