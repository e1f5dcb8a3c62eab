package dev.hookline.examples.spring;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code hookline.*} settings from {@code application.yml}.
 *
 * <pre>
 * hookline:
 *   region: eu-west-1
 *   queue-url: https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks
 *   dlq-url: https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks-dlq
 *   endpoint: http://localhost:9324        # only for a local SQS such as ElasticMQ
 *   sources:
 *     github: { provider: github, secret: "${GITHUB_WEBHOOK_SECRET}" }
 *     instagram: { provider: meta, secret: "${META_APP_SECRET}:${META_VERIFY_TOKEN}" }
 * </pre>
 *
 * <p>A mutable bean that Spring binds; not thread-safe, read once at startup.
 */
@ConfigurationProperties(prefix = "hookline")
public class HooklineProperties {

  private String region = "us-east-1";
  private URI endpoint;
  private String queueUrl;
  private String dlqUrl;
  private final Map<String, Source> sources = new LinkedHashMap<>();
  private final Consumer consumer = new Consumer();

  /** Created by Spring. */
  public HooklineProperties() {}

  /**
   * Returns the AWS region of the queues.
   *
   * @return the region, default {@code us-east-1}
   */
  public String getRegion() {
    return region;
  }

  /**
   * Sets the AWS region.
   *
   * @param region the region
   */
  public void setRegion(String region) {
    this.region = region;
  }

  /**
   * Returns the SQS endpoint override, or null for the region's endpoint.
   *
   * @return the endpoint or null
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
   * @return the queue URL
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
   * @return the DLQ URL
   */
  public String getDlqUrl() {
    return dlqUrl;
  }

  /**
   * Sets the dead-letter queue's URL. Required.
   *
   * @param dlqUrl the DLQ URL
   */
  public void setDlqUrl(String dlqUrl) {
    this.dlqUrl = dlqUrl;
  }

  /**
   * Returns the webhook sources by name; the name is the last path segment of {@code /webhooks/{source}}.
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

  /** One webhook source: a provider from the catalog and its secret. */
  public static class Source {
    private String provider;
    private String scheme;
    private String secret;
    private List<String> contentTypes = new ArrayList<>();

    /** Created by Spring. */
    public Source() {}

    /**
     * Returns the provider: a name from Hookline's catalog ({@code Providers.names()}), for example {@code github},
     * {@code stripe}, {@code slack}, {@code meta}, {@code twilio} or {@code sns}; the same names as the quick start's
     * {@code --source NAME=PROVIDER:SECRET} and the Lambda functions' {@code HOOKLINE_SOURCES}.
     *
     * @return the provider
     */
    public String getProvider() {
      return provider;
    }

    /**
     * Sets the provider.
     *
     * @param provider the provider's name
     */
    public void setProvider(String provider) {
      this.provider = provider;
    }

    /**
     * Returns the older name of {@link #getProvider()}, still read when {@code provider} is not set.
     *
     * @return the scheme
     */
    public String getScheme() {
      return scheme;
    }

    /**
     * Sets the older name of the provider; {@code provider} wins when both are set.
     *
     * @param scheme the scheme
     */
    public void setScheme(String scheme) {
      this.scheme = scheme;
    }

    /**
     * Returns the secret, in the provider's form ({@code Provider.secretFormat()}): {@code APP_SECRET:VERIFY_TOKEN} for
     * Meta, {@code AUTH_TOKEN:PUBLIC_URL} for Twilio, the topic ARNs for Amazon SNS, the signing secret for most.
     *
     * @return the secret
     */
    public String getSecret() {
      return secret;
    }

    /**
     * Sets the signing secret; take it from the environment or a secret store, not from a committed file.
     *
     * @param secret the secret
     */
    public void setSecret(String secret) {
      this.secret = secret;
    }

    /**
     * Returns the allowed content types; empty means the provider's own (JSON, plus form-encoded for Slack, Twilio and
     * GitHub, plain text for Amazon SNS).
     *
     * @return the content type patterns
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
      return "Source{provider=" + (provider != null ? provider : scheme) + '}';
    }
  }

  /** The consumer runner's settings. */
  public static class Consumer {
    private int maxInFlight = 10;
    private int maxAttempts = 5;
    private Duration waitTime = Duration.ofSeconds(20);

    /** Created by Spring. */
    public Consumer() {}

    /**
     * Returns how many messages are handled at once.
     *
     * @return default 10
     */
    public int getMaxInFlight() {
      return maxInFlight;
    }

    /**
     * Sets how many messages are handled at once.
     *
     * @param maxInFlight at least 1
     */
    public void setMaxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
    }

    /**
     * Returns the attempts per webhook before it is dead-lettered.
     *
     * @return default 5; keep it below the queue's redrive maxReceiveCount
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
     * @param waitTime 0 to 20 s
     */
    public void setWaitTime(Duration waitTime) {
      this.waitTime = waitTime;
    }
  }
}
