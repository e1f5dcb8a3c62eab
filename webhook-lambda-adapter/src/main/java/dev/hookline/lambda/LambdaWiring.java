package dev.hookline.lambda;

import dev.hookline.core.WebhookHandler;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.idempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.hookline.sqs.SqsEnqueuer;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Builds the functions' parts from the environment, once per execution environment, in the INIT phase. The SQS
 * and DynamoDB clients built here use the SDK's defaults (region and credentials from the Lambda environment; the
 * SQS client on AWS CRT when it is on the class path, see {@code SqsClients}) and live as long as the execution
 * environment.
 */
final class LambdaWiring {

  static final String TIME_MARGIN_MILLIS = "HOOKLINE_TIME_MARGIN_MILLIS";
  static final String METRICS = "HOOKLINE_METRICS";
  static final String METRICS_NAMESPACE = "HOOKLINE_METRICS_NAMESPACE";

  /**
   * The EMF metrics asked for by {@code HOOKLINE_METRICS=emf} (namespace from {@code HOOKLINE_METRICS_NAMESPACE},
   * default {@code Hookline}); empty when unset or {@code none}.
   */
  static Optional<EmfMetrics> emfMetrics(LambdaEnvironment env) {
    String mode = env.optional(METRICS).map(String::trim).orElse("none");
    if (mode.equalsIgnoreCase("none") || mode.isEmpty()) {
      return Optional.empty();
    }
    if (!mode.equalsIgnoreCase("emf")) {
      throw new IllegalStateException(METRICS + " must be emf or none, was '" + mode + "'");
    }
    String namespace = env.optional(METRICS_NAMESPACE).orElse(EmfMetrics.DEFAULT_NAMESPACE);
    try {
      return Optional.of(EmfMetrics.toStandardOutput(namespace));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(METRICS_NAMESPACE + ": " + e.getMessage(), e);
    }
  }

  private LambdaWiring() {}

  static WebhookReceiver receiver(LambdaEnvironment env, Supplier<SqsAsyncClient> clients) {
    String queueUrl = env.required(LambdaEnvironment.QUEUE_URL);
    WebhookReceiver.Builder receiver = WebhookReceiver.builder();
    for (WebhookSource source : env.sources()) {
      receiver.addSource(source);
    }
    SqsEnqueuer enqueuer =
        SqsEnqueuer.builder()
            .client(clients.get())
            .queueUrl(queueUrl)
            // One request per invocation: waiting for a batch to fill would only add latency.
            .linger(Duration.ZERO)
            .build();
    emfMetrics(env).map(EmfMetrics::perRequest).ifPresent(receiver::listener);
    return receiver.sink(enqueuer).build();
  }

  static Duration budgetMargin(LambdaEnvironment env) {
    return env.optionalMillis(LambdaEnvironment.BUDGET_MARGIN_MILLIS).orElse(ApiGatewayBridge.DEFAULT_BUDGET_MARGIN);
  }

  /**
   * Returns the SQS function's settings from the environment.
   *
   * @param env the environment
   * @param handler the handler, or null to instantiate the class named by {@code HOOKLINE_HANDLER}
   * @param clients makes the SQS client, called last, once every variable was read
   */
  static SqsBatchFunction.Builder sqsBatchFunction(
      LambdaEnvironment env, WebhookHandler handler, Supplier<SqsAsyncClient> clients) {
    return sqsBatchFunction(env, handler, clients, DynamoDbAsyncClient::create);
  }

  /**
   * Returns the SQS function's settings from the environment.
   *
   * @param env the environment
   * @param handler the handler, or null to instantiate the class named by {@code HOOKLINE_HANDLER}
   * @param clients makes the SQS client, called last, once every variable was read
   * @param dynamoDbClients makes the DynamoDB client of the idempotency store, called only when
   *     {@code HOOKLINE_IDEMPOTENCY_TABLE} is set
   */
  static SqsBatchFunction.Builder sqsBatchFunction(
      LambdaEnvironment env,
      WebhookHandler handler,
      Supplier<SqsAsyncClient> clients,
      Supplier<DynamoDbAsyncClient> dynamoDbClients) {
    String dlqUrl = env.required(LambdaEnvironment.DLQ_URL);
    WebhookHandler h = handler != null ? handler : instantiate(env.required(LambdaEnvironment.HANDLER));
    RetryPolicy.Builder retry = RetryPolicy.builder();
    env.optionalLong(LambdaEnvironment.MAX_ATTEMPTS)
        .ifPresent(n -> retry.maxAttempts((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n))));
    RetryPolicy policy;
    try {
      policy = retry.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(LambdaEnvironment.MAX_ATTEMPTS + ": " + e.getMessage(), e);
    }
    WebhookProcessor.Builder processor = WebhookProcessor.builder().handler(h).retryPolicy(policy);
    Optional<EmfMetrics> metrics = emfMetrics(env);
    metrics.ifPresent(processor::listener);
    env.verifiersIfConfigured().forEach(processor::verifier);
    env.optional(LambdaEnvironment.IDEMPOTENCY_TABLE)
        .ifPresent(table -> processor.idempotencyStore(idempotencyStore(table, dynamoDbClients)));
    SqsBatchFunction.Builder builder =
        SqsBatchFunction.builder().processor(processor.build()).deadLetterQueueUrl(dlqUrl);
    metrics.ifPresent(builder::emfMetrics);
    env.optional(LambdaEnvironment.QUEUE_URL).ifPresent(builder::queueUrl);
    env.optionalMillis(TIME_MARGIN_MILLIS).ifPresent(builder::timeMargin);
    return builder.client(clients.get());
  }

  /**
   * The DynamoDB store shared by every execution environment, checked now: a missing table or a wrong key fails
   * INIT naming the variable, the table and the region, instead of the first batch.
   */
  private static DynamoDbIdempotencyStore idempotencyStore(String table, Supplier<DynamoDbAsyncClient> clients) {
    String variable = LambdaEnvironment.IDEMPOTENCY_TABLE;
    DynamoDbIdempotencyStore store;
    try {
      store = DynamoDbIdempotencyStore.builder().client(clients.get()).tableName(table).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(variable + ": " + e.getMessage(), e);
    }
    try {
      store.start();
    } catch (RuntimeException e) {
      throw new IllegalStateException(variable + ": " + e.getMessage(), e);
    }
    return store;
  }

  /** Instantiates the named handler class with its public no-argument constructor. */
  static WebhookHandler instantiate(String className) {
    String variable = LambdaEnvironment.HANDLER;
    Class<?> type;
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      type = Class.forName(className, true, loader != null ? loader : LambdaWiring.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(variable + " names a class that cannot be loaded: " + className, e);
    }
    if (!WebhookHandler.class.isAssignableFrom(type)) {
      throw new IllegalStateException(
          variable + " must name a " + WebhookHandler.class.getName() + ", was " + className);
    }
    try {
      return (WebhookHandler) type.getConstructor().newInstance();
    } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
      throw new IllegalStateException(
          variable + " must name a class with a public no-argument constructor, was " + className, e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(variable + " class " + className + " failed to construct", e.getCause());
    }
  }
}
