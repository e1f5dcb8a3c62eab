package dev.hookline.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.Verification;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.internal.DeliveryIds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {

  private static final Instant T0 = Instant.parse("2026-03-04T05:06:07.123456789Z");
  private static final EnvelopeCodec CODEC = EnvelopeCodec.defaults();

  private static Webhook webhook(byte[] body) {
    return Webhook.builder()
        .deliveryId("d-1")
        .source("github")
        .receivedAt(T0)
        .headers(
            WebhookHeaders.builder()
                .add("X-GitHub-Event", "push")
                .add("X-Hub-Signature-256", "sha256=abc")
                .add("Accept", "a")
                .add("accept", "b")
                .build())
        .contentType("application/json")
        .body(body)
        .build();
  }

  @Test
  void roundTripsEveryField() {
    Webhook in = webhook("{\"a\":1}".getBytes(StandardCharsets.UTF_8)).toBuilder()
        .verification(Verification.SKIPPED).build();
    EncodedEnvelope encoded = CODEC.encode(in);
    assertThat(CODEC.decode(encoded.body(), encoded.attributes())).isEqualTo(in);
    assertThat(encoded.attributes())
        .containsEntry(EnvelopeCodec.ATTR_DELIVERY_ID, "d-1")
        .containsEntry(EnvelopeCodec.ATTR_SOURCE, "github")
        .containsEntry(EnvelopeCodec.ATTR_VERSION, "1")
        .hasSize(3);
  }

  @Test
  void traceContextRoundTripsInsideTheEnvelopeWithoutAnAttribute() throws Exception {
    Map<String, String> context =
        Map.of(
            "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "tracestate", "vendor=opaque");
    Webhook in = webhook("{}".getBytes(StandardCharsets.UTF_8)).toBuilder().traceContext(context).build();
    EncodedEnvelope encoded = CODEC.encode(in);
    JsonNode json = new ObjectMapper().readTree(encoded.body());
    assertThat(json.get("traceContext").get("traceparent").textValue()).isEqualTo(context.get("traceparent"));
    assertThat(encoded.attributes()).hasSize(3);
    Webhook out = CODEC.decode(encoded.body(), encoded.attributes());
    assertThat(out).isEqualTo(in);
    assertThat(out.traceContext()).isEqualTo(context);
  }

  @Test
  void envelopesWithoutOrWithAMalformedTraceContextStillDecode() throws Exception {
    Webhook plain = webhook("{}".getBytes(StandardCharsets.UTF_8));
    EncodedEnvelope encoded = CODEC.encode(plain);
    assertThat(new ObjectMapper().readTree(encoded.body()).has("traceContext")).isFalse();
    assertThat(CODEC.decode(encoded.body(), encoded.attributes()).traceContext()).isEmpty();

    String notAnObject = encoded.body().replace("\"verification\"", "\"traceContext\":[1],\"verification\"");
    assertThat(CODEC.decode(notAnObject, encoded.attributes()).traceContext()).isEmpty();
    String badEntries =
        encoded
            .body()
            .replace(
                "\"verification\"",
                "\"traceContext\":{\"traceparent\":7,\"tracestate\":\"\",\"baggage\":\"k=v\"},\"verification\"");
    assertThat(CODEC.decode(badEntries, encoded.attributes()).traceContext()).containsExactly(Map.entry("baggage", "k=v"));
  }

  @Test
  void webhookRefusesBlankTraceContextEntries() {
    Webhook.Builder b = webhook(new byte[0]).toBuilder().traceContext(Map.of("traceparent", " "));
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("traceContext ");
  }

  @Test
  void roundTripsWithoutContentTypeOrHeaders() {
    Webhook in = Webhook.builder().deliveryId("x").source("s").receivedAt(T0).build();
    EncodedEnvelope encoded = CODEC.encode(in);
    Webhook out = CODEC.decode(encoded.body(), encoded.attributes());
    assertThat(out).isEqualTo(in);
    assertThat(out.contentType()).isEmpty();
  }

  @Test
  void utf8BodyIsAJsonStringAndOtherBytesAreBase64() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode text = mapper.readTree(CODEC.encode(webhook("héllo 😀".getBytes(StandardCharsets.UTF_8))).body());
    assertThat(text.get("body").textValue()).isEqualTo("héllo 😀");
    assertThat(text.get("bodyBase64").booleanValue()).isFalse();

    byte[] invalid = {(byte) 0xC3, (byte) 0x28};
    JsonNode binary = mapper.readTree(CODEC.encode(webhook(invalid)).body());
    assertThat(binary.get("body").textValue()).isEqualTo("wyg=");
    assertThat(binary.get("bodyBase64").booleanValue()).isTrue();
  }

  @Test
  void encodedSurrogateCodePointsAndNonCharactersSqsRefusesGoBase64() {
    // CESU-style lone surrogate U+D800 (ED A0 80) is not valid UTF-8; U+FFFF (EF BF BF) is valid UTF-8 but outside
    // the characters SQS allows in a message body (SQS SendMessage API reference, MessageBody).
    assertThat(EnvelopeCodec.utf8OrNull(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isNull();
    assertThat(EnvelopeCodec.utf8OrNull(new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBF})).isNull();
    assertThat(EnvelopeCodec.utf8OrNull(new byte[] {0, '\r', '\n'})).isEqualTo("\0\r\n");
  }

  @Test
  void randomBodiesRoundTripByteExactly() {
    SplittableRandom random = new SplittableRandom(20260304L);
    String[] pieces = {"\0", "\r\n", "😀", "é", "\uFFFF", "\"", "\\", "\u2028", "{\"hooklineEnvelope\":2}"};
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      byte[] body;
      switch (i % 3) {
        case 0 -> {
          body = new byte[random.nextInt(64)];
          for (int j = 0; j < body.length; j++) {
            body[j] = (byte) random.nextInt(256);
          }
        }
        case 1 -> {
          StringBuilder sb = new StringBuilder();
          int n = random.nextInt(12);
          for (int j = 0; j < n; j++) {
            sb.append(pieces[random.nextInt(pieces.length)]);
            sb.append((char) ('a' + random.nextInt(26)));
          }
          body = sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        default -> {
          // Mostly valid UTF-8 with one byte damaged, including encoded lone surrogates.
          byte[] good = ("x😀é\r\n" + random.nextInt()).getBytes(StandardCharsets.UTF_8);
          good[random.nextInt(good.length)] = (byte) (0x80 + random.nextInt(0x80));
          byte[] surrogate = {(byte) 0xED, (byte) (0xA0 + random.nextInt(0x20)), (byte) 0x80};
          body = new byte[good.length + 3];
          System.arraycopy(good, 0, body, 0, good.length);
          System.arraycopy(surrogate, 0, body, good.length, 3);
        }
      }
      Webhook in = webhook(body);
      EncodedEnvelope encoded = CODEC.encode(in);
      Webhook out = CODEC.decode(encoded.body(), encoded.attributes());
      if (!Arrays.equals(out.body(), body) || !out.equals(in)) {
        mismatches.add(i + ": " + Arrays.toString(body));
      }
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void dropsCredentialAndConfiguredHeadersButKeepsSignatureAndId() {
    Webhook in = webhook(new byte[0]).toBuilder()
        .headers(WebhookHeaders.builder()
            .add("Authorization", "Bearer s3cret")
            .add("Cookie", "c=1")
            .add("Proxy-Authorization", "Basic x")
            .add("X-Api-Key", "k")
            .add("Webhook-Signature", "v1,abc")
            .add("Webhook-Id", "msg_1")
            .build())
        .build();
    EnvelopeCodec codec = EnvelopeCodec.builder().sensitiveHeaders(List.of("x-API-key")).build();
    EncodedEnvelope encoded = codec.encode(in);
    assertThat(encoded.body()).doesNotContain("s3cret", "c=1", "Basic x", "X-Api-Key");
    WebhookHeaders out = codec.decode(encoded.body(), encoded.attributes()).headers();
    assertThat(out.names()).containsExactly("Webhook-Signature", "Webhook-Id");
    // The default codec keeps the custom header.
    assertThat(CODEC.decode(CODEC.encode(in).body(), Map.of()).headers().first("x-api-key")).contains("k");
  }

  @Test
  void decodesWithoutVersionAttributeWhenBodyIsOurEnvelope() {
    Webhook in = webhook("b".getBytes(StandardCharsets.UTF_8));
    assertThat(CODEC.decode(CODEC.encode(in).body(), Map.of())).isEqualTo(in);
  }

  @Test
  void unknownVersionIsAClearError() {
    String body = CODEC.encode(webhook(new byte[0])).body().replace("\"hooklineEnvelope\":1", "\"hooklineEnvelope\":2");
    assertThatThrownBy(() -> CODEC.decode(body, Map.of()))
        .isInstanceOf(EnvelopeException.class)
        .hasMessageContaining("unsupported envelope version 2");
    assertThatThrownBy(() -> CODEC.decode(body, Map.of(EnvelopeCodec.ATTR_VERSION, "2")))
        .isInstanceOf(EnvelopeException.class)
        .hasMessageContaining("unsupported envelope version 2");
    assertThatThrownBy(() -> CODEC.decode(body, Map.of(EnvelopeCodec.ATTR_VERSION, "two")))
        .isInstanceOf(EnvelopeException.class)
        .hasMessageContaining(EnvelopeCodec.ATTR_VERSION);
  }

  @Test
  void malformedEnvelopesArePoison() {
    Map<String, String> v1 = Map.of(EnvelopeCodec.ATTR_VERSION, "1");
    String good = CODEC.encode(webhook("x".getBytes(StandardCharsets.UTF_8))).body();
    assertThatThrownBy(() -> CODEC.decode("{not json", v1))
        .isInstanceOf(EnvelopeException.class).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> CODEC.decode("[1]", v1))
        .isInstanceOf(EnvelopeException.class).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> CODEC.decode(good.replace("\"deliveryId\"", "\"x\""), v1))
        .isInstanceOf(EnvelopeException.class).hasMessageContaining("deliveryId is missing");
    assertThatThrownBy(() -> CODEC.decode(good.replace("\"2026-03-04T05:06:07.123456789Z\"", "\"yesterday\""), v1))
        .isInstanceOf(EnvelopeException.class).hasMessageContaining("receivedAt");
    assertThatThrownBy(() -> CODEC.decode(good.replace("\"bodyBase64\":false", "\"bodyBase64\":true")
            .replace("\"body\":\"x\"", "\"body\":\"!!\""), v1))
        .isInstanceOf(EnvelopeException.class).hasMessageContaining("base64");
    assertThatThrownBy(() -> CODEC.decode(good.replace("\"VERIFIED\"", "\"MAYBE\""), v1))
        .isInstanceOf(EnvelopeException.class).hasMessageContaining("verification");
    assertThatThrownBy(() -> CODEC.decode(good.replace("\"source\":\"github\"", "\"source\":\" \""), v1))
        .isInstanceOf(EnvelopeException.class).hasMessageContaining("source");
    assertThatThrownBy(() -> CODEC.decode("hello", Map.of()))
        .isInstanceOf(EnvelopeException.class).hasMessageContaining(EnvelopeCodec.ATTR_SOURCE);
    assertThat(new EnvelopeException("m", null).retryable()).isFalse();
  }

  @Test
  void decodesTheDirectIntegrationForm() {
    Map<String, String> attrs = new HashMap<>();
    attrs.put(EnvelopeCodec.ATTR_SOURCE, "standard");
    attrs.put(EnvelopeCodec.ATTR_RECEIVED_AT, "1767225600000");
    attrs.put(EnvelopeCodec.ATTR_DELIVERY_ID, "msg_2");
    attrs.put(EnvelopeCodec.ATTR_CONTENT_TYPE, "application/json");
    attrs.put("hookline-h-webhook-signature", "v1,sig");
    attrs.put("hookline-h-webhook-id", "msg_2");
    attrs.put("hookline-h-authorization", "Bearer no");
    Webhook w = CODEC.decode("{\"type\":\"x\"}", attrs);
    assertThat(w.source()).isEqualTo("standard");
    assertThat(w.receivedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(w.deliveryId()).isEqualTo("msg_2");
    assertThat(w.contentType()).contains("application/json");
    assertThat(w.verification()).isEqualTo(Verification.DEFERRED);
    assertThat(w.body()).isEqualTo("{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(w.headers().first("Webhook-Signature")).contains("v1,sig");
    assertThat(w.headers().names()).containsExactlyInAnyOrder("webhook-signature", "webhook-id");
  }

  @Test
  void directFormDefaultsComeFromClockContentAndHeaders() {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    EnvelopeCodec codec = EnvelopeCodec.builder().clock(clock).build();
    Webhook w = codec.decode("héllo", Map.of(EnvelopeCodec.ATTR_SOURCE, "s", "hookline-h-content-type", "text/plain"));
    assertThat(w.receivedAt()).isEqualTo(T0);
    assertThat(w.deliveryId()).isEqualTo(DeliveryIds.fromContent("s", "héllo".getBytes(StandardCharsets.UTF_8)));
    assertThat(w.contentType()).contains("text/plain");
    assertThatThrownBy(() -> codec.decode("x", Map.of(EnvelopeCodec.ATTR_SOURCE, "s",
            EnvelopeCodec.ATTR_RECEIVED_AT, "soon")))
        .isInstanceOf(EnvelopeException.class).hasMessageContaining(EnvelopeCodec.ATTR_RECEIVED_AT);
    assertThatThrownBy(() -> codec.decode("x", Map.of(EnvelopeCodec.ATTR_SOURCE, " ")))
        .isInstanceOf(EnvelopeException.class).hasMessageContaining(EnvelopeCodec.ATTR_SOURCE);
  }

  @Test
  void encodedSizeCountsBodyAndAttributesAgainstTheSqsLimit() {
    // SQS: 1 MiB = 1,048,576 bytes per message (body plus attribute names, types and values).
    assertThat(SqsLimits.MAX_MESSAGE_BYTES).isEqualTo(1_048_576);
    assertThat(SqsLimits.MAX_BATCH_BYTES).isEqualTo(1_048_576);
    EncodedEnvelope e = CODEC.encode(webhook(new byte[SqsLimits.MAX_MESSAGE_BYTES]));
    assertThat(e.encodedSize()).isGreaterThan(SqsLimits.MAX_MESSAGE_BYTES);
    int attrs = 0;
    for (Map.Entry<String, String> a : e.attributes().entrySet()) {
      attrs += a.getKey().length() + "String".length() + a.getValue().length();
    }
    assertThat(e.encodedSize()).isEqualTo(e.body().getBytes(StandardCharsets.UTF_8).length + attrs);
    assertThat(e.attributes().size()).isLessThanOrEqualTo(SqsLimits.MAX_MESSAGE_ATTRIBUTES);
  }

  @Test
  void builderValidatesNamingTheField() {
    assertThatThrownBy(() -> EnvelopeCodec.builder().sensitiveHeaders(List.of(" ")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("sensitiveHeaders");
  }
}
