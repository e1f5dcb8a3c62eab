package dev.hookline.examples.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.signature.Providers;
import dev.hookline.lambda.SqsBatchFunction;
import dev.hookline.sqs.admin.ApiGatewayDirectIntegration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.hookline.core.idempotency.Claim;
import dev.hookline.idempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.hookline.testkit.DynamoDbExtension;
import dev.hookline.testkit.EmbeddedDynamoDb;
import dev.hookline.testkit.FaultProxy;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.regions.Region;

/**
 * Keeps the SAM templates honest: the classes they name exist, the environment variables they set are the ones the
 * functions read, and the direct integration's template is current.
 */
class TemplateTest {

  private static final List<String> TEMPLATES = List.of("template.yaml", "template-direct.yaml");
  /** The adapter's documentation of the variables its functions read, relative to this module. */
  private static final String ADAPTER_README = "../../webhook-lambda-adapter/README.md";

  private static final Pattern HANDLER = Pattern.compile("Handler: ([\\w.]+)::handleRequest");
  private static final Pattern HOOKLINE_HANDLER = Pattern.compile("HOOKLINE_HANDLER: ([\\w.]+)");
  private static final Pattern ANY_VARIABLE = Pattern.compile("(HOOKLINE_[A-Z0-9_]+)");
  private static final Pattern VARIABLE = Pattern.compile("(?m)^\\s+(HOOKLINE_[A-Z0-9_]+):\\s*(.*?)\\s*$");
  /** A row of the README's table: {@code | `HOOKLINE_X` | used by | meaning |}. */
  private static final Pattern DOCUMENTED =
      Pattern.compile("(?m)^\\| `(HOOKLINE_[A-Z_<>]+)` \\| ([^|]+) \\| (.+) \\|$");
  private static final String SECRET_PREFIX = "HOOKLINE_SECRET_";
  private static final String SECRET_ROW = SECRET_PREFIX + "<NAME>";

