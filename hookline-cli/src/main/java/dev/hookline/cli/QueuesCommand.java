package dev.hookline.cli;

import dev.hookline.sqs.admin.AttributeDrift;
import dev.hookline.sqs.admin.DlqAlarm;
import dev.hookline.sqs.admin.ProvisionResult;
import dev.hookline.sqs.admin.QueueProvisioner;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code hookline queues}: provision the webhook queue and its DLQ. */
@Command(
    name = "queues",
    mixinStandardHelpOptions = true,
    description = "Provision queues.",
    subcommands = {QueuesCommand.EnsureCommand.class})
final class QueuesCommand implements Runnable {

  @ParentCommand HooklineCli root;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: use ensure");
  }

  /** {@code hookline queues ensure}. */
  @Command(
      name = "ensure",
      mixinStandardHelpOptions = true,
      description = {
        "Create the queue and its DLQ with Hookline's settings if missing; report settings that differ.",
        "With --alarm, also create or update a CloudWatch alarm that fires when the DLQ holds any message"
            + " (AWS/SQS ApproximateNumberOfMessagesVisible > 0, named <dlq>-not-empty)."
      })
  static final class EnsureCommand implements Callable<Integer> {

    @ParentCommand QueuesCommand parent;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--queue", required = true, description = "The queue's name (ending .fifo for FIFO).")
    String queue;

    @Option(names = "--dlq", description = "The DLQ's name (default: <queue>-dlq).")
    String dlq;

    @Option(names = "--max-receive-count", description = "Receives before SQS moves a message to the DLQ.")
    Integer maxReceiveCount;

    @Option(
        names = "--max-attempts",
        description = "The consumer's retry policy maxAttempts, which --max-receive-count must exceed.")
    Integer maxAttempts;

    @Option(names = "--update", description = "Change settings that differ instead of only reporting them.")
    boolean update;

    @Option(names = "--alarm", description = "Also put a CloudWatch alarm on the DLQ: any message in it fires it.")
    boolean alarm;

    @Option(
        names = "--alarm-period",
        description = "With --alarm: the alarm's period, whole minutes as an ISO-8601 duration (default PT1M).")
    Duration alarmPeriod;

    @Option(
        names = "--alarm-sns-arn",
        description = "With --alarm: the SNS topic (or other action ARN) notified when the alarm fires (default: none).")
    String alarmSnsArn;

    @Option(
        names = "--cloudwatch-endpoint",
        description = "With --alarm: CloudWatch endpoint override, for a local stand-in.")
    URI cloudWatchEndpoint;

    @Override
    public Integer call() {
      if (!alarm && (alarmPeriod != null || alarmSnsArn != null || cloudWatchEndpoint != null)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--alarm-period, --alarm-sns-arn and --cloudwatch-endpoint need --alarm");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (SqsClient sqs = parent.root.sqsClient();
          CloudWatchClient cloudWatch = alarm ? parent.root.cloudWatchClient(cloudWatchEndpoint) : null) {
        QueueProvisioner.Builder b =
            QueueProvisioner.builder().client(sqs).queueName(queue).fifo(queue.endsWith(".fifo")).updateOnDrift(update);
        if (dlq != null) {
          b.dlqName(dlq);
        }
        if (maxReceiveCount != null) {
          b.maxReceiveCount(maxReceiveCount);
        }
        if (maxAttempts != null) {
          b.maxAttempts(maxAttempts);
        }
        if (alarm) {
          b.dlqAlarm(cloudWatch, this::alarmOptions);
        }
        QueueProvisioner provisioner;
        try {
          provisioner = b.build();
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ProvisionResult result = provisioner.provision();
        out.println("queue: " + result.queueUrl());
        out.println("dlq:   " + result.dlqUrl());
        out.println("created: " + (result.created().isEmpty() ? "none" : String.join(", ", result.created())));
        for (AttributeDrift d : result.drift()) {
          out.println("drift: " + d);
        }
        if (result.updated()) {
          out.println("updated settings that differed");
        }
        result.alarmName().ifPresent(name -> out.println("alarm: " + name));
        out.flush();
        return HooklineCli.EXIT_OK;
      }
    }

    private void alarmOptions(DlqAlarm.Builder b) {
      if (alarmPeriod != null) {
        b.period(alarmPeriod);
      }
      if (alarmSnsArn != null) {
        b.actionArn(alarmSnsArn);
      }
    }
  }
}
