package dev.hookline.core.signature;

import dev.hookline.core.HooklineException;
import java.util.Locale;
import java.util.Objects;

/**
 * A signature, timestamp or token check failed. {@link #check()} says which kind of check (for logs and metrics) and
 * the message names the header or field (for a DEBUG log); the receiver sends neither to the client, which only learns
 * 401 (or 403 for a refused handshake). Never retryable. Messages never contain secrets, header values or full
 * signatures.
 *
 * <p>Thread-safety: it adds only a final field; like every {@link HooklineException}, it may be shared between threads
 * once published.
 */
public final class SignatureVerificationException extends HooklineException {

  private static final long serialVersionUID = 2L;

  /** The kind of check that failed. The {@link #code()} values are stable: logs and dashboards may match on them. */
  public enum Check {
    /** A required header or field is absent or empty. */
    MISSING,
    /** A header that must be sent once was sent more than once. */
    DUPLICATED,
    /** A header or field is present but not in the expected form (not hex, no prefix, not a number). */
    MALFORMED,
    /** Everything is well formed, but no configured key produced the signature: a wrong secret or a changed body. */
    SIGNATURE,
    /** The signature is right, but the signed timestamp is older than the tolerance: a replay or a slow delivery. */
    TIMESTAMP_TOO_OLD,
    /** The signature is right, but the signed timestamp is further in the future than the tolerance. */
    TIMESTAMP_IN_FUTURE,
    /** The request names a key or certificate that is not accepted (for example an SNS certificate off SNS's hosts). */
    UNKNOWN_KEY,
    /** A shared token, or a handshake's verify token, does not match. */
    TOKEN,
    /** The request is from a sender this source does not accept (for example an SNS topic not on the allow-list). */
    NOT_ALLOWED;

    /** Returns the lower-case code used in logs, for example {@code timestamp_too_old}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Check check;

  /**
   * Creates the exception for a failed signature check ({@link Check#SIGNATURE}).
   *
   * @param message which check failed, for example {@code "signature mismatch"}
   */
  public SignatureVerificationException(String message) {
    this(Check.SIGNATURE, message);
  }

  /**
   * Creates the exception with a cause, for example a key-decoding failure ({@link Check#SIGNATURE}).
   *
   * @param message which check failed
   * @param cause the underlying failure
   */
  public SignatureVerificationException(String message, Throwable cause) {
    super(message, cause, false);
    this.check = Check.SIGNATURE;
  }

  /**
   * Creates the exception for a given kind of check.
   *
   * @param check the kind of check that failed
   * @param message what failed, naming the header or field, never its value
   */
  public SignatureVerificationException(Check check, String message) {
    super(message, false);
    this.check = Objects.requireNonNull(check, "check");
  }

  /** Returns the kind of check that failed. */
  public Check check() {
    return check;
  }
}