  private static String read(String file) throws IOException {
    return Files.readString(Path.of(file), StandardCharsets.UTF_8);
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  void functionsAndHandlersNamedByTheTemplatesExist() throws Exception {
    for (String file : TEMPLATES) {
      String template = read(file);
      List<String> functions = all(HANDLER, template);
      List<String> handlers = all(HOOKLINE_HANDLER, template);

      assertThat(functions).as(file).isNotEmpty();
      for (String name : functions) {
        assertThat(RequestHandler.class.isAssignableFrom(Class.forName(name))).as(name).isTrue();
      }
      assertThat(handlers).as(file).isNotEmpty();
      for (String name : handlers) {
        Class<?> type = Class.forName(name);
        assertThat(WebhookHandler.class.isAssignableFrom(type)).as(name).isTrue();
        assertThat(type.getConstructor().newInstance()).isNotNull();
      }
    }
  }

  @Test
  void directIntegrationTemplateIsTheGeneratorsOutput() throws Exception {
    String generated =
        ApiGatewayDirectIntegration.builder()
            .apiName("hookline-webhooks-direct")
            .region(Region.US_EAST_1)
            .queueUrl("https://sqs.us-east-1.amazonaws.com/123456789012/webhooks")
            .roleArn("arn:aws:iam::123456789012:role/apigateway-sqs")
            .schemes(List.of("github"))
            .build()
            .requestTemplate();
    String template = read("template-direct.yaml");

    // The YAML block holds exactly the generated lines (indentation aside).
    Matcher block = Pattern.compile("(?ms)application/json: \\|\n(.*?)\n\\s*responses:").matcher(template);
    assertThat(block.find()).as("template-direct.yaml has the request template block").isTrue();
    List<String> copied = block.group(1).lines().map(String::strip).collect(java.util.stream.Collectors.toList());
    List<String> expected = generated.strip().lines().map(String::strip).collect(java.util.stream.Collectors.toList());
    assertThat(copied).containsExactlyElementsOf(expected);
  }

  /** A row of the adapter README's variable table. */
  private record Documented(String usedBy, String meaning) {}

  /** A function resource: its logical id, its handler class and the {@code HOOKLINE_} variables it sets. */
  private record Function(String name, String handler, Map<String, String> variables) {}

  private static Map<String, Documented> documentedVariables() throws IOException {
    Map<String, Documented> rows = new LinkedHashMap<>();
    Matcher m = DOCUMENTED.matcher(read(ADAPTER_README));
    while (m.find()) {
      rows.put(m.group(1), new Documented(m.group(2).strip(), m.group(3).strip()));
    }
    return rows;
  }

  /** Returns the template's functions; a resource is a two-space-indented key under {@code Resources:}. */
  private static List<Function> functions(String file) throws IOException {
    Matcher section = Pattern.compile("(?ms)^Resources:\n(.*?)(?=^\\S|\\z)").matcher(read(file));
    assertThat(section.find()).as("%s has a Resources section", file).isTrue();
    List<Function> functions = new ArrayList<>();
    for (String resource : section.group(1).split("(?m)^(?=  \\w+:\\s*$)")) {
      if (!resource.contains("Type: AWS::Serverless::Function")) {
        continue;
      }
      Map<String, String> variables = new LinkedHashMap<>();
      Matcher v = VARIABLE.matcher(resource);
      while (v.find()) {
        variables.put(v.group(1), v.group(2));
      }
      List<String> handlers = all(HANDLER, resource);
      assertThat(handlers).as("%s: one handler per function", file).hasSize(1);
      functions.add(new Function(resource.strip().split(":")[0], handlers.get(0), variables));
    }
    return functions;
  }

  /** The variable holding a source's secret, as the adapter's README describes it. */
  private static String secretVariable(String sourceName) {
    return SECRET_PREFIX + sourceName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  @Test
  void environmentVariablesAreOnesTheFunctionsRead() throws Exception {
    Map<String, Documented> documented = documentedVariables();
    assertThat(documented).as("the variable table in " + ADAPTER_README).containsKeys("HOOKLINE_QUEUE_URL", SECRET_ROW);

    for (String file : TEMPLATES) {
      // Anywhere in the template, descriptions and comments included, only documented names appear.
      for (String name : all(ANY_VARIABLE, read(file))) {
        String row = name.startsWith(SECRET_PREFIX) ? SECRET_ROW : name;
        assertThat(documented).as("%s names %s", file, name).containsKey(row);
      }
      List<Function> functions = functions(file);
      assertThat(functions).as(file).isNotEmpty();
      for (Function f : functions) {
        String what = file + " " + f.name();
        // The README's "Used by" column says "receivers" or "SQS".
        String kind = SqsBatchFunction.class.isAssignableFrom(Class.forName(f.handler())) ? "SQS" : "receivers";
        for (String variable : f.variables().keySet()) {
          if (!variable.startsWith(SECRET_PREFIX)) {
            assertThat(documented.get(variable).usedBy()).as("%s sets %s", what, variable).contains(kind);
          }
        }
        documented.forEach(
            (variable, row) -> {
              if (row.usedBy().contains(kind + " (required)")) {
                assertThat(f.variables()).as("%s must set %s", what, variable).containsKey(variable);
              }
            });
        if (f.handler().equals(SqsBatchFunction.class.getName())) {
          // Its no-argument constructor instantiates the class named here.
          assertThat(f.variables()).as(what).containsKey("HOOKLINE_HANDLER");
        }

        // Every source has a known scheme and its secret, and every secret belongs to a source.
        List<String> secrets = new ArrayList<>();
        String sources = f.variables().getOrDefault("HOOKLINE_SOURCES", "");
        for (String pair : sources.isEmpty() ? new String[0] : sources.split(",")) {
          String[] nameAndScheme = pair.strip().split(":");
          assertThat(nameAndScheme).as("%s HOOKLINE_SOURCES entry %s", what, pair).hasSize(2);
          assertThat(documented.get("HOOKLINE_SOURCES").meaning()).contains("`" + nameAndScheme[1] + "`");
          assertThat(Providers.find(nameAndScheme[1].strip())).as("%s provider %s", what, pair).isPresent();
          secrets.add(secretVariable(nameAndScheme[0]));
        }
        assertThat(f.variables().keySet().stream().filter(v -> v.startsWith(SECRET_PREFIX)))
            .as(what)
            .containsExactlyInAnyOrderElementsOf(secrets);
      }
    }
  }

  @RegisterExtension static final DynamoDbExtension DYNAMODB = new DynamoDbExtension();

  /**
   * The batch function's DynamoDB grant is exactly the calls the idempotency store makes: every path of the store
   * (start, a won claim, a claim held by another, a complete, a refused complete, a release) is run against dynalite
   * through a proxy that records each call's action, and the set must equal the actions the templates allow.
   */
  @Test
  void theIdempotencyGrantIsExactlyTheCallsTheStoreMakes() throws Exception {
    String table = DYNAMODB.uniqueTableName("grant");
    DYNAMODB.createTable(
        CreateTableRequest.builder()
            .tableName(table)
            .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
            .attributeDefinitions(
                AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
            .billingMode("PAY_PER_REQUEST")
            .build());
    Set<String> used;
    try (FaultProxy proxy = FaultProxy.start(DYNAMODB.server().endpoint());
        DynamoDbAsyncClient client = EmbeddedDynamoDb.newAsyncClient(proxy.endpoint())) {
      DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.builder().client(client).tableName(table).build();
      store.start();
      Claim.Acquired first = (Claim.Acquired) store.claim("a", Duration.ofMinutes(1));
      assertThat(store.claim("a", Duration.ofMinutes(1)).isInProgress()).isTrue();
      assertThat(store.release(first)).isTrue();
      Claim.Acquired second = (Claim.Acquired) store.claim("a", Duration.ofMinutes(1));
      assertThat(store.complete(first)).isFalse();
      assertThat(store.complete(second)).isTrue();
      assertThat(store.claim("a", Duration.ofMinutes(1)).isDone()).isTrue();
      used = proxy.actions().stream().map(a -> "dynamodb:" + a).collect(Collectors.toCollection(TreeSet::new));
    }
    Pattern grant = Pattern.compile("(?m)^\\s+- (dynamodb:\\w+)\\s*$");
    for (String file : TEMPLATES) {
      assertThat(new TreeSet<>(all(grant, read(file)))).as(file).isEqualTo(used);
    }
  }

  @Test
  void maxAttemptsStayBelowTheRedriveSafetyNet() throws Exception {
    for (String file : TEMPLATES) {
      String template = read(file);
      Matcher maxAttempts =
          Pattern.compile("(?m)^  MaxAttempts:\n(?:    .*\n)*?    MaxValue: (\\d+)").matcher(template);
      Matcher receives = Pattern.compile("maxReceiveCount: (\\d+)").matcher(template);
      assertThat(maxAttempts.find()).as("%s: MaxAttempts has a MaxValue", file).isTrue();
      assertThat(receives.find()).as("%s: the queue has a redrive policy", file).isTrue();
      assertThat(Integer.parseInt(maxAttempts.group(1))).as(file).isLessThan(Integer.parseInt(receives.group(1)));
    }
  }
}
