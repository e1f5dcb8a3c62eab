package dev.hookline.sqs.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.envelope.EnvelopeCodec;
import dev.hookline.core.envelope.SqsLimits;
import dev.hookline.core.retry.FailureReport;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The dead-letter message format, written and read in this one place.
 *
 * <p>A dead-lettered copy carries its failure in one message attribute, {@value #ATTR_FAILURE}, a JSON object:
 *
 * <pre>{@code
 * {"reason":"attempts_exhausted","errorType":"java.lang.IllegalStateException","errorMessage":"...",
 *  "attempts":5,"firstReceivedAt":"2026-01-01T00:00:00Z","lastFailedAt":"2026-01-01T00:04:10Z",
 *  "originalMessageId":"..."}
 * }</pre>
 *
 * <p>Beside it, {@value EnvelopeCodec#ATTR_DELIVERY_ID} and {@value EnvelopeCodec#ATTR_SOURCE} when the message
 * decoded, and the original's {@value EnvelopeCodec#ATTR_VERSION}. That is at most four attributes; the original's
 * other string attributes are copied while the copy has fewer than {@value #MAX_COPY_ATTRIBUTES}, so at least three
 * of SQS's ten slots stay free for what later versions add.
 *
 * <p>Copies written by earlier versions carry the same fields as six separate attributes ({@value #LEGACY_REASON}
 * and so on); {@link #read} understands both, and {@link #FAILURE_ATTRIBUTES} names both for a redrive to strip.
 *
 * <p>Thread-safety: stateless.
 */
public final class DeadLetterFormat {

  /** The attribute holding the failure as JSON. */
  public static final String ATTR_FAILURE = "hookline-failure";

  /** The most attributes a dead-lettered copy carries, leaving three of SQS's ten free. */
  public static final int MAX_COPY_ATTRIBUTES = SqsLimits.MAX_MESSAGE_ATTRIBUTES - 3;

  /** The reason the inspector reports for a message SQS moved itself (its redrive policy's maxReceiveCount). */
  public static final String REASON_MAX_RECEIVE_COUNT = "max_receive_count";

  static final String LEGACY_REASON = "hookline-failure-reason";
  static final String LEGACY_ERROR_TYPE = "hookline-error-type";
  static final String LEGACY_ERROR_MESSAGE = "hookline-error-message";
  static final String LEGACY_ATTEMPTS = "hookline-attempts";
  static final String LEGACY_FIRST_RECEIVED_AT = "hookline-first-received-at";
  static final String LEGACY_LAST_FAILED_AT = "hookline-last-failed-at";
  static final String LEGACY_ORIGINAL_MESSAGE_ID = "hookline-original-message-id";

  /** Every attribute that describes a failure, current and earlier formats: what a redrive removes. */
  public static final Set<String> FAILURE_ATTRIBUTES =
      Set.of(
          ATTR_FAILURE,
          LEGACY_REASON,
          LEGACY_ERROR_TYPE,
          LEGACY_ERROR_MESSAGE,
          LEGACY_ATTEMPTS,
          LEGACY_FIRST_RECEIVED_AT,
          LEGACY_LAST_FAILED_AT,
          LEGACY_ORIGINAL_MESSAGE_ID);

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final String[] FIELDS = {
    "reason", "errorType", "errorMessage", "attempts", "firstReceivedAt", "lastFailedAt", "originalMessageId"
  };

  private DeadLetterFormat() {}

  /**
   * A failure as read back from a dead-lettered copy; fields an old or foreign copy lacks are empty.
   *
   * @param reason the reason, or {@value #REASON_MAX_RECEIVE_COUNT} when the copy has none
   * @param errorType the exception type
   * @param errorMessage the redacted, shortened message
   * @param attempts the attempts made
   * @param firstReceivedAt the first receipt
   * @param lastFailedAt the last failure
   * @param originalMessageId the message id on the source queue
   */
  public record Failure(
      String reason,
      Optional<String> errorType,
      Optional<String> errorMessage,
      OptionalInt attempts,
      Optional<Instant> firstReceivedAt,
      Optional<Instant> lastFailedAt,
      Optional<String> originalMessageId) {}

  /**
   * Returns the JSON value of {@value #ATTR_FAILURE}, with the error message cut to at most {@code maxMessageChars}
   * characters (an ellipsis marks a cut).
   *
   * @param report the failure
   * @param originalMessageId the message id on the source queue
   * @param maxMessageChars how much of the error message to keep, 0 or more
   * @return the JSON text
   */
  public static String failureJson(FailureReport report, String originalMessageId, int maxMessageChars) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("reason", report.reason());
    o.put("errorType", report.errorType());
    o.put("errorMessage", cut(report.errorMessage(), maxMessageChars));
    o.put("attempts", report.attempts());
    o.put("firstReceivedAt", report.firstReceivedAt().toString());
    o.put("lastFailedAt", report.lastFailedAt().toString());
    o.put("originalMessageId", originalMessageId);
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON object of strings always serializes", e);
    }
  }

  /**
   * Returns the smallest JSON value of {@value #ATTR_FAILURE}: only the reason and the attempts, for a copy whose
   * body leaves no room for more.
   *
   * @param report the failure
   * @return the JSON text
   */
  public static String minimalFailureJson(FailureReport report) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("reason", report.reason());
    o.put("attempts", report.attempts());
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON object of strings always serializes", e);
    }
  }

  /**
   * Reads the failure from a copy's string attributes, in the current format or the earlier one.
   *
   * @param attributes the copy's string attributes
   * @return the failure; its reason is {@value #REASON_MAX_RECEIVE_COUNT} when the copy has none
   */
  public static Failure read(Map<String, String> attributes) {
    Map<String, String> fields = fields(attributes);
    String reason = fields.get("reason");
    return new Failure(
        reason == null || reason.isBlank() ? REASON_MAX_RECEIVE_COUNT : reason,
        Optional.ofNullable(fields.get("errorType")),
        Optional.ofNullable(fields.get("errorMessage")),
        integer(fields.get("attempts")),
        instant(fields.get("firstReceivedAt")),
        instant(fields.get("lastFailedAt")),
        Optional.ofNullable(fields.get("originalMessageId")));
  }

  /**
   * Returns the failure's fields as recorded, by name ({@code reason}, {@code errorType}, {@code errorMessage},
   * {@code attempts}, {@code firstReceivedAt}, {@code lastFailedAt}, {@code originalMessageId}), from either format;
   * empty for a copy without failure attributes.
   *
   * @param attributes the copy's string attributes
   * @return field name → text, in the order above
   */
  public static Map<String, String> fields(Map<String, String> attributes) {
    Map<String, String> fields = new LinkedHashMap<>();
    String json = attributes.get(ATTR_FAILURE);
    if (json != null) {
      try {
        JsonNode node = MAPPER.readTree(json);
        if (node != null && node.isObject()) {
          for (String name : FIELDS) {
            JsonNode value = node.get(name);
            if (value != null && !value.isNull()) {
              fields.put(name, value.asText());
            }
          }
        }
      } catch (JsonProcessingException e) {
        fields.put("errorMessage", "unreadable " + ATTR_FAILURE + " attribute");
      }
    } else {
      putIfPresent(fields, "reason", attributes.get(LEGACY_REASON));
      putIfPresent(fields, "errorType", attributes.get(LEGACY_ERROR_TYPE));
      putIfPresent(fields, "errorMessage", attributes.get(LEGACY_ERROR_MESSAGE));
      putIfPresent(fields, "attempts", attributes.get(LEGACY_ATTEMPTS));
      putIfPresent(fields, "firstReceivedAt", attributes.get(LEGACY_FIRST_RECEIVED_AT));
      putIfPresent(fields, "lastFailedAt", attributes.get(LEGACY_LAST_FAILED_AT));
      putIfPresent(fields, "originalMessageId", attributes.get(LEGACY_ORIGINAL_MESSAGE_ID));
    }
    return fields;
  }

  private static void putIfPresent(Map<String, String> fields, String name, String value) {
    if (value != null) {
      fields.put(name, value);
    }
  }

  private static String cut(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    if (maxChars == 0) {
      return "";
    }
    int end = maxChars - 1;
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "…";
  }

  private static OptionalInt integer(String value) {
    if (value == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  private static Optional<Instant> instant(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(value.trim()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
