package dev.hookline.sqs.admin;

import static dev.hookline.sqs.admin.DirectIntegrationDefinition.HTTP_METHOD;
import static dev.hookline.sqs.admin.DirectIntegrationDefinition.INTEGRATION_REQUEST_PARAMETERS;
import static dev.hookline.sqs.admin.DirectIntegrationDefinition.PASSTHROUGH_NEVER;
import static dev.hookline.sqs.admin.DirectIntegrationDefinition.RESPONSES;
import static dev.hookline.sqs.admin.DirectIntegrationDefinition.RESPONSE_CONTENT_TYPE;

import dev.hookline.sqs.admin.DirectIntegrationDefinition.ResponseSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.EndpointType;
import software.amazon.awssdk.services.apigateway.model.GetMethodResponse;
import software.amazon.awssdk.services.apigateway.model.GetResourcesResponse;
import software.amazon.awssdk.services.apigateway.model.GetRestApisResponse;
import software.amazon.awssdk.services.apigateway.model.GetStageResponse;
import software.amazon.awssdk.services.apigateway.model.Integration;
import software.amazon.awssdk.services.apigateway.model.IntegrationResponse;
import software.amazon.awssdk.services.apigateway.model.IntegrationType;
import software.amazon.awssdk.services.apigateway.model.MethodResponse;
import software.amazon.awssdk.services.apigateway.model.NotFoundException;
import software.amazon.awssdk.services.apigateway.model.Resource;
import software.amazon.awssdk.services.apigateway.model.RestApi;

/**
 * Makes a REST API match an {@link ApiGatewayDirectIntegration}, behind {@link
 * ApiGatewayDirectIntegration#provision(ApiGatewayClient)}: finds the API by name or creates it, adds the {@code
 * /webhooks/{source}} resources that are missing, replaces the {@code POST} method when it differs from the {@link
 * DirectIntegrationDefinition}, and deploys when the stage does not serve that definition yet (deployments carry its
 * hash in their description).
 *
 * <p>Thread-safety: one instance per run; not for concurrent runs against the same API name. The client is the
 * caller's.
 */
final class DirectIntegrationProvisioner {

  private static final Logger log = LoggerFactory.getLogger(DirectIntegrationProvisioner.class);

  private static final String PARENT_PATH = "/webhooks";
  /** The most items API Gateway returns per page. */
  private static final int PAGE_LIMIT = 500;

  private final ApiGatewayDirectIntegration integration;
  private final DirectIntegrationDefinition definition;
  private final ApiGatewayClient client;

  DirectIntegrationProvisioner(ApiGatewayDirectIntegration integration, ApiGatewayClient client) {
    this.integration = Objects.requireNonNull(integration, "integration");
    this.definition = new DirectIntegrationDefinition(integration);
    this.client = Objects.requireNonNull(client, "client");
  }

  /** Runs the steps in order; see {@link ApiGatewayDirectIntegration#provision(ApiGatewayClient)}. */
  DirectIntegrationResult provision() {
    boolean created = false;
    String apiId = findApiId().orElse(null);
    if (apiId == null) {
      apiId =
          client
              .createRestApi(
                  b ->
                      b.name(integration.apiName())
                          .description("Webhooks written straight to SQS by Hookline's direct integration.")
                          .endpointConfiguration(e -> e.types(EndpointType.REGIONAL)))
              .id();
      created = true;
      log.info("Created REST API apiName={} restApiId={}", integration.apiName(), apiId);
    }
    String restApiId = apiId;

    Map<String, Resource> byPath = resourcesByPath(restApiId);
    Resource root = byPath.get("/");
    if (root == null) {
      throw new IllegalStateException("REST API " + restApiId + " has no root resource");
    }
    String parentId = ensureResource(restApiId, byPath, root.id(), "webhooks", PARENT_PATH);
    String resourceId =
        ensureResource(restApiId, byPath, parentId, "{source}", ApiGatewayDirectIntegration.RESOURCE_PATH);

    boolean methodChanged = ensureMethod(restApiId, resourceId);

    String stageName = integration.stageName();
    String description = definition.deploymentDescription();
    boolean deploy = methodChanged || !stageServes(restApiId, description);
    if (deploy) {
      String deploymentId =
          client.createDeployment(b -> b.restApiId(restApiId).stageName(stageName).description(description)).id();
      log.info("Deployed restApiId={} stage={} deploymentId={}", restApiId, stageName, deploymentId);
    } else {
      log.info("REST API is up to date restApiId={} stage={}", restApiId, stageName);
    }
    return new DirectIntegrationResult(restApiId, stageUrl(restApiId), created, deploy);
  }

  private Optional<String> findApiId() {
    List<String> ids = new ArrayList<>();
    String position = null;
    do {
      String pos = position;
      GetRestApisResponse page = client.getRestApis(b -> b.limit(PAGE_LIMIT).position(pos));
      for (RestApi api : page.items()) {
        if (integration.apiName().equals(api.name())) {
          ids.add(api.id());
        }
      }
      position = page.position();
    } while (position != null && !position.isEmpty());
    if (ids.size() > 1) {
      throw new IllegalStateException(
          "more than one REST API is named "
              + integration.apiName()
              + " ("
              + ids
              + "); rename or delete the extra ones");
    }
    return ids.stream().findFirst();
  }

