package dev.hookline.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.RejectReason;
import dev.hookline.core.Webhook;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The printed records are JSON and follow the CloudWatch Embedded Metric Format specification. */
class EmfMetricsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-03T07:00:00Z");
  private static final Set<String> UNITS = Set.of("Count", "Milliseconds");

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final EmfMetrics metrics =
      EmfMetrics.of("Hookline", new PrintStream(bytes, true, StandardCharsets.UTF_8), Clock.fixed(NOW, ZoneOffset.UTC));

  private static Webhook webhook(String source) {
    return Webhook.builder()
        .deliveryId("d-1")
        .source(source)
        .receivedAt(NOW)
        .contentType("application/json")
        .body("{}".getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private List<JsonNode> records() throws Exception {
    List<JsonNode> records = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        records.add(JSON.readTree(line));
      }
    }
    return records;
  }

  /** Checks one record against the EMF specification's rules. */
  private static void assertEmf(JsonNode record) {
    JsonNode aws = record.get("_aws");
    assertThat(aws).as("_aws").isNotNull();
    assertThat(aws.get("Timestamp").isIntegralNumber()).isTrue();
    assertThat(aws.get("Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
    JsonNode directives = aws.get("CloudWatchMetrics");
    assertThat(directives.isArray()).isTrue();
    assertThat(directives.size()).isEqualTo(1);
    for (JsonNode directive : directives) {
      assertThat(directive.get("Namespace").isTextual()).isTrue();
      assertThat(directive.get("Namespace").asText()).isNotBlank().hasSizeLessThanOrEqualTo(255);
      JsonNode dimensions = directive.get("Dimensions");
      assertThat(dimensions.isArray()).isTrue();
      for (JsonNode set : dimensions) {
        assertThat(set.isArray()).isTrue();
        assertThat(set.size()).isBetween(0, 30);
        for (JsonNode name : set) {
          // Every dimension names a top-level string member.
          assertThat(record.get(name.asText())).isNotNull();
          assertThat(record.get(name.asText()).isTextual()).isTrue();
        }
      }
      JsonNode metrics = directive.get("Metrics");
      assertThat(metrics.isArray()).isTrue();
      assertThat(metrics.size()).isBetween(1, 100);
      for (JsonNode metric : metrics) {
        String name = metric.get("Name").asText();
        assertThat(UNITS).contains(metric.get("Unit").asText());
        JsonNode value = record.get(name);
        assertThat(value).as("value of %s", name).isNotNull();
        if (value.isArray()) {
          assertThat(value.size()).isBetween(1, 100);
          value.forEach(v -> assertThat(v.isNumber()).isTrue());
        } else {
          assertThat(value.isNumber()).as("%s is a number", name).isTrue();
        }
      }
    }
  }

  @Test
  void recordsParseAndFollowTheSpecificationOnePerSource() throws Exception {
    metrics.onAccepted(webhook("github"), Duration.ofMillis(12));
    metrics.onAccepted(webhook("github"), Duration.ofMillis(30));
    metrics.onRejected("github", RejectReason.UNAUTHORIZED);
    metrics.onRejected("whatever-a-prober-sends", RejectReason.UNKNOWN_SOURCE);
    metrics.onMessageStarted("stripe", 1, Duration.ofSeconds(2));
    metrics.onHandled(webhook("stripe"), 1, Duration.ofMillis(5));
    metrics.onHandlerFailed(webhook("stripe"), 1, Duration.ofMillis(7), new IllegalStateException("x"));
    metrics.onRetryScheduled(webhook("stripe"), 1, Duration.ofSeconds(1));
    metrics.onDeadLettered("stripe", "d-1", "attempts_exhausted", "java.lang.IllegalStateException");

    metrics.flush();

    List<JsonNode> records = records();
    assertThat(records).hasSize(3);
    records.forEach(EmfMetricsTest::assertEmf);
    Map<String, JsonNode> bySource = new HashMap<>();
    records.forEach(r -> bySource.put(r.get("Source").asText(), r));
    assertThat(bySource.keySet()).containsExactlyInAnyOrder("github", "stripe", "unknown");
    JsonNode github = bySource.get("github");
    assertThat(github.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText()).isEqualTo("Hookline");
    assertThat(github.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString())
        .isEqualTo("[[\"Source\"]]");
    assertThat(github.get("Received").asLong()).isEqualTo(3);
    assertThat(github.get("Accepted").asLong()).isEqualTo(2);
    assertThat(github.get("Rejected").asLong()).isEqualTo(1);
    assertThat(github.get("AckTime").toString()).isEqualTo("[12.0,30.0]");
    JsonNode stripe = bySource.get("stripe");
    assertThat(stripe.get("Handled").asLong()).isEqualTo(1);
    assertThat(stripe.get("HandlerErrors").asLong()).isEqualTo(1);
    assertThat(stripe.get("Retries").asLong()).isEqualTo(1);
    assertThat(stripe.get("DeadLetters").asLong()).isEqualTo(1);
    assertThat(stripe.get("QueueLag").get(0).asDouble()).isEqualTo(2000.0);
    assertThat(bySource.get("unknown").get("Rejected").asLong()).isEqualTo(1);
    // No delivery id anywhere.
    assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("d-1");
  }

  @Test
  void aFlushStartsOverAndAnEmptyFlushPrintsNothing() throws Exception {
    metrics.onAccepted(webhook("github"), Duration.ofMillis(1));
    metrics.flush();
    bytes.reset();

    metrics.flush();

    assertThat(records()).isEmpty();
  }

  @Test
  void theReceiversCopyPrintsOneRecordPerRequest() throws Exception {
    EmfMetrics receiving = metrics.perRequest();

    receiving.onAccepted(webhook("github"), Duration.ofMillis(3));

    List<JsonNode> records = records();
    assertThat(records).hasSize(1);
    assertEmf(records.get(0));
    assertThat(records.get(0).get("Accepted").asLong()).isEqualTo(1);
  }

  @Test
  void theEnvironmentTurnsItOn() {
    assertThat(LambdaWiring.emfMetrics(new LambdaEnvironment(Map.of()))).isEmpty();
    assertThat(LambdaWiring.emfMetrics(new LambdaEnvironment(Map.of("HOOKLINE_METRICS", "none")))).isEmpty();
    assertThat(LambdaWiring.emfMetrics(new LambdaEnvironment(Map.of("HOOKLINE_METRICS", "emf")))).isPresent();
    assertThatThrownBy(() -> LambdaWiring.emfMetrics(new LambdaEnvironment(Map.of("HOOKLINE_METRICS", "statsd"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("HOOKLINE_METRICS must be emf or none");
  }
}
