package dev.hookline.opentelemetry;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the X-Ray trace header SQS gives a message as its {@code AWSTraceHeader} system attribute, for example
 * {@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1}. An X-Ray trace id is a W3C
 * trace id with a version prefix and a dash ({@code 1-<8 hex time>-<24 hex>}); the parent is a span id. This is the
 * conversion OpenTelemetry's X-Ray propagator makes, kept here so the module needs only the API.
 */
final class AwsTraceHeader {

  private AwsTraceHeader() {}

  /**
   * Returns the remote span context the header names, or empty when it has no valid root and parent.
   *
   * @param header the header value
   * @return the span context
   */
  static Optional<SpanContext> parse(String header) {
    String traceId = null;
    String spanId = null;
    boolean sampled = false;
    for (String part : header.split(";")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (key.equals("Root")) {
        // 1-5759e988-bd862e3fe1be46a994272793 → 5759e988bd862e3fe1be46a994272793
        if (value.length() == 35 && value.startsWith("1-") && value.charAt(10) == '-') {
          traceId = (value.substring(2, 10) + value.substring(11)).toLowerCase(Locale.ROOT);
        }
      } else if (key.equals("Parent")) {
        spanId = value.toLowerCase(Locale.ROOT);
      } else if (key.equals("Sampled")) {
        sampled = value.equals("1");
      }
    }
    if (traceId == null || spanId == null || !TraceId.isValid(traceId) || !SpanId.isValid(spanId)) {
      return Optional.empty();
    }
    return Optional.of(
        SpanContext.createFromRemoteParent(
            traceId, spanId, sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault()));
  }
}
