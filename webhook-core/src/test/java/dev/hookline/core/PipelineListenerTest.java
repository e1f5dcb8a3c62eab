package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PipelineListenerTest {

  private static final Webhook WEBHOOK =
      Webhook.builder().deliveryId("d-1").source("github").receivedAt(Instant.EPOCH).build();

  /** One shared log, so the order across listeners shows. */
  private final List<String> calls = new CopyOnWriteArrayList<>();

  /** Records every event under its name. */
  private class Recording implements PipelineListener {
    private final String name;

    Recording(String name) {
      this.name = name;
    }

    void record(String event) {
      calls.add(name + ":" + event);
    }

    @Override
    public void onReceived(String source, int bodyLength) {
      record("received " + source + " " + bodyLength);
    }

    @Override
    public void onRejected(String source, RejectReason reason) {
      record("rejected " + source + " " + reason);
    }

    @Override
    public void onAccepted(Webhook webhook, Duration sinkLatency) {
      record("accepted " + webhook.deliveryId() + " " + sinkLatency);
    }

    @Override
    public void onSinkRetry(String source, int attempt, Throwable error) {
      record("sinkRetry " + source + " " + attempt + " " + error.getMessage());
    }

    @Override
    public void onHandled(Webhook webhook, int attempt, Duration handlerTime) {
      record("handled " + webhook.deliveryId() + " " + attempt + " " + handlerTime);
    }

    @Override
    public void onDuplicate(Webhook webhook) {
      record("duplicate " + webhook.deliveryId());
    }

    @Override
    public void onRetryScheduled(Webhook webhook, int attempt, Duration delay) {
      record("retry " + webhook.deliveryId() + " " + attempt + " " + delay);
    }

    @Override
    public void onDeadLettered(String source, String deliveryId, String errorType) {
      record("dead " + source + " " + deliveryId + " " + errorType);
    }

    @Override
    public void onLeaseLost(String messageId) {
      record("leaseLost " + messageId);
    }

    @Override
    public void onHandshake(String source, String handshake) {
      record("handshake " + source + " " + handshake);
    }
  }

  /** Records, then throws on every event. */
  private final class Throwing extends Recording {
    private final Throwable error;

    Throwing(String name, Throwable error) {
      super(name);
      this.error = error;
    }

    @Override
    void record(String event) {
      super.record(event);
      if (error instanceof RuntimeException) {
        throw (RuntimeException) error;
      }
      throw (Error) error;
    }
  }

  private static void fireAll(PipelineListener l) {
    l.onReceived("github", 12);
    l.onRejected("github", RejectReason.UNAUTHORIZED);
    l.onAccepted(WEBHOOK, Duration.ofMillis(5));
    l.onSinkRetry("github", 1, new IllegalStateException("throttled"));
    l.onHandled(WEBHOOK, 2, Duration.ofMillis(7));
    l.onDuplicate(WEBHOOK);
    l.onRetryScheduled(WEBHOOK, 3, Duration.ofSeconds(10));
    l.onDeadLettered("github", "d-1", "java.io.IOException");
    l.onLeaseLost("m-1");
    l.onHandshake("slack", "slack.url_verification");
  }

  private static final List<String> EVENTS =
      List.of(
          "received github 12",
          "rejected github UNAUTHORIZED",
          "accepted d-1 PT0.005S",
          "sinkRetry github 1 throttled",
          "handled d-1 2 PT0.007S",
          "duplicate d-1",
          "retry d-1 3 PT10S",
          "dead github d-1 java.io.IOException",
          "leaseLost m-1",
          "handshake slack slack.url_verification");

  @Test
  void compositeCallsEveryListenerInOrderForEveryEvent() {
    PipelineListener composite = PipelineListener.composite(new Recording("a"), new Recording("b"), new Recording("c"));

    fireAll(composite);

    List<String> expected = new CopyOnWriteArrayList<>();
    for (String event : EVENTS) {
      expected.add("a:" + event);
      expected.add("b:" + event);
      expected.add("c:" + event);
    }
    assertThat(calls).containsExactlyElementsOf(expected);
  }

  @Test
  void aThrowingListenerDoesNotStopTheNextAndIsLoggedOnceAtWarnPerCall() {
    PipelineListener composite =
        PipelineListener.composite(
            new Recording("a"), new Throwing("bad", new IllegalStateException("listener bug")), new Recording("c"));

    String log = captureStderr(() -> fireAll(composite));

    List<String> expected = new CopyOnWriteArrayList<>();
    for (String event : EVENTS) {
      expected.add("a:" + event);
      expected.add("bad:" + event);
      expected.add("c:" + event);
    }
    assertThat(calls).containsExactlyElementsOf(expected);
    // slf4j-simple (the test binding) writes to System.err as it logs, so the WARN lines are visible right away.
    assertThat(count(log, "WARN dev.hookline.core.PipelineListener - PipelineListener threw; ignoring."))
        .isEqualTo(EVENTS.size());
    assertThat(log)
        .contains("listener=" + Throwing.class.getName() + " event=onReceived")
        .contains("listener=" + Throwing.class.getName() + " event=onLeaseLost")
        .contains("java.lang.IllegalStateException: listener bug") // the throwable is logged, last
        .doesNotContain("listener=" + Recording.class.getName());
  }

  @Test
  void anErrorIsSwallowedTooButAVirtualMachineErrorIsNot() {
    PipelineListener swallowed =
        PipelineListener.composite(new Throwing("bad", new AssertionError("listener assertion")), new Recording("c"));
    String log = captureStderr(() -> swallowed.onLeaseLost("m-1"));
    assertThat(calls).containsExactly("bad:leaseLost m-1", "c:leaseLost m-1");
    assertThat(log).contains("java.lang.AssertionError: listener assertion");

    // Out of memory or stack, nothing can be trusted to continue: it propagates and the rest are not called.
    PipelineListener fatal =
        PipelineListener.composite(new Throwing("fatal", new StackOverflowError("deep")), new Recording("c"));
    assertThatThrownBy(() -> fatal.onLeaseLost("m-2")).isInstanceOf(StackOverflowError.class);
    assertThat(calls).containsExactly("bad:leaseLost m-1", "c:leaseLost m-1", "fatal:leaseLost m-2");
  }

  @Test
  void safeWrapsOnceAndLeavesNoneAndCompositesAlone() {
    PipelineListener composite = PipelineListener.composite(new Recording("a"));
    assertThat(PipelineListener.safe(composite)).isSameAs(composite);
    assertThat(PipelineListener.safe(PipelineListener.NONE)).isSameAs(PipelineListener.NONE);

    PipelineListener safe = PipelineListener.safe(new Throwing("bad", new IllegalStateException("x")));
    String log = captureStderr(() -> safe.onDuplicate(WEBHOOK));
    assertThat(calls).containsExactly("bad:duplicate d-1");
    assertThat(count(log, "PipelineListener threw; ignoring.")).isEqualTo(1);
  }

  @Test
  void anEmptyCompositeDoesNothing() {
    fireAll(PipelineListener.composite());
    assertThat(calls).isEmpty();
  }

  /** Runs the action with System.err captured; tests in this module run one at a time, in one thread. */
  private static String captureStderr(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private static int count(String text, String literal) {
    Matcher m = Pattern.compile(Pattern.quote(literal)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
