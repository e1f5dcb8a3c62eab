package dev.hookline.core.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.PipelineListener;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.RejectReason;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Amazon SNS over HTTPS: signatures (versions 1 and 2) checked against a certificate made in this test and served by
 * an injected fetcher; the certificate host rule (nothing fetched otherwise); the allow-list of topics; the
 * subscription confirmation (fetching SubscribeURL on an SNS host only); notifications stored by MessageId.
 */
class SnsVerifierTest {

  private static final Instant NOW = Instant.parse("2026-05-04T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:orders";
  private static final String CERT_URL =
      "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";
  private static final String SUBSCRIBE_URL =
      "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=2336412f37";

  private static final KeyPair SNS_KEYS = rsa();
  private static final KeyPair OTHER_KEYS = rsa();
  private static final byte[] CERTIFICATE = TestCertificates.selfSignedPem(SNS_KEYS, NOW.minusSeconds(3600), NOW.plus(Duration.ofDays(30)));

  private final List<URI> fetched = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> documents = new LinkedHashMap<>(Map.of(CERT_URL, CERTIFICATE));
  private final InMemoryWebhookSink sink = InMemoryWebhookSink.create();
  private final List<String> events = new CopyOnWriteArrayList<>();

  private final SnsVerifier.Fetcher fetcher =
      uri -> {
        fetched.add(uri);
        byte[] document = documents.get(uri.toString());
        if (document == null) {
          throw new IOException("404");
        }
        return document;
      };

  private SnsVerifier verifier() {
    return SnsVerifier.builder().addTopicArn(TOPIC).fetcher(fetcher).clock(CLOCK).build();
  }

  private WebhookReceiver receiver() {
    SnsVerifier sns = verifier();
    return WebhookReceiver.builder()
        .addSource(
            WebhookSource.builder()
                .name("orders")
                .verifier(sns)
                .handshake(sns.subscriptionHandshake())
                .contentTypes(List.of("text/plain", "application/json"))
                .build())
        .sink(sink)
        .listener(
            new PipelineListener() {
              @Override
              public void onHandshake(String source, String handshake) {
                events.add("handshake:" + handshake);
              }

              @Override
              public void onRejected(String source, RejectReason reason) {
                events.add("rejected:" + reason);
              }
            })
        .build();
  }

  @Test
  void notificationsSignedWithVersion1And2AreStoredUnderTheirMessageId() {
    WebhookReceiver receiver = receiver();

    ReceiveResult v1 = receiver.receiveBlocking("orders", request(notification("m-1", "1", SNS_KEYS, CERT_URL, TOPIC)));
    ReceiveResult v2 = receiver.receiveBlocking("orders", request(notification("m-2", "2", SNS_KEYS, CERT_URL, TOPIC)));

    assertThat(v1.status()).isEqualTo(202);
    assertThat(v2.status()).isEqualTo(202);
    assertThat(sink.webhooks()).extracting(Webhook::deliveryId).containsExactly("m-1", "m-2");
    // Fetched once, then served from the cache.
    assertThat(fetched).containsExactly(URI.create(CERT_URL));
  }

  @Test
  void subscriptionConfirmationIsConfirmedAtOnceAndNeverStored() {
    documents.put(SUBSCRIBE_URL, "<ConfirmSubscriptionResponse/>".getBytes(StandardCharsets.UTF_8));

    ReceiveResult result =
        receiver().receiveBlocking("orders", request(confirmation("SubscriptionConfirmation", TOPIC, SUBSCRIBE_URL)));

    assertThat(result).isInstanceOf(ReceiveResult.Answered.class);
    assertThat(result.status()).isEqualTo(200);
    assertThat(fetched).containsExactly(URI.create(CERT_URL), URI.create(SUBSCRIBE_URL));
    assertThat(sink.storeCalls()).isZero();
    assertThat(events).containsExactly("handshake:sns.subscription_confirmation");
  }

  @Test
  void aTopicThatIsNotAllowedIsNeitherConfirmedNorStored() {
    String other = "arn:aws:sns:eu-west-1:999999999999:someone-elses";
    documents.put(SUBSCRIBE_URL, new byte[0]);
    WebhookReceiver receiver = receiver();

    assertThat(receiver.receiveBlocking("orders", request(confirmation("SubscriptionConfirmation", other, SUBSCRIBE_URL))).status())
        .isEqualTo(401);
    assertThat(receiver.receiveBlocking("orders", request(notification("m-9", "2", SNS_KEYS, CERT_URL, other))).status())
        .isEqualTo(401);

    assertThat(fetched).isEmpty();
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void aCertificateUrlOffSnsHostsIsRefusedAndNeverFetched() {
    List<String> elsewhere =
        List.of(
            "https://sns.eu-west-1.amazonaws.com.attacker.example/cert.pem",
            "http://sns.eu-west-1.amazonaws.com/cert.pem",
            "https://attacker.example/SimpleNotificationService.pem",
            "https://sns.eu-west-1.amazonaws.com:8443/cert.pem",
            "https://user@sns.eu-west-1.amazonaws.com/cert.pem",
            "https://sns.eu-west-1.amazonaws.com/cert.txt");
    WebhookReceiver receiver = receiver();
    for (String url : elsewhere) {
      documents.put(url, CERTIFICATE);
      ReceiveResult result = receiver.receiveBlocking("orders", request(notification("m-3", "2", SNS_KEYS, url, TOPIC)));
      assertThat(result.status()).as(url).isEqualTo(401);
    }
    assertThat(fetched).isEmpty();
    assertThat(sink.storeCalls()).isZero();

    SignatureVerificationException e = failure(notification("m-3", "2", SNS_KEYS, elsewhere.get(0), TOPIC));
    assertThat(e.check()).isEqualTo(SignatureVerificationException.Check.UNKNOWN_KEY);
  }

  @Test
  void aSubscribeUrlOffSnsHostsIsRefusedAndNeverFetched() {
    String attacker = "https://attacker.example/?Action=ConfirmSubscription";
    documents.put(attacker, new byte[0]);

    ReceiveResult result =
        receiver().receiveBlocking("orders", request(confirmation("SubscriptionConfirmation", TOPIC, attacker)));

    assertThat(result.status()).isEqualTo(403);
    assertThat(fetched).containsExactly(URI.create(CERT_URL));
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void aConfirmationThatCannotBeSentIs503SoSnsDeliversItAgain() {
    ReceiveResult result =
        receiver().receiveBlocking("orders", request(confirmation("SubscriptionConfirmation", TOPIC, SUBSCRIBE_URL)));

    assertThat(result.status()).isEqualTo(503);
    assertThat(result.headers()).containsKey("Retry-After");
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void aCertificateThatCannotBeFetchedIs503() {
    documents.clear();

    ReceiveResult result = receiver().receiveBlocking("orders", request(notification("m-4", "2", SNS_KEYS, CERT_URL, TOPIC)));

    assertThat(result.status()).isEqualTo(503);
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void unsubscribeConfirmationIsAnsweredAndNothingElseHappens() {
    ReceiveResult result =
        receiver().receiveBlocking("orders", request(confirmation("UnsubscribeConfirmation", TOPIC, SUBSCRIBE_URL)));

    assertThat(result.status()).isEqualTo(200);
    assertThat(fetched).containsExactly(URI.create(CERT_URL));
    assertThat(sink.storeCalls()).isZero();
  }

  @Test
  void refusesTamperedMessagesOtherKeysExpiredCertificatesAndGarbage() {
    Map<String, Object> message = notification("m-5", "2", SNS_KEYS, CERT_URL, TOPIC);
    Map<String, Object> tampered = new LinkedHashMap<>(message);
    tampered.put("Message", "{\"order\":43}");
    assertThat(failure(tampered).check()).isEqualTo(SignatureVerificationException.Check.SIGNATURE);

    assertThat(failure(notification("m-6", "2", OTHER_KEYS, CERT_URL, TOPIC)).check())
        .isEqualTo(SignatureVerificationException.Check.SIGNATURE);

    Map<String, Object> version3 = new LinkedHashMap<>(message);
    version3.put("SignatureVersion", "3");
    assertThat(failure(version3).check()).isEqualTo(SignatureVerificationException.Check.MALFORMED);

    Map<String, Object> garbage = new LinkedHashMap<>(message);
    garbage.put("Signature", "%%%");
    assertThat(failure(garbage).check()).isEqualTo(SignatureVerificationException.Check.MALFORMED);

    Map<String, Object> noTopic = new LinkedHashMap<>(message);
    noTopic.remove("TopicArn");
    assertThat(failure(noTopic).check()).isEqualTo(SignatureVerificationException.Check.MISSING);

    String expiredUrl = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-expired.pem";
    documents.put(
        expiredUrl, TestCertificates.selfSignedPem(SNS_KEYS, NOW.minus(Duration.ofDays(60)), NOW.minus(Duration.ofDays(1))));
    assertThat(failure(notification("m-7", "2", SNS_KEYS, expiredUrl, TOPIC)).check())
        .isEqualTo(SignatureVerificationException.Check.UNKNOWN_KEY);

    SnsVerifier verifier = verifier();
    WebhookHeaders mismatched =
        WebhookHeaders.builder().add(SnsVerifier.MESSAGE_TYPE_HEADER, "SubscriptionConfirmation").build();
    assertThatThrownBy(() -> verifier.verify(mismatched, json(message)))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageContaining(SnsVerifier.MESSAGE_TYPE_HEADER);
    assertThatThrownBy(() -> verifier.verify(WebhookHeaders.empty(), "not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SignatureVerificationException.class);
  }

  @Test
  void builderNeedsTopicsAndThePresetTakesThemAsItsSecret() {
    assertThatThrownBy(() -> SnsVerifier.builder().build()).hasMessageStartingWith("topicArns");
    assertThatThrownBy(() -> SnsVerifier.builder().addTopicArn("orders").build()).hasMessageStartingWith("topicArns[0]");

    WebhookSource preset = Providers.get("sns").source("orders", TOPIC + ",arn:aws:sns:us-east-1:123456789012:b").build();
    assertThat(preset.verifier()).isInstanceOf(SnsVerifier.class);
    assertThat(((SnsVerifier) preset.verifier()).topicArns()).hasSize(2).contains(TOPIC);
    assertThat(preset.handshake()).isPresent();
    assertThat(preset.contentTypes()).containsExactly("text/plain", "application/json");
  }

  // --- SNS's documented signing, done here with the test's own certificate. ---

  private SignatureVerificationException failure(Map<String, Object> message) {
    try {
      verifier().verify(WebhookHeaders.empty(), json(message));
      return null;
    } catch (SignatureVerificationException e) {
      return e;
    }
  }

  private static InboundRequest request(Map<String, Object> message) {
    return InboundRequest.builder()
        .path("/webhooks/orders")
        .headers(
            WebhookHeaders.builder()
                .add("Content-Type", "text/plain; charset=UTF-8")
                .add(SnsVerifier.MESSAGE_TYPE_HEADER, (String) message.get("Type"))
                .add(SnsVerifier.MESSAGE_ID_HEADER, (String) message.get("MessageId"))
                .build())
        .body(json(message))
        .build();
  }

  static Map<String, Object> notification(String id, String version, KeyPair keys, String certUrl, String topic) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Type", "Notification");
    m.put("MessageId", id);
    m.put("TopicArn", topic);
    m.put("Subject", "Order placed");
    m.put("Message", "{\"order\":42}");
    m.put("Timestamp", DateTimeFormatter.ISO_INSTANT.format(NOW));
    m.put("SignatureVersion", version);
    m.put("SigningCertURL", certUrl);
    m.put("UnsubscribeURL", "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe");
    String[] signed = {"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"};
    m.put("Signature", sign(m, signed, version, keys.getPrivate()));
    return m;
  }

  static Map<String, Object> confirmation(String type, String topic, String subscribeUrl) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Type", type);
    m.put("MessageId", "c-1");
    m.put("Token", "2336412f37");
    m.put("TopicArn", topic);
    m.put("Message", "You have chosen to subscribe to the topic " + topic + ".");
    m.put("SubscribeURL", subscribeUrl);
    m.put("Timestamp", DateTimeFormatter.ISO_INSTANT.format(NOW));
    m.put("SignatureVersion", "1");
    m.put("SigningCertURL", CERT_URL);
    String[] signed = {"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"};
    m.put("Signature", sign(m, signed, "1", SNS_KEYS.getPrivate()));
    return m;
  }

  /** "Name\nvalue\n" for each signed field present, in SNS's documented order. */
  private static String sign(Map<String, Object> message, String[] fields, String version, PrivateKey key) {
    StringBuilder text = new StringBuilder();
    for (String field : fields) {
      if (message.containsKey(field)) {
        text.append(field).append('\n').append(message.get(field)).append('\n');
      }
    }
    try {
      Signature signer = Signature.getInstance("1".equals(version) ? "SHA1withRSA" : "SHA256withRSA");
      signer.initSign(key);
      signer.update(text.toString().getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] json(Map<String, Object> message) {
    try {
      return JsonBody.mapper().writeValueAsBytes(message);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A self-signed X.509 v1 certificate in PEM, encoded here in DER by hand: the JDK has no public API to make one. */
  static final class TestCertificates {
    private TestCertificates() {}

    static byte[] selfSignedPem(KeyPair keys, Instant notBefore, Instant notAfter) {
      byte[] algorithm = sequence(oid(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b), new byte[] {0x05, 0x00});
      byte[] name = sequence(set(sequence(oid(0x55, 0x04, 0x03), tlv(0x0c, utf8("sns.amazonaws.com")))));
      byte[] validity = sequence(tlv(0x17, utf8(utc(notBefore))), tlv(0x17, utf8(utc(notAfter))));
      byte[] tbs =
          sequence(tlv(0x02, new byte[] {0x01}), algorithm, name, validity, name, keys.getPublic().getEncoded());
      try {
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(keys.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bits = new byte[signature.length + 1];
        System.arraycopy(signature, 0, bits, 1, signature.length);
        byte[] der = sequence(tbs, algorithm, tlv(0x03, bits));
        String pem =
            "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
        return utf8(pem);
      } catch (GeneralSecurityException e) {
        throw new AssertionError(e);
      }
    }

    private static String utc(Instant instant) {
      return DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(instant);
    }

    private static byte[] oid(int... bytes) {
      byte[] content = new byte[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        content[i] = (byte) bytes[i];
      }
      return tlv(0x06, content);
    }

    private static byte[] sequence(byte[]... parts) {
      return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
      return tlv(0x31, concat(parts));
    }

    private static byte[] tlv(int tag, byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      int length = content.length;
      if (length < 0x80) {
        out.write(length);
      } else if (length < 0x100) {
        out.write(0x81);
        out.write(length);
      } else {
        out.write(0x82);
        out.write(length >> 8);
        out.write(length & 0xff);
      }
      out.writeBytes(content);
      return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] part : parts) {
        out.writeBytes(part);
      }
      return out.toByteArray();
    }

    private static byte[] utf8(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
  }
}
