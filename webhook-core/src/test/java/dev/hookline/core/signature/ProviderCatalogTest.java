package dev.hookline.core.signature;

import static dev.hookline.core.signature.ProviderCases.CASES;
import static dev.hookline.core.signature.ProviderCases.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.PipelineListener;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.RejectReason;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import dev.hookline.core.signature.ProviderCases.Case;
import dev.hookline.core.signature.ProviderCases.Signed;
import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every preset of the catalog: its provider's published example where one exists, a request signed by this test's
 * own implementation of the documented algorithm, and the ways a request must fail (tampered, wrong secret, stale,
 * future, missing, duplicated, garbage), each as a 401 through the receiver, never an exception.
 */
class ProviderCatalogTest {

  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  static Stream<String> providers() {
    return CASES.keySet().stream();
  }

  static Stream<String> providersWithVectors() {
    return CASES.values().stream().filter(c -> c.vector != null).map(c -> c.provider);
  }

  static Stream<String> timestamped() {
    return CASES.values().stream().filter(c -> c.tolerance != null).map(c -> c.provider);
  }

  @Test
  void catalogHasTheRequiredProvidersAndEveryOneIsTestedHere() {
    assertThat(Providers.names())
        .hasSizeGreaterThanOrEqualTo(25)
        .doesNotHaveDuplicates()
        .allMatch(name -> name.matches("[a-z][a-z0-9-]*"))
        .contains(
            "standard-webhooks", "svix", "clerk", "resend", "github", "stripe", "shopify", "slack", "twilio", "meta",
            "zoom", "square", "discord", "twitch", "gitlab", "bitbucket", "jira", "hubspot", "intercom", "linear",
            "mailgun", "sendgrid", "pagerduty", "paddle", "sentry", "typeform", "calendly", "dropbox",
            "microsoft-graph", "sns", "x");
    List<String> untested = new ArrayList<>(Providers.names());
    untested.removeAll(CASES.keySet());
    // Amazon SNS needs a certificate made in the test: SnsVerifierTest.
    assertThat(untested).containsExactly("sns");
  }

  @Test
  void everyPresetDescribesItself() {
    for (Provider provider : Providers.all()) {
      assertThat(provider.title()).as(provider.name()).isNotBlank();
      assertThat(provider.scheme()).as(provider.name()).isNotBlank();
      assertThat(provider.documentation()).as(provider.name()).isNotBlank();
      assertThat(provider.secretFormat()).as(provider.name()).isNotBlank();
      assertThat(provider.contentTypes()).as(provider.name()).isNotEmpty();
      assertThat(provider.headers()).as(provider.name()).allMatch(h -> h.equals(h.toLowerCase(java.util.Locale.ROOT)));
      provider.deliveryIdHeader().ifPresent(id -> assertThat(provider.headers()).contains(id.toLowerCase()));
    }
    assertThat(Providers.all().stream().filter(p -> p.handshake().isPresent()).map(Provider::name))
        .containsExactlyInAnyOrder(
            "slack", "meta", "zoom", "discord", "twitch", "dropbox", "microsoft-graph", "sns", "x");
  }