  private Map<String, Resource> resourcesByPath(String restApiId) {
    Map<String, Resource> byPath = new LinkedHashMap<>();
    String position = null;
    do {
      String pos = position;
      GetResourcesResponse page = client.getResources(b -> b.restApiId(restApiId).limit(PAGE_LIMIT).position(pos));
      for (Resource r : page.items()) {
        byPath.put(r.path(), r);
      }
      position = page.position();
    } while (position != null && !position.isEmpty());
    return byPath;
  }

  private String ensureResource(
      String restApiId, Map<String, Resource> byPath, String parentId, String pathPart, String path) {
    Resource existing = byPath.get(path);
    if (existing != null) {
      return existing.id();
    }
    String id = client.createResource(b -> b.restApiId(restApiId).parentId(parentId).pathPart(pathPart)).id();
    log.info("Created resource restApiId={} path={} resourceId={}", restApiId, path, id);
    return id;
  }

  /** Makes the POST method match the definition; returns whether anything was written. */
  private boolean ensureMethod(String restApiId, String resourceId) {
    GetMethodResponse existing;
    try {
      existing = client.getMethod(b -> b.restApiId(restApiId).resourceId(resourceId).httpMethod(HTTP_METHOD));
    } catch (NotFoundException e) {
      existing = null;
    }
    if (existing != null) {
      if (methodMatches(existing)) {
        return false;
      }
      // Replacing the method in the working copy is safe: the stage keeps serving its deployment until we deploy.
      client.deleteMethod(b -> b.restApiId(restApiId).resourceId(resourceId).httpMethod(HTTP_METHOD));
      log.info("Replacing method restApiId={} resourceId={} method={}", restApiId, resourceId, HTTP_METHOD);
    }
    client.putMethod(
        b ->
            b.restApiId(restApiId)
                .resourceId(resourceId)
                .httpMethod(HTTP_METHOD)
                .authorizationType("NONE")
                .requestParameters(definition.methodRequestParameters()));
    client.putIntegration(
        b ->
            b.restApiId(restApiId)
                .resourceId(resourceId)
                .httpMethod(HTTP_METHOD)
                .type(IntegrationType.AWS)
                .integrationHttpMethod(HTTP_METHOD)
                .uri(integration.integrationUri())
                .credentials(integration.roleArn())
                .requestParameters(INTEGRATION_REQUEST_PARAMETERS)
                .requestTemplates(definition.requestTemplates())
                .passthroughBehavior(PASSTHROUGH_NEVER));
    for (ResponseSpec r : RESPONSES) {
      client.putMethodResponse(
          b ->
              b.restApiId(restApiId)
                  .resourceId(resourceId)
                  .httpMethod(HTTP_METHOD)
                  .statusCode(r.statusCode())
                  .responseModels(Map.of(RESPONSE_CONTENT_TYPE, "Empty")));
      client.putIntegrationResponse(
          b ->
              b.restApiId(restApiId)
                  .resourceId(resourceId)
                  .httpMethod(HTTP_METHOD)
                  .statusCode(r.statusCode())
                  .selectionPattern(r.selectionPattern())
                  .responseTemplates(Map.of(RESPONSE_CONTENT_TYPE, r.template())));
    }
    return true;
  }

  private boolean methodMatches(GetMethodResponse m) {
    Integration i = m.methodIntegration();
    if (i == null
        || !"NONE".equals(m.authorizationType())
        || !definition.methodRequestParameters().equals(m.requestParameters())
        || i.type() != IntegrationType.AWS
        || !HTTP_METHOD.equals(i.httpMethod())
        || !integration.integrationUri().equals(i.uri())
        || !integration.roleArn().equals(i.credentials())
        || !INTEGRATION_REQUEST_PARAMETERS.equals(i.requestParameters())
        || !definition.requestTemplates().equals(i.requestTemplates())
        || !PASSTHROUGH_NEVER.equals(i.passthroughBehavior())) {
      return false;
    }
    if (m.methodResponses().size() != RESPONSES.size() || i.integrationResponses().size() != RESPONSES.size()) {
      return false;
    }
    for (ResponseSpec r : RESPONSES) {
      MethodResponse mr = m.methodResponses().get(r.statusCode());
      IntegrationResponse ir = i.integrationResponses().get(r.statusCode());
      if (mr == null
          || ir == null
          || !Objects.equals(emptyToNull(r.selectionPattern()), emptyToNull(ir.selectionPattern()))
          || !Map.of(RESPONSE_CONTENT_TYPE, r.template()).equals(ir.responseTemplates())) {
        return false;
      }
    }
    return true;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Whether the stage exists and serves a deployment of this exact definition. */
  private boolean stageServes(String restApiId, String description) {
    GetStageResponse stage;
    try {
      stage = client.getStage(b -> b.restApiId(restApiId).stageName(integration.stageName()));
    } catch (NotFoundException e) {
      return false;
    }
    if (stage.deploymentId() == null) {
      return false;
    }
    try {
      return description.equals(
          client.getDeployment(b -> b.restApiId(restApiId).deploymentId(stage.deploymentId())).description());
    } catch (NotFoundException e) {
      return false;
    }
  }

  private URI stageUrl(String restApiId) {
    // execute-api endpoints live under amazonaws.com, and amazonaws.com.cn in the China regions.
    String region = integration.region().id();
    String domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return URI.create(
        "https://" + restApiId + ".execute-api." + region + "." + domain + "/" + integration.stageName());
  }
}
