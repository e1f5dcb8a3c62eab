package dev.hookline.sqs.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;

/**
 * A small in-memory stand-in for the API Gateway (REST API v1) control plane, speaking its REST-JSON wire format on
 * {@code 127.0.0.1}: REST APIs, resources, methods with their integration and responses, deployments and stages. It
 * records every request (method, path, JSON body) and answers as the service does: 201 with the created entity, 404
 * {@code NotFoundException} and 409 {@code ConflictException} with the {@code x-amzn-ErrorType} header, and paged
 * lists ({@code item} + {@code position}) with a small page size so that callers must paginate.
 */
final class ApiGatewayStub implements AutoCloseable {

  /** One recorded wire request. */
  record Request(String method, String path, Map<String, String> query, JsonNode body) {
    boolean isWrite() {
      return !method.equals("GET");
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE_SIZE = 2;

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Api> apis = new LinkedHashMap<>();
  private int ids;

  /** State of one REST API. */
  private static final class Api {
    final ObjectNode api;
    final Map<String, ObjectNode> resources = new LinkedHashMap<>();
    final Map<String, ObjectNode> methods = new LinkedHashMap<>(); // resourceId + " " + httpMethod
    final Map<String, ObjectNode> deployments = new LinkedHashMap<>();
    final Map<String, ObjectNode> stages = new LinkedHashMap<>();

    Api(ObjectNode api) {
      this.api = api;
    }
  }

  ApiGatewayStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "hookline-apigateway-stub-1"));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  ApiGatewayClient newClient() {
    return ApiGatewayClient.builder()
        .endpointOverride(endpoint())
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("hookline", "hookline")))
        .build();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Request> writes() {
    return requests.stream().filter(Request::isWrite).collect(Collectors.toList());
  }

  void clearRequests() {
    requests.clear();
  }

  /** Adds an API directly (not recorded), as if someone else had created it. */
  synchronized String seedApi(String name) {
    return createApi(name).get("id").asText();
  }

  /** Returns a stored method as API Gateway would return it, or null. */
  synchronized ObjectNode method(String apiId, String path, String httpMethod) {
    Api api = apis.get(apiId);
    for (ObjectNode r : api.resources.values()) {
      if (r.get("path").asText().equals(path)) {
        return api.methods.get(r.get("id").asText() + " " + httpMethod);
      }
    }
    return null;
  }

  /** Returns the deployment a stage serves, or null. */
  synchronized ObjectNode stageDeployment(String apiId, String stage) {
    Api api = apis.get(apiId);
    ObjectNode s = api.stages.get(stage);
    return s == null ? null : api.deployments.get(s.get("deploymentId").asText());
  }

  /** Changes the description of the deployment a stage serves, as if an older definition had been deployed. */
  synchronized void rewriteStageDeploymentDescription(String apiId, String stage, String description) {
    stageDeployment(apiId, stage).put("description", description);
  }

  synchronized List<String> resourcePaths(String apiId) {
    return apis.get(apiId).resources.values().stream()
        .map(r -> r.get("path").asText())
        .collect(Collectors.toList());
  }

  private String nextId() {
    ids++;
    // Real ids are ten lower-case letters and digits.
    return String.format("%s%07d", "abc", ids);
  }

  private ObjectNode createApi(String name) {
    String id = nextId();
    ObjectNode api = JSON.createObjectNode();
    api.put("id", id);
    api.put("name", name);
    api.put("createdDate", 1764337200);
    api.putObject("endpointConfiguration").putArray("types").add("EDGE");
    String rootId = nextId();
    api.put("rootResourceId", rootId);
    Api state = new Api(api);
    ObjectNode root = JSON.createObjectNode();
    root.put("id", rootId);
    root.put("path", "/");
    state.resources.put(rootId, root);
    apis.put(id, state);
    return api;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
      byte[] raw = exchange.getRequestBody().readAllBytes();
      JsonNode body = raw.length == 0 ? NullNode.getInstance() : JSON.readTree(raw);
      requests.add(new Request(method, path, query, body));
      Reply reply;
      synchronized (this) {
        reply = route(method, decodeSegments(path), query, body);
      }
      byte[] out = JSON.writeValueAsBytes(reply.body);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("x-amzn-RequestId", "req-" + requests.size());
      if (reply.errorType != null) {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", reply.errorType);
      }
      exchange.sendResponseHeaders(reply.status, out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    }
  }

  private record Reply(int status, JsonNode body, String errorType) {}

  private static Reply ok(int status, JsonNode body) {
    return new Reply(status, body, null);
  }

  private static Reply error(int status, String type, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("message", message);
    return new Reply(status, body, type);
  }

  private static Reply notFound(String what) {
    return error(404, "NotFoundException", "Invalid " + what + " identifier specified");
  }

  private Reply route(String method, List<String> s, Map<String, String> query, JsonNode body) {
    if (s.isEmpty() || !s.get(0).equals("restapis")) {
      return error(404, "NotFoundException", "Unknown path");
    }
    if (s.size() == 1) {
      if (method.equals("GET")) {
        return ok(200, page(apis.values().stream().map(a -> (JsonNode) a.api).collect(Collectors.toList()), query));
      }
      if (method.equals("POST")) {
        ObjectNode api = createApi(body.get("name").asText());
        if (body.has("description")) {
          api.put("description", body.get("description").asText());
        }
        if (body.has("endpointConfiguration")) {
          api.set("endpointConfiguration", body.get("endpointConfiguration"));
        }
        return ok(201, api);
      }
    }
    Api api = apis.get(s.get(1));
    if (api == null) {
      return notFound("API");
    }
    if (s.size() == 3 && s.get(2).equals("resources") && method.equals("GET")) {
      return ok(200, page(new ArrayList<>(api.resources.values()), query));
    }
    if (s.size() == 4 && s.get(2).equals("resources") && method.equals("POST")) {
      ObjectNode parent = api.resources.get(s.get(3));
      if (parent == null) {
        return notFound("Resource");
      }
      String pathPart = body.get("pathPart").asText();
      String parentPath = parent.get("path").asText();
      String path = (parentPath.equals("/") ? "" : parentPath) + "/" + pathPart;
      for (ObjectNode r : api.resources.values()) {
        if (r.get("path").asText().equals(path)) {
          return error(409, "ConflictException", "Another resource with the same parent already has this name");
        }
      }
      ObjectNode r = JSON.createObjectNode();
      r.put("id", nextId());
      r.put("parentId", parent.get("id").asText());
      r.put("pathPart", pathPart);
      r.put("path", path);
      api.resources.put(r.get("id").asText(), r);
      return ok(201, r);
    }
    if (s.size() >= 6 && s.get(2).equals("resources") && s.get(4).equals("methods")) {
      if (!api.resources.containsKey(s.get(3))) {
        return notFound("Resource");
      }
      return methodRoute(api, method, s.get(3) + " " + s.get(5), s.subList(6, s.size()), body);
    }
    if (s.size() == 3 && s.get(2).equals("deployments") && method.equals("POST")) {
      ObjectNode d = JSON.createObjectNode();
      d.put("id", nextId());
      if (body.has("description")) {
        d.put("description", body.get("description").asText());
      }
      d.put("createdDate", 1764337200);
      api.deployments.put(d.get("id").asText(), d);
      if (body.has("stageName")) {
        ObjectNode stage = JSON.createObjectNode();
        stage.put("stageName", body.get("stageName").asText());
        stage.put("deploymentId", d.get("id").asText());
        api.stages.put(body.get("stageName").asText(), stage);
      }
      return ok(201, d);
    }
    if (s.size() == 4 && s.get(2).equals("deployments") && method.equals("GET")) {
      ObjectNode d = api.deployments.get(s.get(3));
      return d == null ? notFound("Deployment") : ok(200, d);
    }
    if (s.size() == 4 && s.get(2).equals("stages") && method.equals("GET")) {
      ObjectNode stage = api.stages.get(s.get(3));
      return stage == null ? error(404, "NotFoundException", "Invalid Stage identifier specified") : ok(200, stage);
    }
    return error(404, "NotFoundException", "Unknown path");
  }

  private Reply methodRoute(Api api, String verb, String key, List<String> rest, JsonNode body) {
    ObjectNode m = api.methods.get(key);
    if (rest.isEmpty()) {
      switch (verb) {
        case "GET":
          return m == null ? notFound("Method") : ok(200, m);
        case "DELETE":
          if (m == null) {
            return notFound("Method");
          }
          api.methods.remove(key);
          return new Reply(202, JSON.createObjectNode(), null);
        case "PUT":
          if (m != null) {
            return error(409, "ConflictException", "Method already exists for this resource");
          }
          ObjectNode created = JSON.createObjectNode();
          created.put("httpMethod", key.substring(key.indexOf(' ') + 1));
          copy(body, created, "authorizationType", "apiKeyRequired", "requestParameters", "requestModels");
          api.methods.put(key, created);
          return ok(201, created);
        default:
          return error(405, "BadRequestException", "Unsupported");
      }
    }
    if (m == null) {
      return notFound("Method");
    }
    if (rest.size() == 1 && rest.get(0).equals("integration") && verb.equals("PUT")) {
      ObjectNode integration = JSON.createObjectNode();
      copy(body, integration, "type", "httpMethod", "uri", "credentials", "requestParameters", "requestTemplates",
          "passthroughBehavior");
      // The service fills in these defaults.
      integration.put("timeoutInMillis", 29000);
      integration.put("cacheNamespace", key.substring(0, key.indexOf(' ')));
      integration.putArray("cacheKeyParameters");
      m.set("methodIntegration", integration);
      return ok(201, integration);
    }
    if (rest.size() == 2 && rest.get(0).equals("responses") && verb.equals("PUT")) {
      ObjectNode responses = m.has("methodResponses") ? (ObjectNode) m.get("methodResponses")
          : m.putObject("methodResponses");
      if (responses.has(rest.get(1))) {
        return error(409, "ConflictException", "Response already exists for this resource");
      }
      ObjectNode r = JSON.createObjectNode();
      r.put("statusCode", rest.get(1));
      copy(body, r, "responseModels", "responseParameters");
      responses.set(rest.get(1), r);
      return ok(201, r);
    }
    if (rest.size() == 3 && rest.get(0).equals("integration") && rest.get(1).equals("responses")
        && verb.equals("PUT")) {
      ObjectNode integration = (ObjectNode) m.get("methodIntegration");
      if (integration == null) {
        return error(404, "NotFoundException", "No integration defined for method");
      }
      ObjectNode responses = integration.has("integrationResponses")
          ? (ObjectNode) integration.get("integrationResponses")
          : integration.putObject("integrationResponses");
      ObjectNode r = JSON.createObjectNode();
      r.put("statusCode", rest.get(2));
      copy(body, r, "selectionPattern", "responseTemplates", "responseParameters");
      responses.set(rest.get(2), r);
      return ok(201, r);
    }
    return error(404, "NotFoundException", "Unknown path");
  }

  private static void copy(JsonNode from, ObjectNode to, String... fields) {
    for (String f : fields) {
      if (from.has(f)) {
        to.set(f, from.get(f));
      }
    }
  }

  private static JsonNode page(List<JsonNode> all, Map<String, String> query) {
    int start = query.containsKey("position") ? Integer.parseInt(query.get("position")) : 0;
    int end = Math.min(all.size(), start + PAGE_SIZE);
    ObjectNode page = JSON.createObjectNode();
    ArrayNode items = page.putArray("item");
    all.subList(start, end).forEach(items::add);
    if (end < all.size()) {
      page.put("position", Integer.toString(end));
    }
    return page;
  }

  private static List<String> decodeSegments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String seg : rawPath.split("/")) {
      if (!seg.isEmpty()) {
        out.add(URLDecoder.decode(seg.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
