package dev.hookline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.sqs.admin.DeadLetterFilter;
import dev.hookline.sqs.admin.DeadLetterInfo;
import dev.hookline.sqs.admin.DlqInspector;
import dev.hookline.sqs.admin.DlqRedriver;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code hookline dlq}: list and redrive dead-lettered webhooks. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "Inspect and redrive a dead-letter queue.",
    subcommands = {DlqCommand.ListCommand.class, DlqCommand.RedriveCommand.class})
final class DlqCommand implements Runnable {

  @ParentCommand HooklineCli root;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: use list or redrive");
  }

  /** {@code hookline dlq list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List dead-lettered messages with their failure reasons, without consuming them.")
  static final class ListCommand implements Callable<Integer> {

    @ParentCommand DlqCommand parent;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--dlq", required = true, description = "The dead-letter queue: URL or name.")
    String dlq;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--summary", description = "Print counts by reason and by source instead of each message.")
    boolean summary;

    @Option(names = "--max", defaultValue = "1000", description = "Most messages to read (default ${DEFAULT-VALUE}).")
    int max;

    @Override
    public Integer call() throws Exception {
      if (max < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--max must be >= 1, was " + max);
      }
      PrintWriter out = spec.commandLine().getOut();
      try (SqsClient sqs = parent.root.sqsClient()) {
        String url = HooklineCli.queueUrl(sqs, dlq);
        List<DeadLetterInfo> infos = inspector(sqs, url, max).list();
        ObjectMapper mapper = new ObjectMapper();
        if (summary) {
          DlqInspector.Summary s = DlqInspector.Summary.of(infos);
          if (json) {
            ObjectNode node = mapper.createObjectNode();
            node.put("total", s.total());
            s.byReason().forEach(node.putObject("byReason")::put);
            ObjectNode bySource = node.putObject("bySource");
            s.bySource().forEach(bySource::put);
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node));
          } else {
            out.println("total: " + s.total());
            out.println("by reason:");
            s.byReason().forEach((k, v) -> out.printf("  %-24s %d%n", k, v));
            out.println("by source:");
            s.bySource().forEach((k, v) -> out.printf("  %-24s %d%n", k, v));
          }
        } else if (json) {
          ArrayNode array = mapper.createArrayNode();
          for (DeadLetterInfo i : infos) {
            ObjectNode n = array.addObject();
            n.put("messageId", i.messageId());
            n.put("reason", i.reason());
            i.errorType().ifPresent(v -> n.put("errorType", v));
            i.errorMessage().ifPresent(v -> n.put("errorMessage", v));
            i.attempts().ifPresent(v -> n.put("attempts", v));
            i.firstReceivedAt().ifPresent(v -> n.put("firstReceivedAt", v.toString()));
            i.lastFailedAt().ifPresent(v -> n.put("lastFailedAt", v.toString()));
            i.source().ifPresent(v -> n.put("source", v));
            i.deliveryId().ifPresent(v -> n.put("deliveryId", v));
            i.originalMessageId().ifPresent(v -> n.put("originalMessageId", v));
            i.sentAt().ifPresent(v -> n.put("sentAt", v.toString()));
          }
          out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array));
        } else {
          String format = "%-36s  %-22s  %-12s  %-36s  %8s  %-24s  %s%n";
          out.printf(format, "MESSAGE ID", "REASON", "SOURCE", "DELIVERY ID", "ATTEMPTS", "LAST FAILED", "ERROR");
          for (DeadLetterInfo i : infos) {
            out.printf(
                format,
                i.messageId(),
                i.reason(),
                i.source().orElse("-"),
                i.deliveryId().orElse("-"),
                i.attempts().isPresent() ? Integer.toString(i.attempts().getAsInt()) : "-",
                i.lastFailedAt().map(Instant::toString).orElse("-"),
                i.errorType().orElse("-"));
          }
          out.println(infos.size() + " message(s)");
        }
      }
      out.flush();
      return HooklineCli.EXIT_OK;
    }
  }

  /** {@code hookline dlq redrive}. */
  @Command(
      name = "redrive",
      mixinStandardHelpOptions = true,
      description = {
        "Send dead-lettered messages back to be processed again.",
        "--all uses an SQS message move task (messages are moved as they are); the filters (--source, --reason,"
            + " --since, --until, --delivery-id, combinable) send each matching message to --to with its failure"
            + " attributes dropped, then delete it from the DLQ. A failure between the two steps may leave a"
            + " message in both queues, never in neither."
      })
  static final class RedriveCommand implements Callable<Integer> {

    @ParentCommand DlqCommand parent;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--dlq", required = true, description = "The dead-letter queue: URL or name.")
    String dlq;

    @Option(
        names = "--to",
        description = "The queue to send to: URL or name. Required with filters; with --all, default is each"
            + " message's original queue (known only for messages that SQS itself dead-lettered).")
    String to;

    @Option(names = "--all", description = "Redrive every message with an SQS message move task.")
    boolean all;

    @Option(names = "--source", description = "Only messages from this webhook source.")
    String source;

    @Option(names = "--reason", description = "Only messages with this failure reason (e.g. handler_failed).")
    String reason;

    @Option(names = "--since", description = "Only messages whose last failure is at or after this ISO-8601 instant.")
    Instant since;

    @Option(names = "--until", description = "Only messages whose last failure is before this ISO-8601 instant.")
    Instant until;

    @Option(names = "--delivery-id", description = "Only these delivery ids (repeatable).")
    Set<String> deliveryIds;

    @Option(names = "--rate", description = "With --all: most messages moved per second (1-500).")
    Integer rate;

    @Option(names = "--dry-run", description = "Report what would be redriven; change nothing.")
    boolean dryRun;

    @Option(
        names = "--timeout",
        defaultValue = "PT10M",
        description = "With --all: how long to wait for the move task (ISO-8601 duration, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
      boolean filtered =
          source != null || reason != null || since != null || until != null
              || (deliveryIds != null && !deliveryIds.isEmpty());
      if (all == filtered) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Use either --all or at least one filter (--source, --reason, --since, --until,"
                + " --delivery-id), not both");
      }
      if (filtered && to == null && !dryRun) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--to is required with filters");
      }
      if (rate != null && (!all || rate < 1 || rate > 500)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be 1..500 and used with --all");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (SqsClient sqs = parent.root.sqsClient()) {
        String dlqUrl = HooklineCli.queueUrl(sqs, dlq);
        DeadLetterFilter filter = filter();
        if (dryRun) {
          List<DeadLetterInfo> infos = inspector(sqs, dlqUrl, 10_000).list();
          long matching = infos.stream().filter(filter::matches).count();
          out.printf("dry run: %d of %d message(s) would be redriven%n", matching, infos.size());
          out.flush();
          return HooklineCli.EXIT_OK;
        }
        DlqRedriver redriver = DlqRedriver.builder().sqsClient(sqs).dlqUrl(dlqUrl).build();
        Optional<String> target = to == null ? Optional.empty() : Optional.of(HooklineCli.queueUrl(sqs, to));
        if (all) {
          DlqRedriver.MoveTaskStatus status =
              redriver.redriveAll(
                  target,
                  Optional.ofNullable(rate),
                  timeout,
                  s -> {
                    out.printf("move task %s: %d of %d moved%n", s.status(), s.moved(), s.toMove());
                    out.flush();
                  });
          out.flush();
          return "COMPLETED".equals(status.status()) ? HooklineCli.EXIT_OK : HooklineCli.EXIT_FAILED;
        }
        DlqRedriver.RedriveReport report = redriver.redriveMatching(filter, target.orElseThrow());
        out.printf("moved: %d, skipped: %d, failed: %d%n", report.moved(), report.skipped(), report.failed());
        for (String id : report.failedMessageIds()) {
          out.println("failed: " + id);
        }
        out.flush();
        return report.failed() == 0 ? HooklineCli.EXIT_OK : HooklineCli.EXIT_FAILED;
      }
    }

    private DeadLetterFilter filter() {
      DeadLetterFilter f = DeadLetterFilter.all();
      if (source != null) {
        f = f.withSource(source);
      }
      if (reason != null) {
        f = f.withReason(reason);
      }
      if (since != null || until != null) {
        f = f.withLastFailedBetween(since, until);
      }
      if (deliveryIds != null && !deliveryIds.isEmpty()) {
        f = f.withDeliveryIds(deliveryIds);
      }
      return f;
    }
  }

  static DlqInspector inspector(SqsClient sqs, String url, int max) {
    return DlqInspector.builder().sqsClient(sqs).dlqUrl(url).maxMessages(max).build();
  }

}