  @ParameterizedTest
  @MethodSource("providersWithVectors")
  void acceptsTheProvidersOwnPublishedExample(String name) {
    ProviderCases.Vector vector = CASES.get(name).vector;
    Clock clock = Clock.fixed(Instant.ofEpochMilli(vector.nowMillis()), ZoneOffset.UTC);
    WebhookSource source = Providers.get(name).source(name, vector.secret(), clock).build();

    assertThatCode(() -> source.verifier().verify(vector.request().headers(), vector.request().body()))
        .as(vector.source())
        .doesNotThrowAnyException();
    // And one changed byte fails it.
    byte[] changed = vector.request().body().clone();
    changed[changed.length - 1] ^= 1;
    assertThatThrownBy(() -> source.verifier().verify(vector.request().headers(), changed))
        .isInstanceOf(SignatureVerificationException.class);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void acceptsARequestSignedByTheDocumentedAlgorithm(String name) {
    Case c = CASES.get(name);
    Signed valid = c.valid();

    ReceiveResult result = receive(c, valid);

    assertThat(result.status()).as(name).isEqualTo(202);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void refusesEveryBrokenRequestWith401AndNeverThrows(String name) {
    Case c = CASES.get(name);
    Map<String, Signed> broken = new LinkedHashMap<>();
    Map<String, Check> expected = new LinkedHashMap<>();
    broken.put("tampered", c.tamper.apply(c.valid()));
    expected.put("tampered", c.wrongKeyCheck);
    broken.put("wrong secret", c.wrongKey.get());
    expected.put("wrong secret", c.wrongKeyCheck);
    if (c.signatureHeader != null) {
      broken.put("missing", c.valid().withHeaders(h -> h.remove(c.signatureHeader)));
      expected.put("missing", Check.MISSING);
      String value = c.valid().headers().first(c.signatureHeader).orElseThrow();
      broken.put("duplicated", c.valid().withHeaders(h -> h.add(c.signatureHeader, value)));
      expected.put("duplicated", Check.DUPLICATED);
      broken.put("garbage", c.valid().withHeaders(h -> h.set(c.signatureHeader, c.garbage)));
      expected.put("garbage", c.garbageCheck);
    }
    if (c.tolerance != null) {
      long beyond = c.tolerance.plusMinutes(1).toSeconds();
      broken.put("stale", c.signedAt.apply(NOW - beyond));
      expected.put("stale", Check.TIMESTAMP_TOO_OLD);
      broken.put("future", c.signedAt.apply(NOW + beyond));
      expected.put("future", Check.TIMESTAMP_IN_FUTURE);
    }

    SignatureVerifier verifier = Providers.get(name).verifier(c.secret);
    SignatureVerifier clocked = Providers.get(name).source(name, c.secret, CLOCK).build().verifier();
    for (Map.Entry<String, Signed> entry : broken.entrySet()) {
      Signed request = entry.getValue();
      SignatureVerificationException failure = failure(clocked, request);
      assertThat(failure).as(name + " " + entry.getKey()).isNotNull();
      assertThat(failure.check()).as(name + " " + entry.getKey() + ": " + failure.getMessage()).isEqualTo(expected.get(entry.getKey()));
      assertThat(failure.getMessage()).doesNotContain(c.secret);

      ReceiveResult result = receive(c, request);
      assertThat(result.status()).as(name + " " + entry.getKey()).isEqualTo(401);
      assertThat(result.body()).doesNotContain(failure.getMessage()).contains(WebhookReceiver.SIGNATURE_FAILED);
    }
    assertThat(verifier.scheme()).isEqualTo(name);
  }

  @ParameterizedTest
  @MethodSource("timestamped")
  void aStaleRequestWithAWrongSignatureIsLoggedAsASignatureFailure(String name) {
    Case c = CASES.get(name);
    Signed stale = c.signedAt.apply(NOW - c.tolerance.plusMinutes(1).toSeconds());
    Signed staleAndTampered = c.tamper.apply(stale);
    SignatureVerifier verifier = Providers.get(name).source(name, c.secret, CLOCK).build().verifier();

    SignatureVerificationException staleOnly = failure(verifier, stale);
    SignatureVerificationException forged = failure(verifier, staleAndTampered);

    assertThat(staleOnly.check()).isEqualTo(Check.TIMESTAMP_TOO_OLD);
    assertThat(forged.check()).isEqualTo(Check.SIGNATURE);
  }

  @ParameterizedTest
  @MethodSource("timestamped")
  void verifyAsOfMeasuresTheWindowFromTheReceiptTime(String name) {
    Case c = CASES.get(name);
    Signed old = c.signedAt.apply(NOW - Duration.ofDays(2).toSeconds());
    SignatureVerifier verifier = Providers.get(name).source(name, c.secret, CLOCK).build().verifier();

    assertThatCode(
            () -> verifier.verifyAsOf(old.headers(), old.body(), Instant.ofEpochSecond(NOW - Duration.ofDays(2).toSeconds())))
        .doesNotThrowAnyException();
  }

  @Test
  void deliveryIdsComeFromTheProvidersOwnHeaderOrField() {
    Map<String, String> expected =
        Map.of(
            "github", "gh-delivery-1",
            "stripe", "evt_1",
            "linear", "234d1a4e-b617-4388-90fe-adc3633d6b72",
            "mailgun", "tok-3f9a",
            "twitch", "e76c6bd4-55c9-4987-8304-da1588d8988b",
            "svix", "msg_2Lq");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Case c = CASES.get(e.getKey());
      Signed valid = c.valid();
      if (e.getKey().equals("github")) {
        valid = valid.withHeaders(h -> h.add("X-GitHub-Delivery", "gh-delivery-1"));
      }
      SignatureVerifier verifier = Providers.get(e.getKey()).source("s", c.secret, CLOCK).build().verifier();
      assertThat(verifier.deliveryId(valid.headers(), valid.body())).as(e.getKey()).contains(e.getValue());
    }
  }

  @Test
  void twilioAcceptsItsJsonBodiesAndPortVariantsAsItsLibrariesDo() {
    Provider twilio = Providers.get("twilio");
    // twilio-java's RequestValidatorTest: a JSON body is covered by bodySHA256 in the signed URL.
    SignatureVerifier json = twilio.verifier("12345:https://mycompany.com/myapp.php?foo=1&bar=2");
    assertThatCode(
            () ->
                json.verify(
                    ProviderCases.headers(
                        "Content-Type", "application/json", "X-Twilio-Signature", "a9nBmqA0ju/hNViExpshrM61xv4="),
                    ProviderCases.utf8("{\"property\": \"value\", \"boolean\": true}")))
        .doesNotThrowAnyException();
    // The same test's port cases: signed with :443 added, or with the configured :1234 left out.
    byte[] form =
        ProviderCases.utf8(
            "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212");
    assertThatCode(
            () ->
                json.verify(
                    ProviderCases.headers(
                        "Content-Type", "application/x-www-form-urlencoded",
                        "X-Twilio-Signature", "kvajT1Ptam85bY51eRf/AJRuM3w="),
                    form))
        .doesNotThrowAnyException();
    SignatureVerifier withPort = twilio.verifier("12345:https://mycompany.com:1234/myapp.php?foo=1&bar=2");
    assertThatCode(
            () ->
                withPort.verify(
                    ProviderCases.headers(
                        "Content-Type", "application/x-www-form-urlencoded",
                        "X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
                    form))
        .doesNotThrowAnyException();
  }

  @Test
  void standardWebhooksPresetTakesAWhpkPublicKey() {
    java.security.KeyPair keys = ProviderCases.generate("Ed25519", null);
    String whpk = "whpk_" + ProviderCases.b64(ProviderCases.rawEd25519(keys));
    byte[] body = ProviderCases.utf8("{\"type\":\"v1a\"}");
    String signed = "msg_1." + NOW + ".";
    byte[] signature;
    try {
      java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
      signer.initSign(keys.getPrivate());
      signer.update(ProviderCases.concat(ProviderCases.utf8(signed), body));
      signature = signer.sign();
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
    SignatureVerifier verifier = Providers.get("standard-webhooks").source("s", whpk, CLOCK).build().verifier();
    assertThatCode(
            () ->
                verifier.verify(
                    ProviderCases.headers(
                        "webhook-id", "msg_1",
                        "webhook-timestamp", Long.toString(NOW),
                        "webhook-signature", "v1a," + ProviderCases.b64(signature)),
                    body))
        .doesNotThrowAnyException();
  }

  @Test
  void parsesTheOneNamingSyntax() {
    Providers.SourceOption option = Providers.parse("fb=META:app-secret:verify:token=x");

    assertThat(option.name()).isEqualTo("fb");
    assertThat(option.provider().name()).isEqualTo("meta");
    assertThat(option.secret()).isEqualTo("app-secret:verify:token=x");
    assertThat(option.toString()).isEqualTo("fb=meta:***");
    WebhookSource source = option.source().build();
    assertThat(source.name()).isEqualTo("fb");
    assertThat(source.handshake()).isPresent();
    assertThat(Providers.parse("orders=sns:arn:aws:sns:eu-west-1:123456789012:orders").source().build().contentTypes())
        .contains("text/plain", "application/json");
  }

  @Test
  void badOptionsAndSecretsNameTheFieldAndNeverEchoTheSecret() {
    assertThatThrownBy(() -> Providers.parse("github")).hasMessageStartingWith("source must look like NAME=PROVIDER:SECRET");
    assertThatThrownBy(() -> Providers.parse("x=paypal:s3cret"))
        .hasMessageStartingWith("provider must be one of standard-webhooks, svix")
        .hasMessageContaining("'paypal'")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> Providers.parse("x=github: ")).hasMessageStartingWith("secret must not be empty");

    Map<String, String> bad =
        Map.of(
            "twilio", "tok3n-only",
            "square", "key:not-a-url",
            "hubspot", ":https://example.com/x",
            "discord", "zz-not-hex",
            "sendgrid", "bm90IGEga2V5",
            "standard-webhooks", "whsec_%%%",
            "sns", "arn:aws:s3:::bucket");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      assertThatThrownBy(() -> Providers.get(e.getKey()).source("s", e.getValue()))
          .as(e.getKey())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("secret")
          .hasMessageNotContaining(e.getValue());
    }
    assertThatThrownBy(() -> Providers.get("github").source("s", "  ")).hasMessageStartingWith("secret");
  }

  /** The verifier's failure for the request, or null when it accepts it. */
  private static SignatureVerificationException failure(SignatureVerifier verifier, Signed request) {
    try {
      verifier.verify(request.headers(), request.body());
      return null;
    } catch (SignatureVerificationException e) {
      return e;
    }
  }

  private static ReceiveResult receive(Case c, Signed request) {
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    List<String> rejected = new CopyOnWriteArrayList<>();
    WebhookReceiver receiver =
        WebhookReceiver.builder()
            .addSource(Providers.get(c.provider).source("src", c.secret, CLOCK).build())
            .sink(sink)
            .listener(
                new PipelineListener() {
                  @Override
                  public void onRejected(String source, RejectReason reason) {
                    rejected.add(reason.name());
                  }
                })
            .build();
    InboundRequest inbound =
        InboundRequest.builder().path("/webhooks/src").headers(request.headers()).body(request.body()).build();
    ReceiveResult result = receiver.receiveBlocking("src", inbound);
    if (result.isAccepted()) {
      assertThat(sink.webhooks()).hasSize(1);
      assertThat(sink.webhooks().get(0).body()).isEqualTo(request.body());
    } else {
      assertThat(sink.webhooks()).isEmpty();
      assertThat(rejected).hasSize(1);
    }
    return result;
  }
}
