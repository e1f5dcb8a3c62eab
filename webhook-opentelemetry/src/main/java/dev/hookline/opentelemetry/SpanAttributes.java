package dev.hookline.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attribute keys of Hookline's spans: OpenTelemetry's semantic conventions where they have one (messaging, HTTP,
 * {@code error.type}), {@code hookline.*} for the rest. The semantic-conventions artifact is not a dependency: its
 * messaging keys are still incubating, and these few strings are all we need. The module README lists them.
 */
final class SpanAttributes {

  static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> MESSAGING_DESTINATION_NAME = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGING_OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGING_OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> MESSAGING_MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<Long> MESSAGING_MESSAGE_BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
  static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  static final AttributeKey<String> SOURCE = AttributeKey.stringKey("hookline.source");
  static final AttributeKey<String> DELIVERY_ID = AttributeKey.stringKey("hookline.delivery_id");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("hookline.attempt");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("hookline.outcome");
  static final AttributeKey<String> REJECT_REASON = AttributeKey.stringKey("hookline.reject_reason");
  static final AttributeKey<String> FAILURE_REASON = AttributeKey.stringKey("hookline.failure_reason");
  static final AttributeKey<Boolean> DUPLICATE = AttributeKey.booleanKey("hookline.duplicate");
  static final AttributeKey<Long> RETRY_DELAY_MS = AttributeKey.longKey("hookline.retry_delay_ms");

  /** The {@code messaging.system} value for Amazon SQS. */
  static final String AWS_SQS = "aws_sqs";

  private SpanAttributes() {}
}
