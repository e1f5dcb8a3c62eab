package dev.hookline.core.retry;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an operator needs to know about a failed message: why, the error's type and (truncated) message, how many
 * attempts were made, and when it was first received and last failed. It travels with a dead-lettered message in
 * one JSON message attribute, {@code hookline-failure} (written by the SQS module's dead-letter format).
 *
 * <p>The text components are made safe to send as SQS message attributes when the report is created, because a
 * value SQS refuses would fail the {@code SendMessage} that moves the message to the dead-letter queue:
 *
 * <ul>
 *   <li>characters SQS does not accept (anything but {@code #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
 *       #x10000-#x10FFFF}: control characters, NUL, unpaired surrogates, U+FFFE and U+FFFF), and the C1 controls
 *       U+007F to U+009F, which SQS accepts but which can drive a terminal, are replaced by U+FFFD;
 *   <li>text that looks like a secret or a signature is replaced by {@value #REDACTED}: what follows {@code whsec_},
 *       {@code whsk_}, {@code sk_live_}/{@code sk_test_}/{@code rk_live_}/{@code rk_test_} or {@code Bearer}, and
 *       signature values such as {@code sha256=<hex>}, {@code v1=<hex>} or {@code
 *       v1,<base64>}. This is a best-effort safety net: Hookline's own messages never contain secrets or signature
 *       values, but a handler's exception might;
 *   <li>text longer than {@link #MAX_MESSAGE_CHARS} is cut, never inside a surrogate pair, and ends with {@code …}.
 * </ul>
 *
 * <p>Thread-safety: immutable and thread-safe.
 *
 * @param reason a stable code: {@code handler_failed} (on a retry), {@code attempts_exhausted},
 *     {@code permanent_failure}, {@code poison_message}, {@code signature_invalid}, {@code unknown_source} or
 *     {@code time_budget_exhausted}; see the {@code REASON_} constants
 * @param errorType the exception's class name, made safe as described above
 * @param errorMessage the exception's message, made safe and truncated to {@link #MAX_MESSAGE_CHARS} as described
 *     above
 * @param attempts attempts made so far
 * @param firstReceivedAt when the message was first received
 * @param lastFailedAt when the last attempt failed
 */
public record FailureReport(
    String reason, String errorType, String errorMessage, int attempts, Instant firstReceivedAt, Instant lastFailedAt) {

  /** Reason of the report on a {@link Decision.Retry}: the attempt failed and will be retried. */
  public static final String REASON_HANDLER_FAILED = "handler_failed";

  /**
   * A retry, not a dead letter: the delivery is being handled by another consumer, and this copy waits for its
   * idempotency claim.
   */
  public static final String REASON_IN_PROGRESS = "in_progress";
  /** The last allowed attempt failed. */
  public static final String REASON_ATTEMPTS_EXHAUSTED = "attempts_exhausted";
  /** The failure is not retryable (for example {@code PermanentFailureException}). */
  public static final String REASON_PERMANENT_FAILURE = "permanent_failure";
  /** The message could not be decoded. */
  public static final String REASON_POISON_MESSAGE = "poison_message";
  /** A deferred signature check failed. */
  public static final String REASON_SIGNATURE_INVALID = "signature_invalid";
  /** A deferred signature check was needed but no verifier is configured for the webhook's source. */
  public static final String REASON_UNKNOWN_SOURCE = "unknown_source";
  /** No room is left within SQS's 12-hour visibility limit, counted from first receipt, for another attempt. */
  public static final String REASON_TIME_BUDGET_EXHAUSTED = "time_budget_exhausted";

  /** Longest error message (or reason, or error type) kept, in UTF-16 characters, including the closing {@code …}. */
  public static final int MAX_MESSAGE_CHARS = 1024;

  /** What replaces a secret or signature value in the error message. */
  public static final String REDACTED = "[redacted]";

  /**
   * Only this much of a longer text is scanned before it is cut to {@link #MAX_MESSAGE_CHARS}: bounds the work on a
   * huge message while leaving room for redactions, which make the text shorter.
   */
  private static final int MAX_SCANNED_CHARS = 4 * MAX_MESSAGE_CHARS;

  /** Secret prefixes: Standard Webhooks (and Stripe signing) secrets, and Stripe API keys; the value follows. */
  private static final Pattern SECRET =
      Pattern.compile("(?i)(whsec_|whsk_|\\b[sr]k_(?:live|test)_)[A-Za-z0-9+/=_-]+");

  /**
   * Signature values: GitHub-style {@code sha256=<hex>}, Stripe and Slack {@code v1=<hex>}/{@code v0=<hex>}, Standard
   * Webhooks {@code v1,<base64>}; only values of sixteen characters or more, so that text such as {@code v2,AAAA}
   * stays readable.
   */
  private static final Pattern SIGNATURE =
      Pattern.compile("(?i)(sha(?:1|256|512)=|\\bv\\d{1,2}[a-z]?[=,])[A-Za-z0-9+/=_-]{16,}");

  /**
   * Bearer tokens, as in an {@code Authorization} header value. ({@code Basic} is left out: "basic" is too common a
   * word.)
   */
  private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}");


  /**
   * Validates the components and makes the text components safe to send as SQS message attributes (see the class
   * description).
   *
   * @param reason the reason code
   * @param errorType the error type
   * @param errorMessage the error message
   * @param attempts the attempts
   * @param firstReceivedAt the first receipt
   * @param lastFailedAt the last failure
   */
  public FailureReport {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(errorType, "errorType");
    Objects.requireNonNull(errorMessage, "errorMessage");
    Objects.requireNonNull(firstReceivedAt, "firstReceivedAt");
    Objects.requireNonNull(lastFailedAt, "lastFailedAt");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
    }
    reason = attributeSafe(reason);
    errorType = attributeSafe(errorType);
    errorMessage = attributeSafe(errorMessage);
  }

  /**
   * Creates a report for a failure.
   *
   * @param reason the reason code, one of the {@code REASON_} constants
   * @param error the failure; its class name and message (empty when it has none) are kept
   * @param attempts attempts made so far
   * @param firstReceivedAt when the message was first received
   * @param lastFailedAt when the last attempt failed
   * @return the report
   */
  public static FailureReport of(
      String reason, Throwable error, int attempts, Instant firstReceivedAt, Instant lastFailedAt) {
    Objects.requireNonNull(error, "error");
    String message = error.getMessage();
    return new FailureReport(
        reason, error.getClass().getName(), message == null ? "" : message, attempts, firstReceivedAt, lastFailedAt);
  }



  /**
   * Replaces what SQS refuses in an attribute value, redacts secret-looking text and cuts to
   * {@link #MAX_MESSAGE_CHARS}; idempotent, so a report rebuilt from another's components is equal to it.
   */
  private static String attributeSafe(String text) {
    boolean cut = text.length() > MAX_SCANNED_CHARS;
    String s = cut ? text.substring(0, pairSafeEnd(text, MAX_SCANNED_CHARS)) : text;
    s = replaceDisallowed(s);
    s = SECRET.matcher(s).replaceAll("$1" + REDACTED);
    s = SIGNATURE.matcher(s).replaceAll("$1" + REDACTED);
    s = BEARER.matcher(s).replaceAll("$1" + REDACTED);
    if (cut || s.length() > MAX_MESSAGE_CHARS) {
      s = s.substring(0, pairSafeEnd(s, Math.min(s.length(), MAX_MESSAGE_CHARS - 1))) + "…";
    }
    return s;
  }

  /** Returns {@code end}, or one less when that would separate a surrogate pair. */
  private static int pairSafeEnd(String s, int end) {
    return end > 0 && end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))
            && Character.isLowSurrogate(s.charAt(end))
        ? end - 1
        : end;
  }

  /**
   * Replaces by U+FFFD every code point that SQS refuses in a message body or attribute value (SendMessage API
   * reference: {@code #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF}; an unpaired surrogate
   * counts as its own code point in U+D800-U+DFFF, so it is replaced too), plus DEL and the C1 controls.
   */
  private static String replaceDisallowed(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (!allowed(cp)) {
        if (out == null) {
          out = new StringBuilder(s.length()).append(s, 0, i);
        }
        out.append('\uFFFD');
      } else if (out != null) {
        out.append(s, i, next);
      }
      i = next;
    }
    return out == null ? s : out.toString();
  }

  private static boolean allowed(int cp) {
    return cp == 0x9
        || cp == 0xA
        || cp == 0xD
        || (cp >= 0x20 && cp < 0x7F)
        || (cp > 0x9F && cp <= 0xD7FF)
        || (cp >= 0xE000 && cp <= 0xFFFD)
        || (cp >= 0x10000 && cp <= 0x10FFFF);
  }
}
