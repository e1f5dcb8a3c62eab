package dev.hookline.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.util.Optional;
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
 * The {@code hookline} command: {@code dlq list}, {@code dlq redrive}, {@code queues ensure},
 * {@code idempotency ensure-table} and {@code send-test}.
 *
 * <p>Exit codes: {@value #EXIT_OK} success, {@value #EXIT_FAILED} the operation failed (an AWS error, a rejected
 * test webhook, a redrive with failures), {@value #EXIT_USAGE} a usage error (picocli's default).
 *
 * <p>Thread-safety: a command line is run once, on one thread.
 */
@Command(
    name = "hookline",
    mixinStandardHelpOptions = true,
    version = "hookline 0.1.0",
    description =
        "Operate Hookline queues: inspect and redrive dead letters, provision queues and the idempotency table,"
            + " send test webhooks.",
    subcommands = {DlqCommand.class, QueuesCommand.class, IdempotencyCommand.class, SendTestCommand.class},
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

  /** Creates the top-level command; picocli calls this. */
  public HooklineCli() {}

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
    CommandLine cl = new CommandLine(new HooklineCli());
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

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: use dlq, queues, idempotency or send-test");
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
