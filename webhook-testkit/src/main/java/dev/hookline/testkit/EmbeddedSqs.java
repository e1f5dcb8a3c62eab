package dev.hookline.testkit;

import java.net.URI;
import java.util.Objects;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An embedded ElasticMQ server — a real SQS-compatible server speaking the AWS JSON protocol — started in this JVM
 * on {@code 127.0.0.1} and a free port.
 *
 * <p>Use it directly (the quick start does) or through {@link ElasticMqExtension} in tests. {@link #close()} stops
 * the server; clients created by {@link #newAsyncClient()} and {@link #newSyncClient()} belong to the caller.
 *
 * <p>Thread-safety: thread-safe once started.
 */
public final class EmbeddedSqs implements AutoCloseable {

  /** The region the clients are configured with; ElasticMQ accepts any. */
  public static final Region REGION = Region.US_EAST_1;

  private final SQSRestServer server;
  private final URI endpoint;

  private EmbeddedSqs(SQSRestServer server, int port) {
    this.server = server;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Starts a server on {@code 127.0.0.1} and a free port and waits until it accepts connections.
   *
   * @return the running server
   */
  public static EmbeddedSqs start() {
    return start(0);
  }

  /**
   * Starts a server on {@code 127.0.0.1} and the given port and waits until it accepts connections.
   *
   * @param port the port, or 0 for a free one
   * @return the running server
   */
  public static EmbeddedSqs start(int port) {
    TheSQSRestServerBuilder builder = SQSRestServerBuilder.withInterface("127.0.0.1");
    SQSRestServer server = (port == 0 ? builder.withDynamicPort() : builder.withPort(port)).start();
    int bound = server.waitUntilStarted().localAddress().getPort();
    return new EmbeddedSqs(server, bound);
  }

  /** {@return the endpoint to point SDK clients at, for example {@code http://127.0.0.1:41234}} */
  public URI endpoint() {
    return endpoint;
  }

  /** {@return the port the server listens on} */
  public int port() {
    return endpoint.getPort();
  }

  /**
   * Returns a new async client pointed at this server (or at {@code endpointOverride}); the caller closes it.
   *
   * @return a new client
   */
  public SqsAsyncClient newAsyncClient() {
    return newAsyncClient(endpoint);
  }

  /**
   * Returns a new async client pointed at another endpoint (for example a fault proxy in front of this server); the
   * caller closes it.
   *
   * @param endpointOverride the endpoint
   * @return a new client
   */
  public static SqsAsyncClient newAsyncClient(URI endpointOverride) {
    Objects.requireNonNull(endpointOverride, "endpointOverride");
    return SqsAsyncClient.builder()
        .endpointOverride(endpointOverride)
        .region(REGION)
        .credentialsProvider(credentials())
        .build();
  }

  /**
   * Returns a new async client pointed at this server on the HTTP client you choose, for example {@code
   * AwsCrtAsyncHttpClient.builder()}; the caller closes it.
   *
   * @param httpClient the SDK async HTTP client to build the SQS client on
   * @return a new client
   */
  public SqsAsyncClient newAsyncClient(SdkAsyncHttpClient.Builder<?> httpClient) {
    return newAsyncClient(endpoint, httpClient);
  }

  /**
   * Returns a new async client pointed at an endpoint on the HTTP client you choose; the caller closes it.
   *
   * @param endpointOverride the endpoint
   * @param httpClient the SDK async HTTP client to build the SQS client on
   * @return a new client
   */
  public static SqsAsyncClient newAsyncClient(URI endpointOverride, SdkAsyncHttpClient.Builder<?> httpClient) {
    Objects.requireNonNull(endpointOverride, "endpointOverride");
    Objects.requireNonNull(httpClient, "httpClient");
    return SqsAsyncClient.builder()
        .endpointOverride(endpointOverride)
        .region(REGION)
        .credentialsProvider(credentials())
        .httpClientBuilder(httpClient)
        .build();
  }

  /**
   * Returns a new async client for an endpoint, with the SDK's own retries off, so that each fault a {@link
   * FaultProxy} at that endpoint injects reaches the caller as it is (for testing code that retries by itself); the
   * caller closes it.
   *
   * @param endpointOverride the endpoint, for example {@link FaultProxy#endpoint()}
   * @return a new client
   */
  public static SqsAsyncClient newAsyncClientWithoutRetries(URI endpointOverride) {
    Objects.requireNonNull(endpointOverride, "endpointOverride");
    return SqsAsyncClient.builder()
        .endpointOverride(endpointOverride)
        .region(REGION)
        .credentialsProvider(credentials())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  /**
   * Returns a new sync client pointed at this server; the caller closes it.
   *
   * @return a new client
   */
  public SqsClient newSyncClient() {
    return newSyncClient(endpoint);
  }

  /**
   * Returns a new sync client pointed at another endpoint; the caller closes it.
   *
   * @param endpointOverride the endpoint
   * @return a new client
   */
  public static SqsClient newSyncClient(URI endpointOverride) {
    Objects.requireNonNull(endpointOverride, "endpointOverride");
    return SqsClient.builder()
        .endpointOverride(endpointOverride)
        .region(REGION)
        .credentialsProvider(credentials())
        .build();
  }

  /** {@return static dummy credentials; ElasticMQ accepts any} */
  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("hookline", "hookline"));
  }

  /** Stops the server and waits until it has stopped. Idempotent. */
  @Override
  public void close() {
    server.stopAndWait();
  }

  @Override
  public String toString() {
    return "EmbeddedSqs{" + endpoint + '}';
  }
}
