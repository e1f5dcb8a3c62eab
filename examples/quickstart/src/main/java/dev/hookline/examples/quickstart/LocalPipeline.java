package dev.hookline.examples.quickstart;

import dev.hookline.core.PipelineListener;
import dev.hookline.core.WebhookHandler;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.idempotency.InMemoryIdempotencyStore;
import dev.hookline.core.retry.Backoff;
import dev.hookline.core.retry.RetryPolicy;
import dev.hookline.core.retry.WebhookProcessor;
import dev.hookline.http.WebhookHttpServer;
import dev.hookline.sqs.SqsConsumerConfig;
import dev.hookline.sqs.SqsConsumerRunner;
import dev.hookline.sqs.SqsEnqueuer;
import dev.hookline.sqs.admin.ProvisionResult;
import dev.hookline.sqs.admin.QueueProvisioner;
import dev.hookline.testkit.EmbeddedSqs;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole Hookline pipeline in one process: an embedded SQS (ElasticMQ), a queue and its DLQ, the JDK HTTP receiver
 * that enqueues to SQS, and a consumer runner that calls the handler with retries, backoff and the DLQ.
 *
 * <p>{@link #start} builds and starts everything in order; {@link #close()} stops it in reverse order, each part
 * bounded by its own shutdown deadline.
 */
final class LocalPipeline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalPipeline.class);

  static final String QUEUE_NAME = "hookline-quickstart";

  /** Attempts per webhook; short delays so a failing webhook reaches the DLQ within seconds. */
  static final int MAX_ATTEMPTS = 4;

  /** Retry delays: 1 s, then 2 s, then 2 s (no jitter, so the demo's timing is predictable). */
  static final Backoff BACKOFF = Backoff.exponential(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(2));

  private static final Duration LONG_POLL = Duration.ofSeconds(2);

  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private final ReentrantLock closing = new ReentrantLock();
  private EmbeddedSqs sqs;
  private SqsClient syncClient;
  private ProvisionResult queues;
  private WebhookReceiver receiver;
  private WebhookHttpServer http;

  private LocalPipeline() {}

  /**
   * Starts the pipeline.
   *
   * @param host the interface the HTTP receiver listens on
   * @param port the HTTP port, or 0 for a free one
   * @param sources the webhook sources
   * @param handler the handler the consumer calls
   * @param listener observes receiving and processing (the demo counts with it)
   * @return the running pipeline; close it
   */
  static LocalPipeline start(
      String host, int port, List<SourceSpec> sources, WebhookHandler handler, PipelineListener listener) {
    LocalPipeline p = new LocalPipeline();
    try {
      p.startAll(host, port, sources, handler, listener);
      return p;
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  // Assembled top to bottom: storage, then the consumer, then the door that lets webhooks in.
  private void startAll(
      String host, int port, List<SourceSpec> sources, WebhookHandler handler, PipelineListener listener) {
    sqs = own(EmbeddedSqs.start());
    syncClient = own(sqs.newSyncClient());
    // The AWS CRT HTTP client, which the README recommends: the least client CPU per message in the benchmarks.
    SqsAsyncClient asyncClient = own(sqs.newAsyncClient(AwsCrtAsyncHttpClient.builder().maxConcurrency(50)));

    queues =
        QueueProvisioner.builder()
            .client(syncClient)
            .queueName(QUEUE_NAME)
            .maxAttempts(MAX_ATTEMPTS)
            .build()
            .provision();

    WebhookProcessor processor =
        WebhookProcessor.builder()
            .handler(handler)
            .retryPolicy(RetryPolicy.builder().maxAttempts(MAX_ATTEMPTS).backoff(BACKOFF).build())
            .idempotencyStore(InMemoryIdempotencyStore.builder().build())
            // A copy that arrives while the first is still being handled waits out the first one's claim (at
            // most this long, if its consumer died), then is skipped; the demo's handlers take milliseconds.
            .claimTtl(Duration.ofSeconds(5))
            .listener(listener)
            .build();
    SqsConsumerRunner runner =
        SqsConsumerRunner.builder()
            .client(asyncClient)
            .config(
                SqsConsumerConfig.builder()
                    .queueUrl(queues.queueUrl())
                    .deadLetterQueueUrl(queues.dlqUrl())
                    // The embedded server waits for open long polls when it stops; keep them short here so the
                    // quick start exits promptly. Against SQS keep the default of 20 s (fewer, cheaper receives).
                    .waitTime(LONG_POLL)
                    .listener(listener)
                    .build())
            .processor(processor)
            .build();
    own(runner);
    runner.start();

    SqsEnqueuer enqueuer =
        own(SqsEnqueuer.builder().client(asyncClient).queueUrl(queues.queueUrl()).listener(listener).build());
    WebhookReceiver.Builder receiverBuilder = WebhookReceiver.builder().sink(enqueuer).listener(listener);
    for (SourceSpec source : sources) {
      receiverBuilder.addSource(source.toSource());
    }
    receiver = receiverBuilder.build();
    http =
        own(
            WebhookHttpServer.builder()
                .bindAddress(host)
                .port(port)
                .receiver(receiver)
                // GET /readyz: 503 while the enqueuer cannot take webhooks or once the consumer has stopped
                .addReadinessCheck(enqueuer::accepting)
                .addReadinessCheck(runner::isRunning)
                .build());
    http.start();
    log.info("Quick start pipeline running. receiver={} queue={}", baseUri(), queues.queueUrl());
  }

  private <T extends AutoCloseable> T own(T resource) {
    toClose.push(Objects.requireNonNull(resource, "resource"));
    return resource;
  }

  /** Returns {@code http://host:port}, where the receiver listens. */
  URI baseUri() {
    return URI.create("http://" + http.address().getHostString() + ":" + http.port());
  }

  /** Returns the URL to POST a source's webhooks to. */
  URI webhookUri(String sourceName) {
    return baseUri().resolve(http.pathPrefix() + sourceName);
  }

  /** Returns the embedded SQS endpoint. */
  URI sqsEndpoint() {
    return sqs.endpoint();
  }

  String queueUrl() {
    return queues.queueUrl();
  }

  String dlqUrl() {
    return queues.dlqUrl();
  }

  /** Returns a synchronous client for the embedded SQS; the pipeline closes it. */
  SqsClient syncClient() {
    return syncClient;
  }

  WebhookReceiver receiver() {
    return receiver;
  }

  /**
   * Stops the HTTP server (no new webhooks), the enqueuer (pending sends finish), the runner (in-flight messages
   * finish, unfinished ones become visible again), the clients and the embedded SQS. Idempotent.
   */
  @Override
  public void close() {
    // A lock, not synchronized: closing blocks on I/O. A second caller (the shutdown hook) waits for the first.
    closing.lock();
    try {
      while (!toClose.isEmpty()) {
        AutoCloseable resource = toClose.pop();
        try {
          resource.close();
        } catch (Exception e) {
          log.warn("Close failed; continuing. resource={}", resource.getClass().getSimpleName(), e);
        }
      }
    } finally {
      closing.unlock();
    }
  }
}
