package dev.hookline.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.internal.Failures;
import dev.hookline.core.internal.LogContext;
import dev.hookline.core.retry.Decision;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.sqs.SqsClients;
import dev.hookline.sqs.internal.BatchOutcome;
import dev.hookline.sqs.internal.DeadLetters;
import dev.hookline.sqs.internal.MessageEffects;
import dev.hookline.sqs.internal.MessageSettler;
import dev.hookline.sqs.internal.VisibilityChange;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The consumer as a Lambda function on an SQS event source: decodes each record, runs your {@link WebhookHandler}
 * through the same {@link WebhookProcessor} as {@code SqsConsumerRunner}, and answers with a partial batch response,
 * so that only the records that must come back are redelivered. Enable {@code ReportBatchItemFailures} on the event
 * source mapping; without it Lambda ignores the response and retries the whole batch on any failure.
 *
 * <p>Each record goes through the same settling path as in {@code SqsConsumerRunner} (decode → poison or process →
 * decision), by the processor's {@link Decision}:
 *
 * <ul>
 *   <li><b>Ack</b> — reported as a success; Lambda deletes it.
 *   <li><b>Retry</b> — its visibility timeout is set to the backoff delay ({@code ChangeMessageVisibility} with the
 *       record's receipt handle, capped at SQS's 12 hours), then it is reported as a failure, so Lambda's redelivery
 *       honours the backoff. If the change fails, it still comes back, after the queue's own visibility timeout.
 *   <li><b>DeadLetter</b> (a permanent failure, attempts exhausted, or a record that is not an envelope) — a copy goes
 *       to the dead-letter queue with its failure (see the README's dead-letter format), and the record is reported
 *       as a success, so Lambda deletes it. If that send fails, the record is reported as a failure: it is never
 *       lost. Dead-lettering needs only {@code HOOKLINE_DLQ_URL}.
 * </ul>
 *
 * <p>The attempt is the record's {@code ApproximateReceiveCount} and {@code ApproximateFirstReceiveTimestamp}. Records
 * run one at a time, in order. On a FIFO queue, once a record fails, it and every later record of the same message
 * group are reported as failures without being handled, and made visible again at once: SQS returns them only after
 * the failed record, so the group's order holds. Other groups go on. Records not
 * started when less than the {@linkplain Builder#timeMargin time margin} of the invocation is left are reported as
 * failures too, and handled on redelivery.
 *
 * <p>The source queue's URL, needed only for visibility changes, is {@link Builder#queueUrl} when its name matches
 * the record's {@code eventSourceARN}, else it is looked up once per queue with {@code GetQueueUrl} (the function then
 * needs {@code sqs:GetQueueUrl}) and cached. A failed look-up is logged in one line; those records still come back,
 * after the queue's visibility timeout.
 *
 * <p><b>Configuration from the environment</b> (the no-argument constructors, which run once per execution
 * environment in the INIT phase; a missing or invalid variable fails INIT with a message naming it):
 *
 * <ul>
 *   <li>{@code HOOKLINE_DLQ_URL} — required: the dead-letter queue's URL.
 *   <li>{@code HOOKLINE_HANDLER} — the fully qualified name of your {@link WebhookHandler} class, with a public
 *       no-argument constructor; required by {@link #SqsBatchFunction()} only.
 *   <li>{@code HOOKLINE_QUEUE_URL} — optional: the source queue's URL, which saves one {@code GetQueueUrl} call per
 *       execution environment; without it the function needs {@code sqs:GetQueueUrl}.
 *   <li>{@code HOOKLINE_MAX_ATTEMPTS} — optional: attempts before dead-lettering (default 5); keep it below the
 *       redrive policy's {@code maxReceiveCount}.
 *   <li>{@code HOOKLINE_SOURCES} and {@code HOOKLINE_SECRET_<NAME>} — optional: as for the receiver functions; they
 *       verify webhooks that an API Gateway direct integration wrote without verifying.
 *   <li>{@code HOOKLINE_TIME_MARGIN_MILLIS} — optional: the time margin (default 2000).
 *   <li>{@code HOOKLINE_IDEMPOTENCY_TABLE} — optional: a DynamoDB table (see {@code IdempotencyTableProvisioner})
 *       for a {@code DynamoDbIdempotencyStore} that every execution environment shares, so a delivery is handled
 *       once however far the function scales out. Checked with {@code DescribeTable} during INIT; the function
 *       needs {@code dynamodb:DescribeTable}, {@code PutItem}, {@code GetItem}, {@code UpdateItem} and
 *       {@code DeleteItem} on it. Without it, no idempotency store is used.
 * </ul>
 *
 * <p>The SQS and DynamoDB clients are built with the SDK's defaults: region and credentials come from the Lambda
 * environment. The SQS client runs on the AWS CRT HTTP client when {@code aws-crt-client} is on the classpath (see
 * {@link dev.hookline.sqs.SqsClients}).
 *
 * <pre>{@code
 * // Handler: com.example.OrdersFunction::handleRequest
 * public final class OrdersFunction extends SqsBatchFunction {
 *   public OrdersFunction() {
 *     super(new OrderWebhookHandler()); // the same handler your SqsConsumerRunner runs
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safety: safe to share; Lambda calls it one invocation at a time. The SQS client passed to the
 * {@link Builder} belongs to you; the one the environment constructors build lives as long as the execution
 * environment.
 */
public class SqsBatchFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {

  private static final Logger log = LoggerFactory.getLogger(SqsBatchFunction.class);

  /** The default time margin: 2 seconds. */
  public static final Duration DEFAULT_TIME_MARGIN = Duration.ofSeconds(2);

  /** Time kept back for returning the response when waiting for SQS. */
  private static final long RESPONSE_RESERVE_MILLIS = 200;

  private static final MessageSettler.Outcome KEPT =
      new MessageSettler.Outcome(MessageSettler.Kind.KEPT, Optional.empty());

  private final SqsAsyncClient client;
  private final MessageSettler settler;
  private final String queueUrl;
  private final String deadLetterQueueUrl;
  private final Duration timeMargin;
  private final EmfMetrics emfMetrics;
  /** Event source ARN → effects on that queue. */
  private final Map<String, MessageEffects> effectsByArn = new ConcurrentHashMap<>();

  /**
   * Creates the function from environment variables (see the class description), with the handler class named by
   * {@code HOOKLINE_HANDLER}.
   *
   * @throws IllegalStateException naming the first missing or invalid variable
   */
  public SqsBatchFunction() {
    this(LambdaWiring.sqsBatchFunction(LambdaEnvironment.system(), null, SqsClients::create));
  }

  /**
   * Creates the function from environment variables (see the class description) around your handler; for a
   * subclass whose no-argument constructor passes it.
   *
   * @param handler your handler
   * @throws IllegalStateException naming the first missing or invalid variable
   */
  public SqsBatchFunction(WebhookHandler handler) {
    this(
        LambdaWiring.sqsBatchFunction(
            LambdaEnvironment.system(), Objects.requireNonNull(handler, "handler"), SqsClients::create));
  }

  /**
   * Creates the function from a builder; for subclasses with custom wiring. {@link Builder#build()} is the usual
   * way.
   *
   * @param builder the settings
   * @throws IllegalArgumentException naming the first missing or invalid setting
   */
  protected SqsBatchFunction(Builder builder) {
    Objects.requireNonNull(builder, "builder");
    builder.validate();
    this.client = builder.client;
    this.settler =
        new MessageSettler(
            builder.processor,
            builder.codec,
            builder.clock,
            new DeadLetters(builder.client, builder.deadLetterQueueUrl, builder.codec));
    this.queueUrl = builder.queueUrl;
    this.deadLetterQueueUrl = builder.deadLetterQueueUrl;
    this.timeMargin = builder.timeMargin;
    this.emfMetrics = builder.emfMetrics;
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Handles one batch.
   *
   * @param event the SQS event
   * @param context the invocation context, for the remaining time
   * @return the ids of the records Lambda must leave on the queue; never null
   * @throws IllegalStateException when a failed record has no message id (Lambda always sets one), so that Lambda
   *     returns the whole batch to the queue instead of deleting a record that failed
   */
  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    String requestId = context == null ? null : context.getAwsRequestId();
    try (LogContext logContext = LogContext.open()) {
      if (requestId != null) {
        logContext.put(MDC_REQUEST_ID, requestId);
      }
      return handleBatch(event, context);
    } finally {
      flushMetrics();
    }
  }

  private void flushMetrics() {
    if (emfMetrics != null) {
      try {
        emfMetrics.flush();
      } catch (RuntimeException e) {
        log.warn("Could not print the EMF metrics. error={}", e.toString());
      }
    }
  }

  /** MDC key set to the invocation's request id for the whole batch, as Powertools does. */
  static final String MDC_REQUEST_ID = LogContext.AWS_REQUEST_ID;

  private SQSBatchResponse handleBatch(SQSEvent event, Context context) {
    List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
    Set<String> failures = new LinkedHashSet<>();
    MessageSettler.GroupHoldBack holdBack = new MessageSettler.GroupHoldBack();
    // Event source ARN → the visibility changes for records of that queue, sent in batches at the end.
    Map<String, List<VisibilityChange>> changes = new LinkedHashMap<>();

    for (SQSEvent.SQSMessage record : records) {
      Message message = toMessage(record);
      Port port = new Port(record.getEventSourceArn(), changes);
      if (holdBack.heldBack(message)) {
        // Visible again at once; SQS returns it only after the failed record, so the group keeps its order.
        port.changeVisibility(message, 0);
        failures.add(message.messageId());
        continue;
      }
      Optional<MessageSettler.Outcome> outcome = Optional.empty();
      if (context != null && context.getRemainingTimeInMillis() < timeMargin.toMillis()) {
        log.debug("Too little time left to start a record. messageId={}", message.messageId());
      } else {
        outcome = Optional.of(await(settler.settle(message, port), context, KEPT));
        if (outcome.get().kind() == MessageSettler.Kind.KEPT) {
          log.warn("Record not settled; reporting it as failed. messageId={}", message.messageId());
        }
      }
      holdBack.record(message, outcome);
      if (outcome.isEmpty() || !outcome.get().done()) {
        failures.add(message.messageId());
      }
    }

    // Visibility changes are batched per queue; each retried record is reported as a failure either way.
    changes.forEach(
        (arn, batch) -> {
          Optional<MessageEffects> effects = effects(arn, context);
          BatchOutcome outcome =
              effects.isEmpty()
                  ? new BatchOutcome(Set.of(), Map.of())
                  : await(effects.get().changeVisibility(batch), context, new BatchOutcome(Set.of(), Map.of()));
          for (VisibilityChange change : batch) {
            if (!outcome.succeeded(change.message().messageId())) {
              log.warn(
                  "Could not set the retry delay; the record returns after the queue's visibility timeout."
                      + " messageId={}",
                  change.message().messageId());
            }
          }
        });

    List<SQSBatchResponse.BatchItemFailure> items = new ArrayList<>(failures.size());
    int unnamed = 0;
    for (String id : failures) {
      if (hasId(id)) {
        items.add(new SQSBatchResponse.BatchItemFailure(id));
      } else {
        unnamed++;
      }
    }
    if (unnamed > 0) {
      // A failed record without an id cannot be reported, and leaving it out would let Lambda delete it. Failing the
      // invocation makes Lambda return the whole batch to the queue: nothing is lost, and the idempotency store (if
      // any) turns the records already handled into skips. Lambda always sets message ids; this is a safety net.
      log.error(
          "Failed records have no messageId and cannot be reported; failing the whole batch so none is lost."
              + " unnamed={} failed={} records={}",
          unnamed,
          failures.size(),
          records.size());
      throw new IllegalStateException(
          unnamed + " failed record(s) without a messageId; the whole batch is returned to the queue");
    }
    return new SQSBatchResponse(items);
  }

  private static boolean hasId(String messageId) {
    return messageId != null && !messageId.isBlank();
  }

  /**
   * The function's way to SQS: Lambda deletes every record the batch response does not name, so a delete is only
   * not reporting the record; visibility changes are collected per queue and sent once the batch is done.
   */
  private static final class Port implements MessageSettler.Port {
    private final String arn;
    private final Map<String, List<VisibilityChange>> changes;

    Port(String arn, Map<String, List<VisibilityChange>> changes) {
      this.arn = arn == null ? "" : arn;
      this.changes = changes;
    }

    @Override
    public String queueName() {
      // arn:aws:sqs:<region>:<account>:<queue name>
      String name = arn.substring(arn.lastIndexOf(':') + 1);
      return name.isEmpty() ? "unknown" : name;
    }

    @Override
    public CompletableFuture<?> delete(Message message) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void changeVisibility(Message message, int seconds) {
      // A record without a message id cannot be reported as failed, so Lambda deletes it whatever its visibility.
      if (hasId(message.messageId())) {
        changes.computeIfAbsent(arn, k -> new ArrayList<>()).add(new VisibilityChange(message, seconds));
      }
    }
  }

  /** Returns the effects for a queue, resolving its URL once; empty when it cannot be resolved. */
  private Optional<MessageEffects> effects(String arn, Context context) {
    MessageEffects cached = effectsByArn.get(arn);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<String> url = resolveQueueUrl(arn, context);
    if (url.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        effectsByArn.computeIfAbsent(arn, k -> new MessageEffects(client, url.get())));
  }

  private Optional<String> resolveQueueUrl(String arn, Context context) {
    Optional<QueueArn> parsed = QueueArn.parse(arn);
    if (queueUrl != null && (parsed.isEmpty() || queueUrl.endsWith("/" + parsed.get().name()))) {
      return Optional.of(queueUrl);
    }
    if (parsed.isEmpty()) {
      log.warn("Record has no SQS eventSourceARN and no queue URL is configured. eventSourceARN={}", arn);
      return Optional.empty();
    }
    QueueArn queue = parsed.get();
    CompletableFuture<String> lookup =
        client
            .getQueueUrl(b -> b.queueName(queue.name()).queueOwnerAWSAccountId(queue.account()))
            .thenApply(r -> r.queueUrl());
    String found = await(lookup, context, null);
    if (found == null) {
      log.warn(
          "Could not look up the queue URL, so retry delays cannot be set; those records return after the queue's"
              + " visibility timeout. Set HOOKLINE_QUEUE_URL, or allow sqs:GetQueueUrl. queue={}",
          queue.name());
    }
    return Optional.ofNullable(found);
  }

  /** Waits for SQS within the invocation's remaining time; the fallback on failure or timeout. */
  private <T> T await(CompletableFuture<T> future, Context context, T fallback) {
    long waitMillis =
        context == null
            ? TimeUnit.MINUTES.toMillis(1)
            : Math.max(1, context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MILLIS);
    try {
      return future.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fallback;
    } catch (ExecutionException | TimeoutException e) {
      // One line: the callers say what it meant, and an expected failure (a missing queue) needs no stack trace.
      log.warn("SQS call failed or timed out. error={}", Failures.unwrap(e));
      return fallback;
    }
  }

  /** Converts a Lambda record into the SDK's message, the form the shared SQS helpers read. */
  static Message toMessage(SQSEvent.SQSMessage record) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    if (record.getMessageAttributes() != null) {
      record
          .getMessageAttributes()
          .forEach(
              (name, value) -> {
                if (name != null && value != null && value.getDataType() != null) {
                  MessageAttributeValue.Builder v = MessageAttributeValue.builder().dataType(value.getDataType());
                  if (value.getStringValue() != null) {
                    v.stringValue(value.getStringValue());
                  }
                  if (value.getBinaryValue() != null) {
                    v.binaryValue(SdkBytes.fromByteBuffer(value.getBinaryValue().asReadOnlyBuffer()));
                  }
                  attributes.put(name, v.build());
                }
              });
    }
    return Message.builder()
        .messageId(record.getMessageId())
        .receiptHandle(record.getReceiptHandle())
        .body(record.getBody())
        .md5OfBody(record.getMd5OfBody())
        .attributesWithStrings(record.getAttributes() == null ? Map.of() : record.getAttributes())
        .messageAttributes(attributes)
        .build();
  }

  @Override
  public String toString() {
    return "SqsBatchFunction{queueUrl="
        + queueUrl
        + ", deadLetterQueueUrl="
        + deadLetterQueueUrl
        + ", timeMargin="
        + timeMargin
        + '}';
  }

  /** An SQS queue ARN: {@code arn:<partition>:sqs:<region>:<account>:<name>}. */
  record QueueArn(String region, String account, String name) {
    static Optional<QueueArn> parse(String arn) {
      if (arn == null) {
        return Optional.empty();
      }
      String[] parts = arn.split(":", 6);
      if (parts.length != 6 || !"arn".equals(parts[0]) || !"sqs".equals(parts[2]) || parts[5].isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new QueueArn(parts[3], parts[4], parts[5]));
    }
  }

  /**
   * Builds an {@link SqsBatchFunction}; not thread-safe. Setters only record; {@link #build()} checks.
   *
   * <pre>{@code
   * SqsBatchFunction function = SqsBatchFunction.builder()
   *     .client(sqsAsyncClient)
   *     .processor(WebhookProcessor.builder().handler(handler).build())
   *     .deadLetterQueueUrl(dlqUrl)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private SqsAsyncClient client;
    private WebhookProcessor processor;
    private EnvelopeCodec codec = EnvelopeCodec.defaults();
    private String queueUrl;
    private String deadLetterQueueUrl;
    private Duration timeMargin = DEFAULT_TIME_MARGIN;
    private Clock clock = Clock.systemUTC();
    private EmfMetrics emfMetrics;

    private Builder() {}

    /**
     * Sets the SQS client for visibility changes, dead-letter sends and queue URL look-ups. Required; yours: the
     * function never closes it.
     *
     * @param client the client
     * @return this builder
     */
    public Builder client(SqsAsyncClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the processor: your handler, retry policy, idempotency store and listener. Required; use the same one
     * you would give {@code SqsConsumerRunner}.
     *
     * @param processor the processor
     * @return this builder
     */
    public Builder processor(WebhookProcessor processor) {
      this.processor = Objects.requireNonNull(processor, "processor");
      return this;
    }

    /**
     * Sets the envelope codec. Default {@link EnvelopeCodec#defaults()}.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(EnvelopeCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Sets the source queue's URL. Default: looked up with {@code GetQueueUrl} from each record's
     * {@code eventSourceARN}, once per queue. Used only for records whose ARN names the same queue.
     *
     * @param queueUrl the queue URL
     * @return this builder
     */
    public Builder queueUrl(String queueUrl) {
      this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
      return this;
    }

    /**
     * Sets the dead-letter queue's URL. Required. A FIFO source queue needs a FIFO dead-letter queue.
     *
     * @param deadLetterQueueUrl the URL
     * @return this builder
     */
    public Builder deadLetterQueueUrl(String deadLetterQueueUrl) {
      this.deadLetterQueueUrl = Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
      return this;
    }

    /**
     * Sets how much of the invocation's time must be left to start another record. Default 2 seconds; raise it to
     * the longest your handler takes, so a record is not cut off by the function's timeout.
     *
     * @param timeMargin zero or more
     * @return this builder
     */
    public Builder timeMargin(Duration timeMargin) {
      this.timeMargin = Objects.requireNonNull(timeMargin, "timeMargin");
      return this;
    }

    /**
     * Sets the clock, used when a record has no first-receive timestamp. Default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Prints these metrics as CloudWatch Embedded Metric Format records after each invocation. Pass the same instance
     * as the processor's listener (or inside its composite), so that it sees the events. Default: none. {@code
     * HOOKLINE_METRICS=emf} sets both when the function is built from the environment.
     *
     * @param emfMetrics the metrics to flush
     * @return this builder
     */
    public Builder emfMetrics(EmfMetrics emfMetrics) {
      this.emfMetrics = Objects.requireNonNull(emfMetrics, "emfMetrics");
      return this;
    }

    /**
     * Returns the function.
     *
     * @return the function
     * @throws IllegalArgumentException naming the first missing or invalid setting
     */
    public SqsBatchFunction build() {
      return new SqsBatchFunction(this);
    }

    void validate() {
      if (client == null) {
        throw new IllegalArgumentException("client must be set");
      }
      if (processor == null) {
        throw new IllegalArgumentException("processor must be set");
      }
      if (deadLetterQueueUrl == null || deadLetterQueueUrl.isBlank()) {
        throw new IllegalArgumentException("deadLetterQueueUrl must be set");
      }
      if (queueUrl != null && queueUrl.isBlank()) {
        throw new IllegalArgumentException("queueUrl must not be blank");
      }
      if (timeMargin.isNegative()) {
        throw new IllegalArgumentException("timeMargin must not be negative, was " + timeMargin);
      }
    }
  }
}
