package dev.hookline.cli;

import dev.hookline.sqs.admin.AttributeDrift;
import dev.hookline.sqs.admin.ProvisionResult;
import dev.hookline.sqs.admin.QueueProvisioner;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
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
      description = "Create the queue and its DLQ with Hookline's settings if missing; report settings that differ.")
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

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (SqsClient sqs = parent.root.sqsClient()) {
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
        out.flush();
        return HooklineCli.EXIT_OK;
      }
    }
  }
}
