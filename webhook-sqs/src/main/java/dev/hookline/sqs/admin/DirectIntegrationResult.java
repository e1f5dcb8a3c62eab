package dev.hookline.sqs.admin;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;

/**
 * What {@link ApiGatewayDirectIntegration#provision(ApiGatewayClient)} did and where the API answers.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class DirectIntegrationResult {
  private final String restApiId;
  private final URI stageUrl;
  private final boolean created;
  private final boolean deployed;

  DirectIntegrationResult(String restApiId, URI stageUrl, boolean created, boolean deployed) {
    this.restApiId = restApiId;
    this.stageUrl = stageUrl;
    this.created = created;
    this.deployed = deployed;
  }

  /** Returns the REST API's id. */
  public String restApiId() {
    return restApiId;
  }

  /** Returns the stage's invoke URL, for example {@code https://abc123.execute-api.eu-west-1.amazonaws.com/prod}. */
  public URI invokeUrl() {
    return stageUrl;
  }

  /**
   * Returns the URL to give a sender, for example {@code .../prod/webhooks/github}.
   *
   * @param source the source name the consumer routes by
   * @return the webhook URL
   */
  public URI webhookUrl(String source) {
    Objects.requireNonNull(source, "source");
    // A path segment: URLEncoder's '+' for a space would be a literal plus there.
    String segment = URLEncoder.encode(source, StandardCharsets.UTF_8).replace("+", "%20");
    return URI.create(stageUrl + "/webhooks/" + segment);
  }

  /** Returns whether this run created the REST API. */
  public boolean created() {
    return created;
  }

  /** Returns whether this run made a new deployment (false when the stage already served this definition). */
  public boolean deployed() {
    return deployed;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DirectIntegrationResult)) {
      return false;
    }
    DirectIntegrationResult that = (DirectIntegrationResult) o;
    return restApiId.equals(that.restApiId)
        && stageUrl.equals(that.stageUrl)
        && created == that.created
        && deployed == that.deployed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(restApiId, stageUrl, created, deployed);
  }

  @Override
  public String toString() {
    return "DirectIntegrationResult{restApiId="
        + restApiId
        + ", invokeUrl="
        + stageUrl
        + ", created="
        + created
        + ", deployed="
        + deployed
        + '}';
  }
}
