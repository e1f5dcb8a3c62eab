package dev.hookline.cli;

import dev.hookline.idempotency.dynamodb.IdempotencyTableProvisioner;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code hookline idempotency}: provision the shared idempotency store's DynamoDB table. */
@Command(
    name = "idempotency",
    mixinStandardHelpOptions = true,
    description = "Provision the idempotency store.",
    subcommands = {IdempotencyCommand.EnsureTableCommand.class})
final class IdempotencyCommand implements Runnable {

  @ParentCommand HooklineCli root;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: use ensure-table");
  }

  /** {@code hookline idempotency ensure-table}. */
  @Command(
      name = "ensure-table",
      mixinStandardHelpOptions = true,
      description = {
        "Create the DynamoDB table of the idempotency store if missing (partition key id of type S, on-demand"
            + " capacity) and turn on its TTL (attribute ttl). An existing table is checked and kept."
      })
  static final class EnsureTableCommand implements Callable<Integer> {

    @ParentCommand IdempotencyCommand parent;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--table", required = true, description = "The table's name.")
    String table;

    @Option(names = "--dynamodb-endpoint", description = "DynamoDB endpoint override, for a local stand-in.")
    URI dynamoDbEndpoint;

    @Override
    public Integer call() {
      IdempotencyTableProvisioner provisioner;
      try (DynamoDbClient dynamoDb = parent.root.dynamoDbClient(dynamoDbEndpoint)) {
        try {
          provisioner = IdempotencyTableProvisioner.builder().client(dynamoDb).tableName(table).build();
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        IdempotencyTableProvisioner.Result result = provisioner.provision();
        PrintWriter out = spec.commandLine().getOut();
        out.println("table:   " + result.tableName() + " (" + parent.root.region().id() + ")");
        out.println("created: " + (result.created() ? "yes" : "no, it existed"));
        out.println("ttl:     " + (result.ttlEnabled() ? "turned on (attribute ttl)" : "already on (attribute ttl)"));
        out.flush();
        return HooklineCli.EXIT_OK;
      }
    }
  }
}
