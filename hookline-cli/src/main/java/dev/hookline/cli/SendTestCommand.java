package dev.hookline.cli;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.SignatureVerifiers;
import dev.hookline.testkit.SignedRequest;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hookline send-test}: POST one correctly signed test webhook and print the answer. */
@Command(
    name = "send-test",
    mixinStandardHelpOptions = true,
    description = {
      "Send a correctly signed test webhook and print the response status and body.",
      "Schemes: standard-webhooks, github, stripe, shopify, slack. Exit 0 on a 2xx answer, 1 otherwise.",
      "The signing secret comes from the HOOKLINE_SECRET environment variable or, in a terminal, a prompt that"
          + " does not echo; never from the command line. It is never printed."
    })
final class SendTestCommand implements Callable<Integer> {

  /** The environment variable holding the signing secret. */
  static final String SECRET_VARIABLE = "HOOKLINE_SECRET";

  /** Headers java.net.http sets itself and refuses to take. */
  private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");

  @ParentCommand HooklineCli root;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", required = true, description = "Where to POST, e.g. http://localhost:8080/webhooks/github.")
  URI url;

  @Option(
      names = "--scheme",
      required = true,
      converter = SchemeConverter.class,
      completionCandidates = SchemeNames.class,
      description = "Signature scheme: ${COMPLETION-CANDIDATES}.")
  String scheme;

  /** Refused with a message saying where the secret goes instead (hidden: it is not an option to use). */
  @Option(names = "--secret", hidden = true)
  String secretOnCommandLine;

  @Option(names = "--body", description = "The JSON body (default: a small test event).")
  String body;

  @Option(
      names = "--timeout",
      defaultValue = "PT10S",
      description = "Request timeout, ISO-8601 duration (default ${DEFAULT-VALUE}).")
  Duration timeout;

  /** The built-in scheme names, for the help text and shell completion. */
  static final class SchemeNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return SignatureVerifiers.SCHEMES.iterator();
    }
  }

  /** Converts the scheme's command-line name (any case, {@code -} or {@code _}) to its name in {@code SCHEMES}. */
  static final class SchemeConverter implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String v = value.toLowerCase(Locale.ROOT).replace('_', '-');
      if (!SignatureVerifiers.SCHEMES.contains(v)) {
        throw new CommandLine.TypeConversionException(
            "unknown scheme '" + value + "' (" + String.join(", ", SignatureVerifiers.SCHEMES) + ")");
      }
      return v;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (secretOnCommandLine != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--secret is not accepted: a secret on the command line lands in shell history and process lists. Set "
              + SECRET_VARIABLE
              + ", or leave it unset to be prompted.");
    }
    String secret = root.secret(SECRET_VARIABLE, "Signing secret for " + scheme, spec.commandLine());
    String payload =
        body != null ? body : "{\"type\":\"hookline.test\",\"id\":\"" + UUID.randomUUID() + "\"}";
    SignedRequest.Builder signed;
    try {
      signed = SignedRequest.forScheme(scheme, secret).body(payload);
    } catch (IllegalArgumentException e) {
      // Only Standard Webhooks parses the secret (whsec_ + base64); the message must not echo it.
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "The signing secret is not valid for " + scheme + " (expected whsec_<base64>)");
    }
    byte[] bytes = signed.body();
    WebhookHeaders headers = signed.headers();

    HttpRequest.Builder request =
        HttpRequest.newBuilder(url).timeout(timeout).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    for (Map.Entry<String, List<String>> h : headers.asMap().entrySet()) {
      if (RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        continue;
      }
      for (String value : h.getValue()) {
        request.header(h.getKey(), value);
      }
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    PrintWriter out = spec.commandLine().getOut();
    out.println("status: " + response.statusCode());
    out.println(response.body());
    out.flush();
    return response.statusCode() / 100 == 2 ? HooklineCli.EXIT_OK : HooklineCli.EXIT_FAILED;
  }
}
