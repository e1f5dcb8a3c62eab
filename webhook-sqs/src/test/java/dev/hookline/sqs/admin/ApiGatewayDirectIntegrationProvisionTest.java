package dev.hookline.sqs.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;

/** Provisions against {@link ApiGatewayStub} and checks the wire requests the SDK sends. */
class ApiGatewayDirectIntegrationProvisionTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/apigateway-sqs-send";

  private ApiGatewayStub stub;
  private ApiGatewayClient client;

  @BeforeEach
  void start() throws Exception {
    stub = new ApiGatewayStub();
    client = stub.newClient();
  }

  @AfterEach
  void stop() {
    client.close();
    stub.close();
  }

  private static ApiGatewayDirectIntegration.Builder integration() {
    return ApiGatewayDirectIntegration.builder()
        .apiName("hookline-webhooks")
        .region(Region.EU_WEST_1)
        .queueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks")
        .roleArn(ROLE)
        .schemes(List.of("standard-webhooks", "github", "stripe"))
        .deliveryIdHeader("webhook-id");
  }

  private static String deploymentDescription(ApiGatewayDirectIntegration integration) {
    return new DirectIntegrationDefinition(integration).deploymentDescription();
  }

  private static List<String> lines(List<ApiGatewayStub.Request> requests) {
    return requests.stream().map(ApiGatewayStub.Request::toString).collect(Collectors.toList());
  }

  @Test
  void createsApiResourcesMethodIntegrationResponsesAndDeployment() {
    // Other APIs in the account, more than one page of them: the lookup must paginate.
    stub.seedApi("orders");
    stub.seedApi("payments");
    stub.seedApi("inventory");
    ApiGatewayDirectIntegration integration = integration().build();

    DirectIntegrationResult result = integration.provision(client);

    assertThat(result.created()).isTrue();
    assertThat(result.deployed()).isTrue();
    String apiId = result.restApiId();
    assertThat(result.invokeUrl())
        .isEqualTo(URI.create("https://" + apiId + ".execute-api.eu-west-1.amazonaws.com/prod"));
    assertThat(result.webhookUrl("team a+b").toString()).endsWith("/prod/webhooks/team%20a%2Bb");
    assertThat(result.webhookUrl("github"))
        .isEqualTo(URI.create("https://" + apiId + ".execute-api.eu-west-1.amazonaws.com/prod/webhooks/github"));

    List<ApiGatewayStub.Request> all = stub.requests();
    // Two pages of existing APIs were read before deciding to create.
    assertThat(all.stream().filter(r -> r.method().equals("GET") && r.path().equals("/restapis")))
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.query()).containsEntry("limit", "500"))
        .anySatisfy(r -> assertThat(r.query()).containsEntry("position", "2"));

    String methodPath = "/restapis/" + apiId + "/resources/";
    List<String> writes = lines(stub.writes());
    assertThat(writes.get(0)).isEqualTo("POST /restapis");
    assertThat(writes.get(1)).matches("POST /restapis/" + apiId + "/resources/\\w+");
    assertThat(writes.get(2)).matches("POST /restapis/" + apiId + "/resources/\\w+");
    assertThat(writes.get(3)).matches("PUT " + methodPath + "\\w+/methods/POST");
    assertThat(writes.get(4)).matches("PUT " + methodPath + "\\w+/methods/POST/integration");
    assertThat(writes.subList(5, 11))
        .allMatch(w -> w.matches("PUT " + methodPath + "\\w+/methods/POST/(integration/)?responses/(200|500|503)"));
    assertThat(writes.get(11)).isEqualTo("POST /restapis/" + apiId + "/deployments");
    assertThat(writes).hasSize(12);

    List<ApiGatewayStub.Request> w = stub.writes();
    JsonNode create = w.get(0).body();
    assertThat(create.get("name").asText()).isEqualTo("hookline-webhooks");
    assertThat(create.at("/endpointConfiguration/types/0").asText()).isEqualTo("REGIONAL");
    assertThat(w.get(1).body().get("pathPart").asText()).isEqualTo("webhooks");
    assertThat(w.get(2).body().get("pathPart").asText()).isEqualTo("{source}");
    assertThat(stub.resourcePaths(apiId)).containsExactly("/", "/webhooks", "/webhooks/{source}");
    // The {source} resource hangs off the one created just before.
    String webhooksId = w.get(1).path().substring(w.get(1).path().lastIndexOf('/') + 1);
    assertThat(webhooksId).isNotBlank();

    JsonNode method = w.get(3).body();
    assertThat(method.get("authorizationType").asText()).isEqualTo("NONE");
    assertThat(method.at("/requestParameters/method.request.path.source").asBoolean()).isTrue();
    assertThat(method.at("/requestParameters/method.request.header.webhook-signature").isBoolean()).isTrue();

    JsonNode put = w.get(4).body();
    assertThat(put.get("type").asText()).isEqualTo("AWS");
    assertThat(put.get("httpMethod").asText()).isEqualTo("POST");
    assertThat(put.get("uri").asText()).isEqualTo("arn:aws:apigateway:eu-west-1:sqs:path/123456789012/webhooks");
    assertThat(put.get("credentials").asText()).isEqualTo(ROLE);
    assertThat(put.get("passthroughBehavior").asText()).isEqualTo("NEVER");
    assertThat(put.at("/requestParameters/integration.request.header.Content-Type").asText())
        .isEqualTo("'application/x-www-form-urlencoded'");
    assertThat(put.get("requestTemplates").get("application/json").asText())
        .isEqualTo(integration.requestTemplate())
        .contains("Action=SendMessage")
        .contains("$util.urlEncode($input.body)");
    List<String> contentTypes = new java.util.ArrayList<>();
    put.get("requestTemplates").fieldNames().forEachRemaining(contentTypes::add);
    assertThat(contentTypes)
        .containsExactly("application/json", "application/x-www-form-urlencoded", "text/plain");

    Map<String, JsonNode> integrationResponses =
        w.stream()
            .filter(r -> r.path().contains("/integration/responses/"))
            .collect(Collectors.toMap(r -> r.path().substring(r.path().lastIndexOf('/') + 1), r -> r.body()));
    assertThat(integrationResponses).containsOnlyKeys("200", "500", "503");
    assertThat(integrationResponses.get("200").has("selectionPattern")).isFalse();
    assertThat(integrationResponses.get("500").get("selectionPattern").asText()).isEqualTo("4\\d{2}");
    assertThat(integrationResponses.get("503").get("selectionPattern").asText()).isEqualTo("5\\d{2}");
    assertThat(integrationResponses.get("200").at("/responseTemplates/application~1json").asText())
        .contains("$context.requestId");

    JsonNode deployment = w.get(11).body();
    assertThat(deployment.get("stageName").asText()).isEqualTo("prod");
    assertThat(deployment.get("description").asText()).isEqualTo(deploymentDescription(integration));
    assertThat(stub.stageDeployment(apiId, "prod").get("description").asText())
        .isEqualTo(deploymentDescription(integration));
  }

  @Test
  void secondRunAgainstTheSameApiWritesNothing() {
    ApiGatewayDirectIntegration integration = integration().build();
    DirectIntegrationResult first = integration.provision(client);
    stub.clearRequests();

    DirectIntegrationResult second = integration.provision(client);

    assertThat(stub.writes()).isEmpty();
    assertThat(second.restApiId()).isEqualTo(first.restApiId());
    assertThat(second.created()).isFalse();
    assertThat(second.deployed()).isFalse();
    // It did look: API list, resources, the method, the stage and its deployment.
    assertThat(lines(stub.requests()))
        .anyMatch(l -> l.matches("GET /restapis/\\w+/resources/\\w+/methods/POST"))
        .anyMatch(l -> l.matches("GET /restapis/\\w+/stages/prod"))
        .anyMatch(l -> l.matches("GET /restapis/\\w+/deployments/\\w+"));
  }

  @Test
  void changedDefinitionReplacesTheMethodAndRedeploysWithoutNewApiOrResources() {
    ApiGatewayDirectIntegration first = integration().build();
    String apiId = first.provision(client).restApiId();
    stub.clearRequests();

    ApiGatewayDirectIntegration changed =
        first.toBuilder().schemes(List.of("standard-webhooks", "slack")).build();
    DirectIntegrationResult result = changed.provision(client);

    List<String> writes = lines(stub.writes());
    assertThat(writes).noneMatch(l -> l.equals("POST /restapis"));
    assertThat(writes).noneMatch(l -> l.matches("POST /restapis/\\w+/resources/\\w+"));
    assertThat(writes.get(0)).matches("DELETE /restapis/" + apiId + "/resources/\\w+/methods/POST");
    assertThat(writes).contains("POST /restapis/" + apiId + "/deployments");
    assertThat(result.deployed()).isTrue();
    assertThat(stub.method(apiId, "/webhooks/{source}", "POST").at("/methodIntegration/requestTemplates")
            .get("application/json").asText())
        .contains("hookline-h-x-slack-signature");
  }

  @Test
  void redeploysWhenTheStageServesAnOlderDefinition() {
    // A previous run put the method but stopped before deploying: the stage still serves an older deployment.
    ApiGatewayDirectIntegration integration = integration().build();
    String apiId = integration.provision(client).restApiId();
    stub.rewriteStageDeploymentDescription(
        apiId, "prod", "Hookline direct integration, configuration 0123456789abcdef");
    stub.clearRequests();

    DirectIntegrationResult result = integration.provision(client);

    assertThat(lines(stub.writes())).containsExactly("POST /restapis/" + apiId + "/deployments");
    assertThat(result.deployed()).isTrue();
    assertThat(stub.stageDeployment(apiId, "prod").get("description").asText())
        .isEqualTo(deploymentDescription(integration));
  }

  @Test
  void createsAMissingStageEvenWhenTheMethodIsUpToDate() {
    ApiGatewayDirectIntegration integration = integration().build();
    integration.provision(client);
    stub.clearRequests();

    DirectIntegrationResult result = integration.toBuilder().stageName("canary").build().provision(client);

    assertThat(lines(stub.writes())).containsExactly("POST /restapis/" + result.restApiId() + "/deployments");
    assertThat(stub.writes().get(0).body().get("stageName").asText()).isEqualTo("canary");
    assertThat(result.deployed()).isTrue();
  }

  @Test
  void completesAnApiWhoseResourcesExistAlready() {
    // Someone created the API and /webhooks by hand: only {source} and the method are added.
    String apiId = stub.seedApi("hookline-webhooks");
    String rootId =
        client.getResources(b -> b.restApiId(apiId)).items().stream()
            .filter(r -> r.path().equals("/"))
            .findFirst()
            .orElseThrow()
            .id();
    String webhooksId = client.createResource(b -> b.restApiId(apiId).parentId(rootId).pathPart("webhooks")).id();
    stub.clearRequests();

    DirectIntegrationResult result = integration().build().provision(client);

    assertThat(result.restApiId()).isEqualTo(apiId);
    assertThat(result.created()).isFalse();
    List<String> writes = lines(stub.writes());
    assertThat(writes).noneMatch(l -> l.equals("POST /restapis"));
    assertThat(writes.stream().filter(l -> l.startsWith("POST /restapis/" + apiId + "/resources/")))
        .containsExactly("POST /restapis/" + apiId + "/resources/" + webhooksId);
    assertThat(stub.resourcePaths(apiId)).containsExactly("/", "/webhooks", "/webhooks/{source}");
  }

  @Test
  void refusesToGuessBetweenTwoApisWithTheSameName() {
    stub.seedApi("hookline-webhooks");
    stub.seedApi("hookline-webhooks");

    assertThatThrownBy(() -> integration().build().provision(client))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("more than one REST API is named hookline-webhooks");
    assertThat(stub.writes()).isEmpty();
  }
}
