package dev.hookline.core;

/**
 * Why the receiver refused a request: a stable code for clients and metrics, and the HTTP status it maps to.
 *
 * <p>The codes are part of the API: dashboards and alerts may match on them.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public enum RejectReason {
  /** 400: the request is malformed (for example a required header is missing or the body cannot be parsed). */
  MALFORMED(400, "malformed_request"),
  /** 401: signature or timestamp check failed. The response never says which. */
  UNAUTHORIZED(401, "invalid_signature"),
  /** 403: a URL handshake was refused, for example a wrong verify token. The response never says which check. */
  FORBIDDEN(403, "forbidden"),
  /** 404: no source is configured under that name. */
  UNKNOWN_SOURCE(404, "unknown_source"),
  /** 405: the method is not POST (nor a method the source's handshake arrives with, such as Meta's GET). */
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  /** 413: the body (or its envelope) is over the limit. */
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  /** 415: the content type is not allowed for the source. */
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  /** 429: the sink has too many pending webhooks; the sender should retry after {@code Retry-After}. */
  OVER_CAPACITY(429, "over_capacity"),
  /**
   * 503: the sink failed within its budget, or something a check depends on was unavailable (Amazon SNS's signing
   * certificate or subscription endpoint); the sender should retry after {@code Retry-After}.
   */
  SINK_UNAVAILABLE(503, "sink_unavailable");

  private final int status;
  private final String code;

  RejectReason(int status, String code) {
    this.status = status;
    this.code = code;
  }

  /** {@return the HTTP status this reason maps to} */
  public int status() {
    return status;
  }

  /** {@return the stable machine-readable code, for example {@code invalid_signature}} */
  public String code() {
    return code;
  }

  /** {@return whether the sender should retry: true for 429 and 503} */
  public boolean retryable() {
    return this == OVER_CAPACITY || this == SINK_UNAVAILABLE;
  }
}
