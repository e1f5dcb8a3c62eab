package dev.hookline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testkit.DynamoDbExtension;
import dev.hookline.testkit.Fault;
import dev.hookline.testkit.FaultProxy;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.model.KeyType;

/**
 * {@code hookline idempotency ensure-table} against dynalite, through a fault proxy that answers
 * {@code UpdateTimeToLive} (dynalite does not implement it) and records the request.
 */
class IdempotencyCommandIntegrationTest {

  @RegisterExtension static final DynamoDbExtension DYNAMODB = new DynamoDbExtension();

  private FaultProxy proxy;

  @BeforeAll
  static void credentials() {
    System.setProperty("aws.accessKeyId", "x");
    System.setProperty("aws.secretAccessKey", "x");
  }

  @BeforeEach
  void proxy() {
    proxy = FaultProxy.start(DYNAMODB.server().endpoint());
    proxy.failAlways(Fault.reply("{}"), "UpdateTimeToLive");
  }

  @AfterEach
  void close() {
    proxy.close();
  }

  private String[] run(String... args) {
    CommandLine cl = HooklineCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new String[] {Integer.toString(exit), out.toString(), err.toString()};
  }

  @Test
  void ensureTableCreatesTheTableWithTtlAndIsIdempotent() {
    String table = DYNAMODB.uniqueTableName("cli");
    String[] first =
        run("idempotency", "ensure-table", "--table", table, "--region", "eu-west-1",
            "--dynamodb-endpoint", proxy.endpoint().toString());
    assertThat(first[0]).as(first[2]).isEqualTo("0");
    assertThat(first[1])
        .contains("table:   " + table + " (eu-west-1)")
        .contains("created: yes")
        .contains("ttl:     turned on (attribute ttl)");
    assertThat(DYNAMODB.syncClient().describeTable(b -> b.tableName(table)).table().keySchema().get(0).keyType())
        .isEqualTo(KeyType.HASH);
    assertThat(proxy.requests("UpdateTimeToLive").get(0).body())
        .contains("\"AttributeName\":\"ttl\"")
        .contains("\"Enabled\":true");

    String[] second =
        run("idempotency", "ensure-table", "--table", table, "--region", "eu-west-1",
            "--dynamodb-endpoint", proxy.endpoint().toString());
    assertThat(second[0]).isEqualTo("0");
    assertThat(second[1]).contains("created: no, it existed");
  }

  @Test
  void aBadTableNameIsAUsageError() {
    String[] r = run("idempotency", "ensure-table", "--table", "x", "--region", "eu-west-1");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("tableName must be 3 to 255 characters");
  }
}
