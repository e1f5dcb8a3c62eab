package dev.hookline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.retry.FailureReport;
import dev.hookline.core.Webhook;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.core.signature.Providers;
import dev.hookline.core.signature.SignatureVerifiers;
import dev.hookline.http.WebhookHttpServer;
import dev.hookline.sqs.admin.CloudWatchStub;
import dev.hookline.sqs.internal.DeadLetterFormat;
import dev.hookline.testkit.Await;
import dev.hookline.testkit.ElasticMqExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Runs the picocli command line in-process against embedded ElasticMQ and a local webhook server. */
class HooklineCliIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");

  @BeforeAll
  static void credentials() {
    // ElasticMQ ignores signatures, but the SDK's default credentials chain must find some.
    System.setProperty("aws.accessKeyId", "x");
    System.setProperty("aws.secretAccessKey", "x");
  }

  /** One run's exit code and output. */
  record Run(int exit, String out, String err) {}

  /** Runs with no environment variables and no terminal to prompt on. */
  private static Run run(String... args) {
    return run(name -> null, text -> Optional.empty(), args);
  }

  /** Runs with HOOKLINE_SECRET set to the secret, as a user would export it. */
  private static Run runWithSecret(String secret, String... args) {
    return run(name -> name.equals("HOOKLINE_SECRET") ? secret : null, text -> Optional.empty(), args);
  }

  private static Run run(UnaryOperator<String> environment, HooklineCli.SecretPrompt prompt, String... args) {
    CommandLine cl = HooklineCli.newCommandLine(environment, prompt);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static List<String> withEndpoint(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--endpoint");
    all.add(SQS.server().endpoint().toString());
    all.add("--region");
    all.add("us-east-1");
    return all;
  }

  private static Run sqs(String... args) {
    return run(withEndpoint(args).toArray(new String[0]));
  }

  private static void dead(String dlq, String deliveryId, String source, String reason) {
    Map<String, MessageAttributeValue> attrs = new LinkedHashMap<>();
    Map<String, String> plain = new LinkedHashMap<>();
    plain.put(
        DeadLetterFormat.ATTR_FAILURE,
        DeadLetterFormat.failureJson(
            new FailureReport(reason, "java.lang.IllegalStateException", "boom", 3, T.minusSeconds(30), T),
            "orig-" + deliveryId,
            FailureReport.MAX_MESSAGE_CHARS));
    plain.put(EnvelopeCodec.ATTR_DELIVERY_ID, deliveryId);
    plain.put(EnvelopeCodec.ATTR_SOURCE, source);
    plain.forEach((k, v) -> attrs.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
    SQS.syncClient()
        .sendMessage(b -> b.queueUrl(dlq).messageBody("{\"id\":\"" + deliveryId + "\"}").messageAttributes(attrs));
  }

  @Test
  void helpOnEveryCommandExitsZero() {
    for (String[] args :
        List.of(
            new String[] {"--help"},
            new String[] {"dlq", "--help"},
            new String[] {"dlq", "list", "--help"},
            new String[] {"dlq", "redrive", "--help"},
            new String[] {"queues", "--help"},
            new String[] {"queues", "ensure", "--help"},
            new String[] {"send-test", "--help"})) {
      Run r = run(args);
      assertThat(r.exit()).as(String.join(" ", args)).isZero();
      assertThat(r.out()).contains("Usage:");
    }
    assertThat(run("--help").out()).contains("Exit codes:");
    assertThat(run("queues", "ensure", "--help").out()).contains("--alarm", "--alarm-period", "--alarm-sns-arn");
    // The option's help lists the completion candidates (wrapped at 80 columns).
    assertThat(run("send-test", "--help").out().replaceAll("\\s+", " "))
        .contains("The provider (scheme) to sign as: " + String.join(", ", Providers.names()) + ".");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("dlq", "list").exit()).isEqualTo(HooklineCli.EXIT_USAGE); // --dlq missing
    assertThat(run("no-such-command").exit()).isEqualTo(HooklineCli.EXIT_USAGE);
    assertThat(run().exit()).isEqualTo(HooklineCli.EXIT_USAGE);
    Run both = sqs("dlq", "redrive", "--dlq", "q", "--all", "--source", "stripe");
    assertThat(both.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
    assertThat(both.err()).contains("--all");
    assertThat(sqs("dlq", "redrive", "--dlq", "q").exit()).isEqualTo(HooklineCli.EXIT_USAGE);
    Run unknown = runWithSecret("s", "send-test", "--url", "http://127.0.0.1:1/", "--scheme", "nope");
    assertThat(unknown.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
    assertThat(unknown.err()).contains("unknown provider 'nope' (" + String.join(", ", Providers.names()) + ")");
    // Any case and _ for -: the scheme is recognised, so the failure is the secret that is not whsec_ base64.
    Run badSecret =
        runWithSecret("not base64!", "send-test", "--url", "http://127.0.0.1:1/", "--scheme", "STANDARD_WEBHOOKS");
    assertThat(badSecret.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
    assertThat(badSecret.err())
        .contains("The signing secret is not valid for standard-webhooks")
        .doesNotContain("not base64!");
  }

  @Test
  void operationFailureExitsOne() {
    Run r = sqs("dlq", "list", "--dlq", "no-such-queue-" + System.nanoTime());
    assertThat(r.exit()).isEqualTo(HooklineCli.EXIT_FAILED);
    assertThat(r.err()).startsWith("error:");
  }

  @Test
  void dlqListTableJsonAndSummary() throws Exception {
    String dlq = SQS.createQueue("cli-list-dlq");
    dead(dlq, "d-1", "stripe", "handler_failed");
    dead(dlq, "d-2", "github", "poison_message");

    Run table = sqs("dlq", "list", "--dlq", dlq);
    assertThat(table.exit()).isZero();
    assertThat(table.out()).contains("MESSAGE ID", "d-1", "d-2", "handler_failed", "poison_message", "2 message(s)");
    assertThat(table.out()).doesNotContain("{\"id\""); // bodies are never printed

    Run json = sqs("dlq", "list", "--dlq", dlq, "--json");
    assertThat(json.exit()).isZero();
    JsonNode array = new ObjectMapper().readTree(json.out());
    assertThat(array).hasSize(2);
    assertThat(array.findValuesAsText("deliveryId")).containsExactlyInAnyOrder("d-1", "d-2");
    assertThat(array.get(0).get("attempts").asInt()).isEqualTo(3);

    Run summary = sqs("dlq", "list", "--dlq", dlq, "--summary", "--json");
    JsonNode s = new ObjectMapper().readTree(summary.out());
    assertThat(s.get("total").asInt()).isEqualTo(2);
    assertThat(s.get("byReason").get("handler_failed").asInt()).isEqualTo(1);
    assertThat(s.get("bySource").get("github").asInt()).isEqualTo(1);

    // Listing consumed nothing.
    assertThat(Await.drain(SQS.syncClient(), dlq)).hasSize(2);
  }

  @Test
  void dlqRedriveSelectiveDryRunAndAll() {
    SqsClient sqs = SQS.syncClient();
    String dlq = SQS.createQueue("cli-redrive-dlq");
    String src = SQS.createQueue("cli-redrive-src");
    dead(dlq, "d-1", "stripe", "handler_failed");
    dead(dlq, "d-2", "stripe", "poison_message");
    dead(dlq, "d-3", "github", "handler_failed");

    Run dry = sqs("dlq", "redrive", "--dlq", dlq, "--to", src, "--source", "stripe", "--dry-run");
    assertThat(dry.exit()).isZero();
    assertThat(dry.out()).contains("2 of 3 message(s) would be redriven");

    Run selective =
        sqs("dlq", "redrive", "--dlq", dlq, "--to", src, "--source", "stripe", "--reason", "handler_failed",
            "--since", "2026-11-28T09:00:00Z", "--until", "2026-11-28T11:00:00Z");
    assertThat(selective.exit()).as(selective.err()).isZero();
    assertThat(selective.out()).contains("moved: 1, skipped: 2, failed: 0");
    List<Message> moved = Await.drain(sqs, src);
    assertThat(moved).singleElement().satisfies(m -> {
      assertThat(m.messageAttributes().get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue()).isEqualTo("d-1");
      assertThat(m.messageAttributes()).doesNotContainKey(DeadLetterFormat.ATTR_FAILURE);
    });

    Run byId = sqs("dlq", "redrive", "--dlq", dlq, "--to", src, "--delivery-id", "d-3");
    assertThat(byId.out()).contains("moved: 1");

    Run all = sqs("dlq", "redrive", "--dlq", dlq, "--to", src, "--all", "--rate", "50");
    assertThat(all.exit()).as(all.err()).isZero();
    assertThat(all.out()).contains("COMPLETED");
    List<Message> rest = new ArrayList<>(Await.drain(sqs, src));
    Await.until(java.time.Duration.ofSeconds(10), () -> {
      rest.addAll(Await.drain(sqs, src));
      return rest.size() == 2;
    });
    assertThat(rest).hasSize(2); // d-3 from the delivery-id redrive, d-2 from the move task
    assertThat(Await.drain(sqs, dlq)).isEmpty();
  }

  @Test
  void queuesEnsureCreatesThenReportsNothingNew() {
    String name = "cli-ensure-" + System.nanoTime();
    Run first = sqs("queues", "ensure", "--queue", name, "--max-receive-count", "8");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).contains("queue: ", name, "dlq:   ", name + "-dlq");
    assertThat(first.out()).doesNotContain("created: none");
    Run second = sqs("queues", "ensure", "--queue", name, "--max-receive-count", "8");
    assertThat(second.exit()).isZero();
    assertThat(second.out()).contains("created: none");
    // maxReceiveCount must exceed maxAttempts (QueueProvisioner): a usage error, naming the field.
    Run invalid = sqs("queues", "ensure", "--queue", name, "--max-receive-count", "3", "--max-attempts", "5");
    assertThat(invalid.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
    assertThat(invalid.err()).contains("maxReceiveCount");
  }

  @Test
  void dlqRedriveWithFailedMessagesExitsOneAndKeepsThem() {
    String dlq = SQS.createQueue("cli-redrive-fail-dlq");
    dead(dlq, "f-1", "stripe", "handler_failed");
    dead(dlq, "f-2", "stripe", "handler_failed");
    // A target URL that names no queue: every send fails, so nothing may be deleted from the DLQ.
    String missing = dlq.substring(0, dlq.lastIndexOf('/') + 1) + "no-such-queue-" + System.nanoTime();

    Run r = sqs("dlq", "redrive", "--dlq", dlq, "--to", missing, "--source", "stripe");

    assertThat(r.exit()).as(r.err()).isEqualTo(HooklineCli.EXIT_FAILED);
    assertThat(r.out()).contains("moved: 0, skipped: 0, failed: 2");
    assertThat(r.out().lines().filter(l -> l.startsWith("failed: ") && !l.contains(","))).hasSize(2);
    List<Message> kept = new ArrayList<>();
    Await.until(java.time.Duration.ofSeconds(10), () -> {
      kept.addAll(Await.drain(SQS.syncClient(), dlq));
      return kept.size() == 2;
    });
    assertThat(kept)
        .extracting(m -> m.messageAttributes().get(EnvelopeCodec.ATTR_DELIVERY_ID).stringValue())
        .containsExactlyInAnyOrder("f-1", "f-2");
  }

  @Test
  void queuesEnsureWithAlarmPutsTheDlqAlarm() throws Exception {
    String name = "cli-alarm-" + System.nanoTime();
    String topic = "arn:aws:sns:us-east-1:123456789012:oncall";
    try (CloudWatchStub cloudWatch = new CloudWatchStub()) {
      String endpoint = cloudWatch.endpoint().toString();

      Run first =
          sqs("queues", "ensure", "--queue", name, "--alarm", "--alarm-period", "PT5M", "--alarm-sns-arn", topic,
              "--cloudwatch-endpoint", endpoint);
      Run second = sqs("queues", "ensure", "--queue", name, "--alarm", "--cloudwatch-endpoint", endpoint);

      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(first.out()).contains("alarm: " + name + "-dlq-not-empty");
      assertThat(second.exit()).as(second.err()).isZero();
      assertThat(second.out()).contains("created: none", "alarm: " + name + "-dlq-not-empty");
      assertThat(cloudWatch.requests()).hasSize(2);
      assertThat(cloudWatch.requests().get(0).body())
          .containsEntry("AlarmName", name + "-dlq-not-empty")
          .containsEntry("Dimensions", List.of(Map.of("Name", "QueueName", "Value", name + "-dlq")))
          .containsEntry("Period", 300L)
          .containsEntry("AlarmActions", List.of(topic));
      // The second run had neither option: the alarm was put back to the defaults.
      assertThat(cloudWatch.alarms().get(name + "-dlq-not-empty"))
          .containsEntry("Period", 60L)
          .containsEntry("AlarmActions", List.of());
    }
  }

  @Test
  void queuesEnsureAlarmErrorsExitTwoOrOne() throws Exception {
    String name = "cli-alarm-bad-" + System.nanoTime();
    try (CloudWatchStub cloudWatch = new CloudWatchStub()) {
      String endpoint = cloudWatch.endpoint().toString();

      Run withoutAlarm = sqs("queues", "ensure", "--queue", name, "--alarm-period", "PT5M");
      Run badPeriod =
          sqs("queues", "ensure", "--queue", name, "--alarm", "--alarm-period", "PT90S", "--cloudwatch-endpoint",
              endpoint);
      Run badArn =
          sqs("queues", "ensure", "--queue", name, "--alarm", "--alarm-sns-arn", "oncall", "--cloudwatch-endpoint",
              endpoint);
      Run notADuration = sqs("queues", "ensure", "--queue", name, "--alarm", "--alarm-period", "5 minutes");

      assertThat(withoutAlarm.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
      assertThat(withoutAlarm.err()).contains("need --alarm");
      assertThat(badPeriod.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
      assertThat(badPeriod.err()).contains("dlqAlarm.period must be a positive whole number of minutes");
      assertThat(badArn.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
      assertThat(badArn.err()).contains("dlqAlarm.actionArn");
      assertThat(notADuration.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
      // Usage errors change nothing.
      assertThat(cloudWatch.requests()).isEmpty();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> SQS.syncClient().getQueueUrl(b -> b.queueName(name)))
          .isInstanceOf(QueueDoesNotExistException.class);
    }
    // CloudWatch unreachable (the stub is closed): an AWS error, exit 1; running again once it is back completes.
    URI closed;
    try (CloudWatchStub gone = new CloudWatchStub()) {
      closed = gone.endpoint();
    }
    Run unreachable =
        sqs("queues", "ensure", "--queue", name, "--alarm", "--cloudwatch-endpoint", closed.toString());
    assertThat(unreachable.exit()).isEqualTo(HooklineCli.EXIT_FAILED);
    assertThat(unreachable.err()).startsWith("error: AWS error");
  }

  @Test
  void sendTestIsAcceptedForEverySchemeByItsVerifier() {
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    WebhookReceiver.Builder receiver = WebhookReceiver.builder().sink(sink);
    for (String scheme : SignatureVerifiers.SCHEMES) {
      receiver.addSource(
          WebhookSource.builder()
              .name(scheme)
              .verifier(SignatureVerifiers.forScheme(scheme, List.of(secret(scheme))))
              .build());
    }
    try (WebhookHttpServer server =
        WebhookHttpServer.builder().receiver(receiver.build()).bindAddress("127.0.0.1").port(0).build()) {
      server.start();
      for (String scheme : SignatureVerifiers.SCHEMES) {
        String url = "http://127.0.0.1:" + server.port() + server.pathPrefix() + scheme;
        String body = "{\"scheme\":\"" + scheme + "\"}";

        Run ok = runWithSecret(secret(scheme), "send-test", "--url", url, "--scheme", scheme, "--body", body);
        Run wrong = runWithSecret(wrongSecret(scheme), "send-test", "--url", url, "--scheme", scheme);

        assertThat(ok.exit()).as(scheme + ": " + ok.out() + ok.err()).isZero();
        assertThat(ok.out()).as(scheme).startsWith("status: 202").doesNotContain(secret(scheme));
        assertThat(wrong.exit()).as(scheme).isEqualTo(HooklineCli.EXIT_FAILED);
        assertThat(wrong.out()).as(scheme).startsWith("status: 401");
      }
    }
    assertThat(sink.webhooks())
        .extracting(Webhook::source)
        .containsExactlyInAnyOrderElementsOf(SignatureVerifiers.SCHEMES);
    assertThat(sink.webhooks())
        .allSatisfy(
            w ->
                assertThat(new String(w.body(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"scheme\":\"" + w.source() + "\"}"));
  }

  @Test
  void sendTestNamesTheSourceAsEverywhereAndSignsForEverySharedSecretProvider() {
    List<String> publicKey = List.of("discord", "sendgrid", "sns");
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    WebhookReceiver.Builder receiver = WebhookReceiver.builder().sink(sink);
    for (String provider : Providers.names()) {
      receiver.addSource(Providers.get(provider).source(provider, sourceSecret(provider)).build());
    }
    try (WebhookHttpServer server =
        WebhookHttpServer.builder().receiver(receiver.build()).bindAddress("127.0.0.1").port(0).build()) {
      server.start();
      // A URL ending in / gets the source's name appended: one base URL for every source.
      String base = "http://127.0.0.1:" + server.port() + server.pathPrefix();
      for (String provider : Providers.names()) {
        String option = provider + "=" + provider;
        Run run =
            runWithSecret(
                sourceSecret(provider), "send-test", "--url", base, "--source", option, "--body", "{\"p\":\"" + provider + "\"}");
        if (publicKey.contains(provider)) {
          assertThat(run.exit()).as(provider).isEqualTo(HooklineCli.EXIT_USAGE);
          assertThat(run.err()).as(provider).contains("verifies public-key signatures");
          continue;
        }
        assertThat(run.exit()).as(provider + ": " + run.out() + run.err()).isZero();
        assertThat(run.out()).as(provider).startsWith("status: 202").doesNotContain(sourceSecret(provider));
      }
    }
    assertThat(sink.webhooks())
        .extracting(Webhook::source)
        .containsExactlyInAnyOrderElementsOf(
            Providers.names().stream().filter(p -> !publicKey.contains(p)).collect(Collectors.toList()));

    Run both = runWithSecret("x", "send-test", "--url", "http://127.0.0.1:1/", "--source", "a=github", "--scheme", "github");
    assertThat(both.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
    Run unknown = runWithSecret("s3cret", "send-test", "--url", "http://127.0.0.1:1/", "--source", "a=paypal");
    assertThat(unknown.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
    assertThat(unknown.err()).contains("unknown provider 'paypal'").doesNotContain("s3cret");
    // The secret stays off the command line here too: NAME=PROVIDER:SECRET is refused without echoing it.
    Run withSecret = runWithSecret("x", "send-test", "--url", "http://127.0.0.1:1/", "--source", "a=github:s3cret");
    assertThat(withSecret.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
    assertThat(withSecret.err()).contains("is not accepted", "HOOKLINE_SECRET").doesNotContain("s3cret");
  }

  /**
   * A secret in each preset's form. Twilio, Square and HubSpot sign over the public URL written in the secret, which
   * the sender and the verifier both take from there, so it need not be this test server's address.
   */
  private static String sourceSecret(String provider) {
    switch (provider) {
      case "standard-webhooks":
      case "svix":
      case "clerk":
      case "resend":
        return "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
      case "twilio":
      case "square":
      case "hubspot":
        return "cli-" + provider + ":https://hooks.example.com/webhooks/" + provider;
      case "meta":
        return "cli-meta:verify-token";
      case "discord":
        return "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
      case "sendgrid":
        return "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFce"
            + "Eu/1FwCM/QmGUhA==";
      case "sns":
        return "arn:aws:sns:eu-west-1:123456789012:orders";
      default:
        return "cli-" + provider;
    }
  }

  private static String secret(String scheme) {
    return scheme.equals("standard-webhooks") ? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" : "cli-secret-" + scheme;
  }

  private static String wrongSecret(String scheme) {
    return scheme.equals("standard-webhooks") ? "whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldA==" : "wrong";
  }

  @Test
  void sendTestIsAcceptedByARealVerifierAndRejectedWithAWrongSecret() {
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    WebhookReceiver receiver =
        WebhookReceiver.builder()
            .addSource(
                WebhookSource.builder()
                    .name("github")
                    .verifier(GitHubVerifier.builder().addSecret("cli-secret").build())
                    .build())
            .sink(sink)
            .build();
    try (WebhookHttpServer server = WebhookHttpServer.builder().receiver(receiver).bindAddress("127.0.0.1").port(0).build()) {
      server.start();
      String url = "http://127.0.0.1:" + server.port() + server.pathPrefix() + "github";

      Run ok = runWithSecret("cli-secret", "send-test", "--url", url, "--scheme", "github", "--body", "{\"a\":1}");
      assertThat(ok.exit()).as(ok.err()).isZero();
      assertThat(ok.out()).startsWith("status: 202");
      assertThat(ok.out()).doesNotContain("cli-secret");
      assertThat(sink.webhooks()).singleElement().satisfies(w -> assertThat(w.body()).isEqualTo("{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

      Run bad = runWithSecret("wrong", "send-test", "--url", url, "--scheme", "github");
      assertThat(bad.exit()).isEqualTo(HooklineCli.EXIT_FAILED);
      assertThat(bad.out()).startsWith("status: 401");
    }
  }
  @Test
  void sendTestPromptsForTheSecretWhenTheVariableIsUnset() {
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    List<String> prompts = new ArrayList<>();
    try (WebhookHttpServer server = githubServer(sink, "cli-secret")) {
      String url = "http://127.0.0.1:" + server.port() + server.pathPrefix() + "github";

      Run ok =
          run(
              name -> null,
              text -> {
                prompts.add(text);
                return Optional.of("cli-secret".toCharArray());
              },
              "send-test", "--url", url, "--scheme", "github");

      assertThat(ok.exit()).as(ok.err()).isZero();
      assertThat(ok.out()).startsWith("status: 202").doesNotContain("cli-secret");
      assertThat(prompts).singleElement().satisfies(p -> assertThat(p).contains("github", "HOOKLINE_SECRET"));
      assertThat(sink.webhooks()).hasSize(1);
    }
  }

  @Test
  void sendTestWithoutASecretIsAUsageErrorAndSendsNothing() {
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    try (WebhookHttpServer server = githubServer(sink, "cli-secret")) {
      String url = "http://127.0.0.1:" + server.port() + server.pathPrefix() + "github";

      Run noTerminal = run("send-test", "--url", url, "--scheme", "github");
      Run emptyVariable = runWithSecret("", "send-test", "--url", url, "--scheme", "github");
      Run nothingTyped =
          run(name -> null, text -> Optional.of(new char[0]), "send-test", "--url", url, "--scheme", "github");

      assertThat(noTerminal.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
      assertThat(noTerminal.err())
          .contains("Missing secret: set HOOKLINE_SECRET, or run in a terminal to be prompted for it");
      assertThat(emptyVariable.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
      assertThat(emptyVariable.err()).contains("Missing secret: set HOOKLINE_SECRET");
      assertThat(nothingTyped.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
      assertThat(nothingTyped.err()).contains("Missing secret: nothing was typed");
      assertThat(sink.webhooks()).isEmpty();
    }
  }

  @Test
  void aSecretOnTheCommandLineIsRefusedWithoutEchoingIt() {
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    try (WebhookHttpServer server = githubServer(sink, "cli-secret")) {
      String url = "http://127.0.0.1:" + server.port() + server.pathPrefix() + "github";

      // Refused even though HOOKLINE_SECRET holds the right secret: a secret typed on a command line is a leak.
      Run r = runWithSecret("cli-secret", "send-test", "--url", url, "--scheme", "github", "--secret", "cli-secret");

      assertThat(r.exit()).isEqualTo(HooklineCli.EXIT_USAGE);
      assertThat(r.err())
          .contains("--secret is not accepted", "shell history", "HOOKLINE_SECRET")
          .doesNotContain("cli-secret");
      assertThat(sink.webhooks()).isEmpty();
    }
    // Not offered in the help either; the help says where the secret comes from.
    String help = run("send-test", "--help").out();
    assertThat(help).doesNotContain("--secret");
    assertThat(help.replaceAll("\\s+", " ")).contains("HOOKLINE_SECRET environment variable");
  }

  @Test
  void versionComesFromTheJarManifest() {
    Run r = run("--version");

    assertThat(r.exit()).isZero();
    // Run from target/classes here, so there is no manifest to read: it says so rather than inventing a version.
    // The packaged jar's version is checked from a user's side by it/consumer-project's CliJarTest.
    assertThat(r.out().lines().findFirst())
        .hasValue("hookline (unknown version: not run from a Hookline jar)");
    assertThat(r.out()).contains("Java " + System.getProperty("java.version"));
    // The same from every command's -V.
    assertThat(run("dlq", "redrive", "-V").out()).isEqualTo(r.out());
    assertThat(run("send-test", "--version").out()).isEqualTo(r.out());
    // What it reads for a class loaded from a jar whose manifest has an Implementation-Version: picocli's own.
    assertThat(HooklineCli.ManifestVersion.version(CommandLine.class.getPackage())).isEqualTo(CommandLine.VERSION);
  }

  @Test
  void completionScriptCompletesCommandsAndSchemes() throws Exception {
    Run r = run("generate-completion");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(run("--help").out()).contains("generate-completion");

    java.nio.file.Path script = java.nio.file.Files.createTempFile("hookline-completion", ".bash");
    try {
      java.nio.file.Files.writeString(script, r.out());
      assertThat(complete(script, "hookline", "")).contains("dlq", "queues", "send-test", "generate-completion");
      assertThat(complete(script, "hookline", "dlq", "")).contains("list", "redrive");
      assertThat(complete(script, "hookline", "send-test", "--scheme", ""))
          .containsExactlyInAnyOrderElementsOf(Providers.names());
    } finally {
      java.nio.file.Files.delete(script);
    }
  }

  /** Runs the completion function in bash as the shell would on TAB, and returns the candidates it offers. */
  private static List<String> complete(java.nio.file.Path script, String... words) throws Exception {
    StringBuilder array = new StringBuilder();
    for (String w : words) {
      array.append('\'').append(w).append("' ");
    }
    String program =
        "source '" + script + "'\n"
            // compopt works only while bash itself runs a completion; here it has nothing to change.
            + "compopt() { :; }\n"
            + "COMP_WORDS=(" + array + ")\n"
            + "COMP_CWORD=" + (words.length - 1) + "\n"
            + "COMP_LINE='" + String.join(" ", words) + "'\n"
            + "COMP_POINT=${#COMP_LINE}\n"
            + "_complete_hookline\n"
            + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    Process bash =
        new ProcessBuilder("bash", "-c", program).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor()).as(output).isZero();
    return output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private static WebhookHttpServer githubServer(InMemoryWebhookSink sink, String secret) {
    WebhookReceiver receiver =
        WebhookReceiver.builder()
            .addSource(
                WebhookSource.builder()
                    .name("github")
                    .verifier(GitHubVerifier.builder().addSecret(secret).build())
                    .build())
            .sink(sink)
            .build();
    return WebhookHttpServer.builder().receiver(receiver).bindAddress("127.0.0.1").port(0).build().start();
  }
}
