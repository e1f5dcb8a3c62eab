package dev.hookline.sqs.admin;

import dev.hookline.core.envelope.EnvelopeCodec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Writes DLQ messages in the shape the consumer writes them: original body, failure and envelope attributes. */
final class DlqTestMessages {

  private DlqTestMessages() {}

  static String sendFailed(
      SqsClient sqs, String dlqUrl, String deliveryId, String source, String reason, Instant lastFailedAt) {
    Map<String, String> attrs = new LinkedHashMap<>();
    // The format of Hookline 0.1 (one attribute per field), which the inspector and the redriver still read.
    attrs.put("hookline-failure-reason", reason);
    attrs.put("hookline-error-type", "java.lang.IllegalStateException");
    attrs.put("hookline-error-message", "boom");
    attrs.put("hookline-attempts", "5");
    attrs.put("hookline-first-received-at", lastFailedAt.minusSeconds(60).toString());
    attrs.put("hookline-last-failed-at", lastFailedAt.toString());
    attrs.put("hookline-original-message-id", "orig-" + deliveryId);
    attrs.put(EnvelopeCodec.ATTR_DELIVERY_ID, deliveryId);
    attrs.put(EnvelopeCodec.ATTR_SOURCE, source);
    attrs.put(EnvelopeCodec.ATTR_VERSION, "1");
    return send(sqs, dlqUrl, "{\"v\":1,\"id\":\"" + deliveryId + "\"}", attrs);
  }

  static String send(SqsClient sqs, String queueUrl, String body, Map<String, String> attrs) {
    Map<String, MessageAttributeValue> values = new LinkedHashMap<>();
    attrs.forEach((k, v) -> values.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
    return sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).messageAttributes(values)).messageId();
  }
}
