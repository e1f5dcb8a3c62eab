package dev.hookline.spring;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code hookline.*} settings that {@link HooklineAutoConfiguration} wires Hookline from.
 *
 * <pre>
 * hookline:
 *   queue-url: https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks
 *   dlq-url: https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks-dlq
 *   sources:
 *     github: { provider: github, secret: "${GITHUB_WEBHOOK_SECRET}" }
 *     instagram: { provider: meta, secret: "${META_APP_SECRET}:${META_VERIFY_TOKEN}" }
 *   consumer:
 *     max-in-flight: 20
 * </pre>
 *
 * <p>Each value is checked where a bean uses it, and a wrong one fails startup with a message that starts with the
 * property's name, for example {@code hookline.queue-url must be set}. A property whose bean you replace with your own
 * is not read.
 *
 * <p>A mutable bean that Spring binds; not thread-safe, read once at startup.
 */
@ConfigurationProperties(prefix = "hookline")
public class HooklineProperties {

  /** The path placeholder the route needs: the name of the source. */
  static final String SOURCE_PLACEHOLDER = "{source}";

  /** AWS region of the SQS client Hookline creates; unset means the SDK's default region chain (AWS_REGION, ...). */
  private String region;

  /** SQS endpoint override for the client Hookline creates, for a local SQS-compatible server such as ElasticMQ. */
  private URI endpoint;

  /** Queue that accepted webhooks are sent to and consumed from. Required by the enqueuer and the consumer. */
  private String queueUrl;

  /** Dead-letter queue that failed webhooks are moved to. Required by the consumer. */
  private String dlqUrl;

  /** Webhook sources by name; the name is the {source} segment of the route. At least one is required. */
  private final Map<String, Source> sources = new LinkedHashMap<>();

  /** The consumer runner. */
  private final Consumer consumer = new Consumer();

  /** The Spring MVC route. */
  private final Route route = new Route();

  /** Created by Spring. */
  public HooklineProperties() {}

  /**
   * Returns the region of the SQS client Hookline creates.
   *
   * @return the region, or null for the SDK's default region chain
   */
  public String getRegion() {
    return region;
  }

  /**
   * Sets the region of the SQS client Hookline creates; not read when you define your own {@code SqsAsyncClient}.
   *
   * @param region the region, for example {@code eu-west-1}
   */
  public void setRegion(String region) {
    this.region = region;
  }

  /**
   * Returns the SQS endpoint override.
   *
   * @return the endpoint, or null for the region's endpoint
   */
  public URI getEndpoint() {
    return endpoint;
  }

