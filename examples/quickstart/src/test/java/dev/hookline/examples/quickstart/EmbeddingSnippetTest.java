package dev.hookline.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.http.WebhookHttpServer;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.core.signature.Providers;
import dev.hookline.sqs.SqsConsumerConfig;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.SignedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** The embedding snippet of the README, verbatim between the markers, run against ElasticMQ. */
class EmbeddingSnippetTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  @Test
  void readmeSnippetReceivesEnqueuesAndHandles() throws Exception {
    ElasticMqExtension.QueuePair queues = SQS.createQueueWithDlq("readme", 10, 30);
    String queueUrl = queues.queueUrl();
    String dlqUrl = queues.dlqUrl();
    String secret = "It's a Secret to Everybody";
    List<Webhook> handled = new CopyOnWriteArrayList<>();
    int port = 0;

    try (SqsAsyncClient sqs = SQS.server().newAsyncClient()) {
      // --- README snippet start ---
      SqsEnqueuer enqueuer = SqsEnqueuer.builder().client(sqs).queueUrl(queueUrl).build();
      WebhookReceiver receiver = WebhookReceiver.builder()
          .addSource(Providers.get("github").source("github", secret).build()) // or any provider below
          .sink(enqueuer) // 202 only after SQS has the webhook
          .build();
      WebhookHttpServer http = WebhookHttpServer.builder().receiver(receiver).port(port).build().start();

      SqsConsumerRunner runner = SqsConsumerRunner.builder()
          .client(sqs)
          .config(SqsConsumerConfig.builder().queueUrl(queueUrl).deadLetterQueueUrl(dlqUrl).build())
          .processor(WebhookProcessor.builder()
              .handler((webhook, attempt) -> handled.add(webhook)) // throw to retry with backoff, then DLQ
              .build())
          .build();
      runner.start();
      // --- README snippet end ---

      try {
        SignedRequest.Builder signed = SignedRequest.github(secret).id("d9f4c0de-0000-4000-8000-000000000001");
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/webhooks/github"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(signed.body()));
        signed.headers().asMap().forEach((name, values) -> values.forEach(v -> request.header(name, v)));

        HttpResponse<String> response =
            HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        Await.until(Duration.ofSeconds(15), () -> !handled.isEmpty());
        assertThat(handled.get(0).deliveryId()).isEqualTo("d9f4c0de-0000-4000-8000-000000000001");
        assertThat(handled.get(0).body()).isEqualTo(signed.body());
      } finally {
        http.close();
        enqueuer.close();
        runner.close();
      }
    }
  }

  @Test
  void readmeShowsExactlyTheSnippetThatRuns() throws Exception {
    String source =
        Files.readString(Path.of("src/test/java/dev/hookline/examples/quickstart/EmbeddingSnippetTest.java"));
    String readme = Files.readString(Path.of("../../README.md"));

    List<String> snippet = codeLines(between(source, "// --- README snippet start ---", "// --- README snippet end ---"));
    List<String> shown = codeLines(between(readme, "```java", "```"));

    assertThat(snippet).hasSizeGreaterThan(10);
    assertThat(shown).as("README.md's java block").isEqualTo(snippet);
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    assertThat(from).as("marker %s", start).isNotNegative();
    from += start.length();
    int to = text.indexOf(end, from);
    assertThat(to).as("marker %s", end).isNotNegative();
    return text.substring(from, to);
  }

  /** Lines with their indentation removed, blank lines dropped: the README is not indented like the test. */
  private static List<String> codeLines(String block) {
    return block.lines().map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.toList());
  }
}
