package dev.hookline.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The {@code hookline} command: {@code dlq list}, {@code dlq redrive}, {@code queues ensure}, {@code idempotency
 * ensure-table}, {@code send-test}, and {@code generate-completion} (a bash/zsh completion script). {@code --version}
 * prints the version of the jar.
 *
 * <p>Exit codes: {@value #EXIT_OK} success, {@value #EXIT_FAILED} the operation failed (an AWS error, a rejected
 * test webhook, a redrive with failures), {@value #EXIT_USAGE} a usage error (picocli's default).
 *
 * <p>Secrets never come from the command line, where they would land in shell history and process lists: they come
 * from an environment variable or, in a terminal, a prompt that does not echo.
 *
 * <p>Thread-safety: a command line is run once, on one thread.
 */
@Command(
    name = "hookline",
    mixinStandardHelpOptions = true,
    versionProvider = HooklineCli.ManifestVersion.class,
    description =
        "Operate Hookline queues: inspect and redrive dead letters, provision queues and the idempotency table,"
            + " send test webhooks.",
    subcommands = {
      DlqCommand.class,
      QueuesCommand.class,
      IdempotencyCommand.class,
      SendTestCommand.class,
      AutoComplete.GenerateCompletion.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the operation failed", "2:usage error"})
public final class HooklineCli implements Runnable {

  /** Exit code for success. */
  public static final int EXIT_OK = 0;

  /** Exit code for an operation that failed. */
  public static final int EXIT_FAILED = 1;

  /** Exit code for a usage error. */
  public static final int EXIT_USAGE = 2;

  @Option(
      names = "--endpoint",
      scope = ScopeType.INHERIT,
      description = "SQS endpoint override, for example http://localhost:9324 for a local ElasticMQ.")
  URI endpoint;

  @Option(
      names = "--region",
      scope = ScopeType.INHERIT,
      description = "AWS region (default: the SDK's region chain; us-east-1 with --endpoint).")
  String region;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Reads an environment variable; null when unset. */
  private final UnaryOperator<String> environment;

  /** Where secrets are typed when no environment variable holds them. */
  private final SecretPrompt prompt;

  /** Creates the top-level command reading the process's environment and terminal; picocli calls this. */
  public HooklineCli() {
    this(System::getenv, SecretPrompt.console());
  }

  private HooklineCli(UnaryOperator<String> environment, SecretPrompt prompt) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.prompt = Objects.requireNonNull(prompt, "prompt");
  }

  /**
   * Runs the tool and exits the JVM with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /**
   * Returns a configured command line: errors print as one line, and an exception exits with
   * {@value #EXIT_FAILED}. Set its out and err writers to capture output.
   *
   * @return the command line
   */
  public static CommandLine newCommandLine() {
    return newCommandLine(System::getenv, SecretPrompt.console());
  }

  /** As {@link #newCommandLine()}, reading secrets from the given environment and prompt instead of the process's. */
  static CommandLine newCommandLine(UnaryOperator<String> environment, SecretPrompt prompt) {
    CommandLine cl = new CommandLine(new HooklineCli(environment, prompt));
    // picocli hides its completion command by default; it is one of ours, so list it.
    cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    // Every command's -V prints the same version (picocli's subcommands would otherwise print nothing).
    shareVersion(cl, new ManifestVersion());
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          String kind = ex instanceof SdkException ? "AWS error" : ex.getClass().getSimpleName();
          String message = ex.getMessage() != null ? ex.getMessage() : "(no message)";
          err.println("error: " + kind + ": " + message);
          err.flush();
          return EXIT_FAILED;
        });
    return cl;
  }

  private static void shareVersion(CommandLine command, CommandLine.IVersionProvider version) {
    command.getCommandSpec().versionProvider(version);
    command.getSubcommands().values().forEach(sub -> shareVersion(sub, version));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: use dlq, queues, idempotency or send-test");
  }

  /**
   * Returns a secret: the value of the environment variable if it is set and not empty, otherwise what the user
   * types at a prompt that does not echo. Never from the command line.
   *
   * @param variable the environment variable, for example {@code HOOKLINE_SECRET}
   * @param what what the secret is for, shown in the prompt
   * @param commandLine the command asking, for usage errors
   * @throws CommandLine.ParameterException when the variable is unset and there is no terminal to prompt on, or
   *     nothing was typed
   */
  String secret(String variable, String what, CommandLine commandLine) {
    String value = environment.apply(variable);
    if (value != null && !value.isEmpty()) {
      return value;
    }
    Optional<char[]> typed = prompt.read(what + " (input hidden; or set " + variable + "): ");
    if (typed.isEmpty()) {
      throw new CommandLine.ParameterException(
          commandLine, "Missing secret: set " + variable + ", or run in a terminal to be prompted for it");
    }
    if (typed.get().length == 0) {
      throw new CommandLine.ParameterException(commandLine, "Missing secret: nothing was typed");
    }
    return new String(typed.get());
  }

  /** Asks the user for a secret without echoing it. */
  @FunctionalInterface
  interface SecretPrompt {

    /**
     * Shows the prompt and reads a line without echo.
     *
     * @param text the prompt
     * @return what was typed, or empty when there is no terminal to ask on (or its input ended)
     */
    Optional<char[]> read(String text);

    /** The process's terminal ({@link System#console()}); empty when there is none, for example in CI. */
    static SecretPrompt console() {
      return text -> {
        Console console = System.console();
        return console == null ? Optional.empty() : Optional.ofNullable(console.readPassword("%s", text));
      };
    }
  }

  /**
   * The version of the jar the command runs from ({@code Implementation-Version} in its manifest, written by the
   * build), and the Java runtime's.
   */
  static final class ManifestVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "hookline " + version(HooklineCli.class.getPackage()),
        "Java ${java.version} (${java.vendor}), ${os.name} ${os.arch}"
      };
    }

    /** The package's implementation version, or a note saying why there is none (run from classes, not a jar). */
    static String version(Package pkg) {
      String version = pkg == null ? null : pkg.getImplementationVersion();
      return version != null ? version : "(unknown version: not run from a Hookline jar)";
    }
  }

  /** Builds an SQS client from the global options; the caller closes it. */
  SqsClient sqsClient() {
    return build(SqsClient.builder(), endpoint);
  }

  /**
   * Builds a CloudWatch client in the region of the global options; the caller closes it.
   *
   * @param endpointOverride the CloudWatch endpoint, or null for AWS's
   */
  CloudWatchClient cloudWatchClient(URI endpointOverride) {
    return build(CloudWatchClient.builder(), endpointOverride);
  }

  /**
   * Builds a DynamoDB client in the region of the global options; the caller closes it.
   *
   * @param endpointOverride the DynamoDB endpoint, or null for AWS's
   */
  DynamoDbClient dynamoDbClient(URI endpointOverride) {
    return build(DynamoDbClient.builder(), endpointOverride);
  }

  /** Returns the region the clients use, as the global options and the SDK's chain resolve it. */
  Region region() {
    return resolveRegion();
  }

  private <B extends AwsClientBuilder<B, C>, C> C build(B builder, URI endpointOverride) {
    if (endpointOverride != null) {
      builder.endpointOverride(endpointOverride);
    }
    return builder.region(resolveRegion()).build();
  }

  private Region resolveRegion() {
    if (region != null) {
      return Region.of(region);
    }
    Optional<Region> fromChain;
    try {
      fromChain = Optional.of(new DefaultAwsRegionProviderChain().getRegion());
    } catch (SdkException e) {
      fromChain = Optional.empty();
    }
    if (fromChain.isPresent()) {
      return fromChain.get();
    }
    if (endpoint != null) {
      return Region.US_EAST_1;
    }
    throw new CommandLine.ParameterException(spec.commandLine(), "No region: pass --region or set AWS_REGION");
  }

  /** Resolves a queue given by URL or by name. */
  static String queueUrl(SqsClient sqs, String urlOrName) {
    if (urlOrName.startsWith("http://") || urlOrName.startsWith("https://")) {
      return urlOrName;
    }
    return sqs.getQueueUrl(b -> b.queueName(urlOrName)).queueUrl();
  }
}
