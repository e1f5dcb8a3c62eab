package dev.hookline.cli;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.Providers;
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
      "Name the sender as everywhere in Hookline, --source NAME=PROVIDER (the URL gets NAME appended when it ends"
          + " with /), or with --scheme PROVIDER. Providers that sign with a shared secret: any of the catalog but"
          + " discord, sendgrid and sns. Exit 0 on a 2xx answer, 1 otherwise.",
      "The signing secret comes from the HOOKLINE_SECRET environment variable or, in a terminal, a prompt that"
          + " does not echo; never from the command line. It is never printed."
    })
final class SendTestCommand implements Callable<Integer> {

  /** Headers java.net.http sets itself and refuses to take. */
  private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");

  /** The environment variable holding the signing secret. */
  static final String SECRET_VARIABLE = "HOOKLINE_SECRET";

  private static final String SECRET_REFUSED =
      " is not accepted: a secret on the command line lands in shell history and process lists. Set "
          + SECRET_VARIABLE
          + ", or leave it unset to be prompted.";

  @ParentCommand HooklineCli root;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--url",
      required = true,
      description =
          "Where to POST, e.g. http://localhost:8080/webhooks/github; with --source, a URL ending in / gets the"
              + " source's NAME appended.")
  URI url;

  @Option(
      names = "--source",
      paramLabel = "NAME=PROVIDER",
      description =
          "The source, named as the quick start and the Lambda functions name it, without the secret; replaces"
              + " --scheme.")
  String source;

  @Option(
      names = "--scheme",
      paramLabel = "PROVIDER",
      converter = SchemeConverter.class,
      completionCandidates = SchemeNames.class,
      description = "The provider (scheme) to sign as: ${COMPLETION-CANDIDATES}.")
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

  /** The catalog's provider names, for the help text and shell completion. */
  static final class SchemeNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Providers.names().iterator();
    }
  }

  /** Converts a provider's command-line name (any case, {@code -} or {@code _}) to its name in the catalog. */
  static final class SchemeConverter implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String v = value.toLowerCase(Locale.ROOT).replace('_', '-');
      if (!Providers.names().contains(v)) {
        throw new CommandLine.TypeConversionException(
            "unknown provider '" + value + "' (" + String.join(", ", Providers.names()) + ")");
      }
      return v;
    }
  }

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    if (secretOnCommandLine != null) {
      throw new CommandLine.ParameterException(cl, "--secret" + SECRET_REFUSED);
    }
    String provider;
    URI target = url;
    if (source != null) {
      if (scheme != null) {
        throw new CommandLine.ParameterException(cl, "--source and --scheme are alternatives: give one");
      }
      int eq = source.indexOf('=');
      if (eq <= 0 || eq == source.length() - 1) {
        throw new CommandLine.ParameterException(cl, "--source must be NAME=PROVIDER, was '" + source + "'");
      }
      if (source.indexOf(':', eq) >= 0) {
        // NAME=PROVIDER:SECRET is the quick start's and the Lambda functions' form; here the secret stays off the line.
        throw new CommandLine.ParameterException(cl, "--source with a secret (NAME=PROVIDER:SECRET)" + SECRET_REFUSED);
      }
      try {
        provider = new SchemeConverter().convert(source.substring(eq + 1));
      } catch (CommandLine.TypeConversionException e) {
        throw new CommandLine.ParameterException(cl, "--source: " + e.getMessage());
      }
      if (url.toString().endsWith("/")) {
        target = url.resolve(source.substring(0, eq));
      }
    } else {
      if (scheme == null) {
        throw new CommandLine.ParameterException(cl, "Missing --source NAME=PROVIDER, or --scheme PROVIDER");
      }
      provider = scheme;
    }
    String key = root.secret(SECRET_VARIABLE, "Signing secret for " + provider, cl);
    String payload =
        body != null ? body : "{\"type\":\"hookline.test\",\"id\":\"" + UUID.randomUUID() + "\"}";
    SignedRequest.Builder signed;
    try {
      signed = SignedRequest.forProvider(provider, key).body(payload);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("provider " + provider + " verifies public-key")) {
        throw new CommandLine.ParameterException(cl, e.getMessage() + "; send-test cannot sign as it");
      }
      // Only Standard Webhooks parses the secret (whsec_ + base64); the message must not echo it.
      throw new CommandLine.ParameterException(
          cl,
          "The signing secret is not valid for " + provider + " (expected whsec_<base64>)");
    }
    if (provider.equals("twilio") && payload.trim().startsWith("{")) {
      // Twilio signs a JSON body through bodySHA256 in the URL; a form body, through its sorted fields.
      signed.contentType("application/json");
    }
    byte[] bytes = signed.body();
    WebhookHeaders headers = signed.headers();

    HttpRequest.Builder request =
        HttpRequest.newBuilder(target).timeout(timeout).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
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
