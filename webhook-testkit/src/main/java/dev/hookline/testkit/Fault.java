package dev.hookline.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link FaultProxy} does to a request that a rule matches: answer with an error instead of forwarding, add
 * latency before forwarding, reset the connection, fail some entries of a {@code SendMessageBatch}, or answer with
 * a canned success.
 *
 * <p>Error answers use the AWS JSON protocol as SQS speaks it: the status code, a {@code x-amzn-query-error:
 * Code;Sender|Receiver} header and a {@code {"__type":"...#Code","message":"..."}} body. The AWS SDK for Java v2
 * reads the error code from them, and treats the codes in its throttling list (for example {@code
 * ThrottlingException} and {@code RequestThrottled}) as throttling ({@code AwsServiceException.isThrottlingException()}).
 *
 * <p>Thread-safety: immutable.
 */
public final class Fault {

  enum Kind {
    RESPOND,
    DELAY,
    RESET,
    FAIL_BATCH_ENTRIES,
    REPLY
  }

  final Kind kind;
  final int status;
  final String errorCode;
  final boolean senderFault;
  final Duration delay;
  final int entries;
  final String body;

  private Fault(Kind kind, int status, String errorCode, boolean senderFault, Duration delay, int entries) {
    this(kind, status, errorCode, senderFault, delay, entries, "");
  }

  private Fault(
      Kind kind, int status, String errorCode, boolean senderFault, Duration delay, int entries, String body) {
    this.kind = kind;
    this.status = status;
    this.errorCode = errorCode;
    this.senderFault = senderFault;
    this.delay = delay;
    this.entries = entries;
    this.body = body;
  }

  /**
   * Answers 200 with a JSON body of the AWS JSON protocol instead of forwarding: stands in for a call the server
   * behind the proxy does not implement (dynalite has no {@code UpdateTimeToLive}), so a test can check the request
   * the client sent ({@link FaultProxy#requests}) and let the client go on.
   *
   * @param jsonBody the response body, for example {@code {"TimeToLiveSpecification":{...}}}
   * @return the fault
   */
  public static Fault reply(String jsonBody) {
    Objects.requireNonNull(jsonBody, "jsonBody");
    return new Fault(Kind.REPLY, 200, "", false, Duration.ZERO, 0, jsonBody);
  }

  /**
   * Answers 500 with error code {@code InternalError} (a server fault the SDK and Hookline retry).
   *
   * @return the fault
   */
  public static Fault serverError() {
    return error(500, "InternalError", false);
  }

  /**
   * Answers 503 with error code {@code ServiceUnavailable}.
   *
   * @return the fault
   */
  public static Fault unavailable() {
    return error(503, "ServiceUnavailable", false);
  }

  /**
   * Answers 400 with error code {@code ThrottlingException}, which the SDK classifies as throttling.
   *
   * @return the fault
   */
  public static Fault throttle() {
    return error(400, "ThrottlingException", true);
  }

  /**
   * Answers 400 with error code {@code RequestThrottled}, SQS's older throttling code, also in the SDK's list.
   *
   * @return the fault
   */
  public static Fault requestThrottled() {
    return error(400, "RequestThrottled", true);
  }

  /**
   * Answers with any status and AWS error code, for example {@code 400 AWS.SimpleQueueService.NonExistentQueue}.
   *
   * @param status the HTTP status
   * @param errorCode the AWS error code
   * @param senderFault whether the fault is the sender's ({@code Sender}) or the service's ({@code Receiver})
   * @return the fault
   */
  public static Fault error(int status, String errorCode, boolean senderFault) {
    Objects.requireNonNull(errorCode, "errorCode");
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be in 100..599, was " + status);
    }
    return new Fault(Kind.RESPOND, status, errorCode, senderFault, Duration.ZERO, 0);
  }

  /**
   * Waits {@code delay} and then forwards the request normally. A delay longer than the client's timeout models a
   * hung call.
   *
   * @param delay the added latency
   * @return the fault
   */
  public static Fault delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    return new Fault(Kind.DELAY, 0, "", false, delay, 0);
  }

  /**
   * Reads the request and then resets the TCP connection (RST) without answering: the client sees a connection
   * error.
   *
   * @return the fault
   */
  public static Fault reset() {
    return new Fault(Kind.RESET, 0, "", false, Duration.ZERO, 0);
  }

  /**
   * For a {@code SendMessageBatch}: removes the first {@code count} entries from the request before forwarding it,
   * and reports those entries in the answer's {@code Failed} list with code {@code InternalError} and {@code
   * SenderFault=false}. The other entries are stored and reported as usual, so this is a real partial failure: the
   * failed entries are not in the queue. Other actions pass through unchanged.
   *
   * @param count how many entries to fail, from the first; all of them when the batch is smaller
   * @return the fault
   */
  public static Fault failBatchEntries(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, was " + count);
    }
    return new Fault(Kind.FAIL_BATCH_ENTRIES, 0, "InternalError", false, Duration.ZERO, count);
  }

  @Override
  public String toString() {
    switch (kind) {
      case RESPOND:
        return "Fault{" + status + " " + errorCode + '}';
      case DELAY:
        return "Fault{delay " + delay + '}';
      case RESET:
        return "Fault{reset}";
      case REPLY:
        return "Fault{reply 200}";
      default:
        return "Fault{failBatchEntries " + entries + '}';
    }
  }
}
