package dev.hookline.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.testkit.Await;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Runs the quick start the way the README's first command does (serve mode), on a free port, and does what its
 * printed instructions say: pastes the printed {@code curl} command (executed here with the JDK's HTTP client, after
 * parsing it as a POSIX shell would), sends it twice, and changes the body.
 */
@Timeout(60)
class QuickStartServeTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ExecutorService commandThread = Executors.newSingleThreadExecutor();
  private final HttpClient http = HttpClient.newHttpClient();
  private final StringWriter out = new StringWriter();
  private final Tally tally = new Tally();
  private final CompletableFuture<LocalPipeline> serving = new CompletableFuture<>();
  private final CountDownLatch stop = new CountDownLatch(1);

  @AfterEach
  void stopCommand() throws InterruptedException {
    stop.countDown();
    commandThread.shutdown();
    assertThat(commandThread.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void printedCurlIsAcceptedHandledOnceAndTheCopySkipped() throws Exception {
    Future<Integer> exit = start("--port", "0");
    Curl curl = Curl.parse(printedCurl());

    assertThat(send(curl.url(), curl.headers(), curl.body()).statusCode()).isEqualTo(202);
    assertThat(send(curl.url(), curl.headers(), curl.body()).statusCode()).isEqualTo(202);
    String tampered = curl.body().replace("1042", "9999");
    HttpResponse<String> rejected = send(curl.url(), curl.headers(), tampered);

    assertThat(rejected.statusCode()).isEqualTo(401);
    assertThat(awaitTally(() -> tally.totalHandled() == 1 && tally.totalDuplicates() == 1))
        .as("handled once, copy skipped; handled=%d duplicates=%d", tally.totalHandled(), tally.totalDuplicates())
        .isTrue();
    assertThat(tally.totalRetries()).isZero();
    assertThat(tally.totalDeadLettered()).isZero();
    assertThat(out.toString())
        .contains("demo secret whsec_")
        .contains("Press Ctrl+C to stop.")
        .doesNotContain("Exception");
    // Once a second, when something changed: the counters line.
    dev.hookline.testkit.Await.until(
        WAIT, () -> out.toString().contains("counters: received=3 accepted=2 rejected=1 handled=1 "));

    stop.countDown();

    assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    // Closed means closed: nothing listens on the port any more.
    assertThatThrownBy(() -> send(curl.url(), curl.headers(), curl.body())).isInstanceOf(ConnectException.class);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"github", "stripe", "shopify", "slack", "paddle", "linear"})
  void printedCurlWorksForEveryScheme(String scheme) throws Exception {
    Future<Integer> exit = start("--port", "0", "--source", "shop=" + scheme + ":s3cr3t-for-" + scheme);
    Curl curl = Curl.parse(printedCurl());

    assertThat(curl.url()).endsWith("/webhooks/shop");
    assertThat(send(curl.url(), curl.headers(), curl.body()).statusCode()).isEqualTo(202);
    assertThat(awaitTally(() -> tally.totalHandled() == 1)).as("handled").isTrue();
    assertThat(out.toString()).contains("secret from --source").doesNotContain("s3cr3t-for-" + scheme);

    stop.countDown();
    assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
  }

  private Future<Integer> start(String... args) throws Exception {
    QuickStart.Lifetime untilTestStops =
        pipeline -> {
          serving.complete(pipeline);
          stop.await();
        };
    CommandLine cli = new CommandLine(new QuickStart(untilTestStops, tally));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    Future<Integer> exit = commandThread.submit(() -> cli.execute(args));
    // The instructions are printed before serve mode starts waiting; a failed start ends the command instead.
    Await.until(WAIT, "serving", () -> serving.isDone() || exit.isDone(), out::toString);
    if (!serving.isDone()) {
      throw new AssertionError("the quick start ended (exit " + exit.get() + ") before serving:\n" + out);
    }
    return exit;
  }

  private String printedCurl() {
    String text = out.toString();
    int from = text.indexOf("curl -i -X POST ");
    assertThat(from).as("a curl command in:%n%s", text).isNotNegative();
    int end = text.indexOf("\n\n", from);
    return text.substring(from, end < 0 ? text.length() : end);
  }

  private boolean awaitTally(BooleanSupplier condition) throws InterruptedException {
    return tally.await(WAIT, WAIT, condition, () -> {});
  }

  private HttpResponse<String> send(String url, List<String[]> headers, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    for (String[] header : headers) {
      request.header(header[0], header[1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The parts of the printed command: {@code curl -i -X POST URL (-H 'Name: value')* --data-binary BODY}. */
  private record Curl(String url, List<String[]> headers, String body) {

    static Curl parse(String command) {
      List<String> words = shellWords(command);
      assertThat(words.subList(0, 4)).as(command).containsExactly("curl", "-i", "-X", "POST");
      String url = words.get(4);
      List<String[]> headers = new ArrayList<>();
      String body = null;
      for (int i = 5; i < words.size(); i += 2) {
        String option = words.get(i);
        String value = words.get(i + 1);
        if (option.equals("-H")) {
          int colon = value.indexOf(": ");
          headers.add(new String[] {value.substring(0, colon), value.substring(colon + 2)});
        } else {
          assertThat(option).as(command).isEqualTo("--data-binary");
          body = value;
        }
      }
      assertThat(body).as("a body in %s", command).isNotNull();
      return new Curl(url, headers, body);
    }

    /** Splits as a POSIX shell does for the quoting the quick start prints: '…' strings, \\ escapes, whitespace. */
    private static List<String> shellWords(String command) {
      List<String> words = new ArrayList<>();
      StringBuilder word = null;
      for (int i = 0; i < command.length(); i++) {
        char c = command.charAt(i);
        if (c == '\'') {
          int close = command.indexOf('\'', i + 1);
          assertThat(close).as("unterminated quote in %s", command).isPositive();
          word = word == null ? new StringBuilder() : word;
          word.append(command, i + 1, close);
          i = close;
        } else if (c == '\\') {
          char next = command.charAt(++i);
          if (next != '\n') {
            word = word == null ? new StringBuilder() : word;
            word.append(next);
          }
        } else if (Character.isWhitespace(c)) {
          if (word != null) {
            words.add(word.toString());
            word = null;
          }
        } else {
          word = word == null ? new StringBuilder() : word;
          word.append(c);
        }
      }
      if (word != null) {
        words.add(word.toString());
      }
      return words;
    }
  }
}
