package dev.hookline.testkit;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * JUnit 5 extension that gives a test class an embedded ElasticMQ server and SDK clients pointed at it.
 *
 * <p>The server starts once per JVM (the first class that uses the extension starts it; JUnit stops it after the
 * last test), so test classes pay for one start in total. Queue names from {@link #createQueue} are unique, so test
 * classes never see each other's messages.
 *
 * <pre>{@code
 * @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();
 *
 * @Test void sends() {
 *   String url = SQS.createQueue("orders");
 *   SQS.syncClient().sendMessage(b -> b.queueUrl(url).messageBody("hi"));
 * }
 * }</pre>
 *
 * <p>Thread-safety: the accessors are thread-safe after {@code beforeAll}.
 */
public final class ElasticMqExtension implements BeforeAllCallback {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private volatile Shared shared;

  /** Creates the extension; register it with {@code @RegisterExtension} on a static field. */
  public ElasticMqExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
    shared = store.getOrComputeIfAbsent(Shared.class, k -> new Shared(), Shared.class);
  }

  private Shared shared() {
    Shared s = shared;
    if (s == null) {
      throw new IllegalStateException("ElasticMqExtension is not started: register it on a static field");
    }
    return s;
  }

  /** {@return the running server} */
  public EmbeddedSqs server() {
    return shared().server;
  }

  /** {@return a shared async client pointed at the server; do not close it} */
  public SqsAsyncClient asyncClient() {
    return shared().async;
  }

  /** {@return a shared sync client pointed at the server; do not close it} */
  public SqsClient syncClient() {
    return shared().sync;
  }

  /**
   * Returns how many messages a queue holds: visible, in flight (received, not deleted) and delayed. Zero means
   * every message was deleted; ElasticMQ's counts are exact.
   *
   * @param queueUrl the queue
   * @return the number of messages
   */
  public int depth(String queueUrl) {
    Map<QueueAttributeName, String> attributes =
        syncClient()
            .getQueueAttributes(
                b ->
                    b.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
            .attributes();
    return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
        + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
  }

  /**
   * Returns how many messages of a queue are in flight: received and neither deleted nor visible again (SQS's
   * {@code ApproximateNumberOfMessagesNotVisible}, exact on ElasticMQ).
   *
   * @param queueUrl the queue
   * @return the number of messages in flight
   */
  public int inFlight(String queueUrl) {
    return Integer.parseInt(
        syncClient()
            .getQueueAttributes(
                b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  /**
   * Creates a standard queue with a unique name that starts with {@code prefix}.
   *
   * @param prefix a readable prefix
   * @return the queue URL
   */
  public String createQueue(String prefix) {
    return createQueue(prefix, Map.of());
  }

  /**
   * Creates a queue with a unique name and the given attributes. A name ending in {@code .fifo} is created as FIFO.
   *
   * @param prefix a readable prefix; end it with {@code .fifo} for a FIFO queue
   * @param attributes queue attributes
   * @return the queue URL
   */
  public String createQueue(String prefix, Map<QueueAttributeName, String> attributes) {
    boolean fifo = prefix.endsWith(".fifo");
    String base = fifo ? prefix.substring(0, prefix.length() - 5) : prefix;
    String name = base + "-" + COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    if (fifo) {
      name += ".fifo";
      attributes = new java.util.HashMap<>(attributes);
      attributes.putIfAbsent(QueueAttributeName.FIFO_QUEUE, "true");
    }
    Map<QueueAttributeName, String> attrs = attributes;
    String queueName = name;
    return syncClient().createQueue(b -> b.queueName(queueName).attributes(attrs)).queueUrl();
  }

  /**
   * Creates a FIFO queue with a unique name.
   *
   * @param prefix a readable prefix (without {@code .fifo})
   * @return the queue URL
   */
  public String createFifoQueue(String prefix) {
    return createQueue(prefix + ".fifo", Map.of());
  }

  /**
   * Returns the ARN of a queue, for redrive policies.
   *
   * @param queueUrl the queue URL
   * @return the ARN
   */
  public String queueArn(String queueUrl) {
    return syncClient()
        .getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes()
        .get(QueueAttributeName.QUEUE_ARN);
  }

  /**
   * Creates a queue and its dead-letter queue (same kind, FIFO when {@code prefix} ends in {@code .fifo}) with a
   * redrive policy.
   *
   * @param prefix a readable prefix
   * @param maxReceiveCount receives before SQS moves a message to the DLQ
   * @param visibilityTimeoutSeconds the main queue's visibility timeout
   * @return the two queue URLs
   */
  public QueuePair createQueueWithDlq(String prefix, int maxReceiveCount, int visibilityTimeoutSeconds) {
    boolean fifo = prefix.endsWith(".fifo");
    String base = fifo ? prefix.substring(0, prefix.length() - 5) : prefix;
    String dlq = createQueue(base + "-dlq" + (fifo ? ".fifo" : ""));
    String redrive =
        "{\"deadLetterTargetArn\":\"" + queueArn(dlq) + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
    String queue =
        createQueue(
            prefix,
            Map.of(
                QueueAttributeName.REDRIVE_POLICY, redrive,
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds)));
    return new QueuePair(queue, dlq);
  }

  /**
   * A queue and its dead-letter queue.
   *
   * @param queueUrl the main queue's URL
   * @param dlqUrl the dead-letter queue's URL
   */
  public record QueuePair(String queueUrl, String dlqUrl) {}

  /** The per-JVM server and clients; JUnit (5.13+) closes {@link AutoCloseable} store values with the root context. */
  private static final class Shared implements AutoCloseable {
    final EmbeddedSqs server = EmbeddedSqs.start();
    final SqsAsyncClient async = server.newAsyncClient();
    final SqsClient sync = server.newSyncClient();

    @Override
    public void close() {
      async.close();
      sync.close();
      server.close();
    }
  }
}