  /**
   * Sets an SQS endpoint override, for a local SQS-compatible server.
   *
   * @param endpoint the endpoint
   */
  public void setEndpoint(URI endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * Returns the queue webhooks are sent to and consumed from.
   *
   * @return the queue URL, or null when unset
   */
  public String getQueueUrl() {
    return queueUrl;
  }

  /**
   * Sets the queue URL. Required.
   *
   * @param queueUrl the queue URL
   */
  public void setQueueUrl(String queueUrl) {
    this.queueUrl = queueUrl;
  }

  /**
   * Returns the dead-letter queue's URL.
   *
   * @return the DLQ URL, or null when unset
   */
  public String getDlqUrl() {
    return dlqUrl;
  }

  /**
   * Sets the dead-letter queue's URL. Required when the consumer runs.
   *
   * @param dlqUrl the DLQ URL
   */
  public void setDlqUrl(String dlqUrl) {
    this.dlqUrl = dlqUrl;
  }

  /**
   * Returns the webhook sources by name.
   *
   * @return the sources, bound by Spring
   */
  public Map<String, Source> getSources() {
    return sources;
  }

  /**
   * Returns the consumer's settings.
   *
   * @return the consumer settings, bound by Spring
   */
  public Consumer getConsumer() {
    return consumer;
  }

  /**
   * Returns the route's settings.
   *
   * @return the route settings, bound by Spring
   */
  public Route getRoute() {
    return route;
  }

  /** One webhook source: a provider preset from Hookline's catalog and its secret. */
  public static class Source {

    /**
     * Provider preset from Hookline's catalog (Providers.names()), for example github, stripe, slack, meta, twilio or
     * sns: its signature scheme, URL handshake and content types.
     */
    private String provider;

    /**
     * Secret in the provider's form: the signing secret for most, APP_SECRET:VERIFY_TOKEN for meta,
     * AUTH_TOKEN:PUBLIC_URL for twilio, the topic ARNs for sns. Take it from the environment or a secret store.
     */
    private String secret;

    /** Allowed content types; empty means the provider's own. */
    private List<String> contentTypes = new ArrayList<>();

    /** Created by Spring. */
    public Source() {}

    /**
     * Returns the provider's name in Hookline's catalog.
     *
     * @return the provider, or null when unset
     */
    public String getProvider() {
      return provider;
    }

    /**
     * Sets the provider. Required.
     *
     * @param provider a name from {@code Providers.names()}
     */
    public void setProvider(String provider) {
      this.provider = provider;
    }

    /**
     * Returns the secret.
     *
     * @return the secret, or null when unset
     */
    public String getSecret() {
      return secret;
    }

    /**
     * Sets the secret, in the provider's form ({@code Provider.secretFormat()}). Required.
     *
     * @param secret the secret
     */
    public void setSecret(String secret) {
      this.secret = secret;
    }

    /**
     * Returns the allowed content types.
     *
     * @return the content type patterns; empty means the provider's own
     */
    public List<String> getContentTypes() {
      return contentTypes;
    }

    /**
     * Sets the allowed content types, for example {@code application/x-www-form-urlencoded} for Slack commands.
     *
     * @param contentTypes the content type patterns
     */
    public void setContentTypes(List<String> contentTypes) {
      this.contentTypes = new ArrayList<>(contentTypes);
    }

    /** Prints the provider only, never the secret. */
    @Override
    public String toString() {
      return "Source{provider=" + provider + '}';
    }
  }

  /** The consumer runner's settings. */
  public static class Consumer {

    /** Whether to consume the queue; the consumer also needs a WebhookHandler bean. */
    private boolean enabled = true;

    /** Threads receiving from the queue (1 to max-in-flight). */
    private int pollers = 1;

    /** Most messages handled at once. */
    private int maxInFlight = 10;

    /** Attempts per webhook before it is dead-lettered; keep it below the queue's redrive maxReceiveCount. */
    private int maxAttempts = 5;

    /** Long-poll wait of each receive, 0 to 20 seconds. */
    private Duration waitTime = Duration.ofSeconds(20);

    /** How long shutdown lets messages being handled finish before making them visible again. */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    /** Created by Spring. */
    public Consumer() {}

    /**
     * Returns whether the consumer runs (when a {@code WebhookHandler} bean exists).
     *
     * @return default true
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether the consumer runs; false for a service that only receives.
     *
     * @param enabled whether to consume
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Returns the number of polling threads.
     *
     * @return default 1
     */
    public int getPollers() {
      return pollers;
    }

    /**
     * Sets the number of polling threads; add some when handlers are fast and max-in-flight is large.
     *
     * @param pollers 1 to max-in-flight
     */
    public void setPollers(int pollers) {
      this.pollers = pollers;
    }

    /**
     * Returns how many messages are handled at once.
     *
     * @return default 10
     */
    public int getMaxInFlight() {
      return maxInFlight;
    }

    /**
     * Sets how many messages are handled at once; raise it for slow, I/O-bound handlers.
     *
     * @param maxInFlight at least 1
     */
    public void setMaxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
    }

    /**
     * Returns the attempts per webhook before it is dead-lettered.
     *
     * @return default 5
     */
    public int getMaxAttempts() {
      return maxAttempts;
    }

    /**
     * Sets the attempts per webhook.
     *
     * @param maxAttempts at least 1
     */
    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    /**
     * Returns the long-poll wait of each receive.
     *
     * @return default 20 s, the SQS maximum
     */
    public Duration getWaitTime() {
      return waitTime;
    }

    /**
     * Sets the long-poll wait of each receive.
     *
     * @param waitTime 0 to 20 s, whole seconds
     */
    public void setWaitTime(Duration waitTime) {
      this.waitTime = waitTime;
    }

    /**
     * Returns how long shutdown lets messages being handled finish.
     *
     * @return default 10 s
     */
    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    /**
     * Sets how long shutdown lets messages being handled finish; keep it under Spring's
     * {@code spring.lifecycle.timeout-per-shutdown-phase} (default 30 s).
     *
     * @param shutdownTimeout zero or more
     */
    public void setShutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
    }
  }

  /** The Spring MVC route that hands requests to the receiver. */
  public static class Route {

    /** Path of the route; must contain {source}, the name of a configured source. */
    private String path = "/webhooks/{source}";

    /** Created by Spring. */
    public Route() {}

    /**
     * Returns the route's path.
     *
     * @return default {@code /webhooks/{source}}
     */
    public String getPath() {
      return path;
    }

    /**
     * Sets the route's path, for example {@code /hooks/{source}} to match the URLs providers already call.
     *
     * @param path a path containing {@code {source}}
     */
    public void setPath(String path) {
      this.path = path;
    }
  }
}
