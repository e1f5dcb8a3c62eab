package dev.hookline.core.signature;

import static dev.hookline.core.signature.ProviderCases.NOW;
import static dev.hookline.core.signature.ProviderCases.b64;
import static dev.hookline.core.signature.ProviderCases.concat;
import static dev.hookline.core.signature.ProviderCases.hex;
import static dev.hookline.core.signature.ProviderCases.hmac;
import static dev.hookline.core.signature.ProviderCases.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.PipelineListener;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.RejectReason;
import dev.hookline.core.Webhook;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookReceiver;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The URL handshakes over the receiver's API: each is answered at once with what its sender expects, never stored,
 * reported to the listener; a wrong token or signature is refused (403 or 401) and nothing is stored. Amazon SNS's is
 * in {@code SnsVerifierTest}.
 */
class HandshakeReceiverTest {

  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  private final InMemoryWebhookSink sink = InMemoryWebhookSink.create();
  private final List<String> events = new CopyOnWriteArrayList<>();

  private WebhookReceiver receiver(String provider, String secret) {
    return WebhookReceiver.builder()
        .addSource(Providers.get(provider).source("src", secret, CLOCK).build())
        .sink(sink)
        .clock(CLOCK)
        .listener(
            new PipelineListener() {
              @Override
              public void onHandshake(String source, String handshake) {
                events.add("handshake:" + source + ":" + handshake);
              }

              @Override
              public void onRejected(String source, RejectReason reason) {
                events.add("rejected:" + source + ":" + reason);
              }

              @Override
              public void onAccepted(Webhook webhook, Duration sinkLatency) {
                events.add("accepted:" + webhook.source());
              }
            })
        .build();
  }

  private static InboundRequest get(String query) {
    return InboundRequest.builder().method("GET").path("/webhooks/src").query(query).build();
  }

  private static InboundRequest post(WebhookHeaders headers, byte[] body) {
    return InboundRequest.builder().path("/webhooks/src").headers(headers).body(body).build();
  }

  private static InboundRequest slackSigned(String secret, byte[] body) {
    byte[] mac = hmac("HmacSHA256", secret, concat(utf8("v0:" + NOW + ":"), body));
    return post(
        ProviderCases.headers(
            "Content-Type", "application/json",
            "X-Slack-Request-Timestamp", Long.toString(NOW),
            "X-Slack-Signature", "v0=" + hex(mac)),
        body);
  }

  private void assertAnswered(ReceiveResult result, String handshake, String contentType, String body) {
    assertThat(result).isInstanceOf(ReceiveResult.Answered.class);
    assertThat(result.status()).isEqualTo(200);
    assertThat(result.headers())
        .containsEntry("Content-Type", contentType)
        .containsEntry("X-Content-Type-Options", "nosniff")
        .containsEntry("Cache-Control", "no-store");
    assertThat(result.body()).isEqualTo(body);
    assertThat(sink.storeCalls()).isZero();
    assertThat(events).containsExactly("handshake:src:" + handshake);
    events.clear();
  }

  private void assertRefused(ReceiveResult result, int status) {
    assertThat(result.status()).isEqualTo(status);
    assertThat(result.body()).contains(status == 403 ? WebhookReceiver.HANDSHAKE_REFUSED : "\"status\":\"rejected\"");
    assertThat(sink.storeCalls()).isZero();
    assertThat(events).hasSize(1).allMatch(e -> e.startsWith("rejected:src:"));
    events.clear();
  }

  @Test
  void slackUrlVerificationIsAnsweredWithTheChallengeOnlyWhenSigned() {
    WebhookReceiver receiver = receiver("slack", "slack-secret");
    byte[] body =
        utf8(
            "{\"token\":\"Jhj5dZrVaK7ZwHHjRyZWjbDl\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\","
                + "\"type\":\"url_verification\"}");

    assertAnswered(
        receiver.receiveBlocking("src", slackSigned("slack-secret", body)),
        "slack.url_verification",
        "application/json",
        "{\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\"}");
    assertRefused(receiver.receiveBlocking("src", slackSigned("wrong-secret", body)), 401);
    assertRefused(
        receiver.receiveBlocking("src", post(ProviderCases.headers("Content-Type", "application/json"), body)), 401);

    // An ordinary event is stored as before.
    byte[] event = utf8("{\"type\":\"event_callback\",\"event_id\":\"Ev1\"}");
    assertThat(receiver.receiveBlocking("src", slackSigned("slack-secret", event)).status()).isEqualTo(202);
    assertThat(sink.webhooks()).extracting(Webhook::deliveryId).containsExactly("Ev1");
  }

  @Test
  void metaGetIsAnsweredOnlyWithTheVerifyToken() {
    WebhookReceiver receiver = receiver("meta", "app-secret:my-verify-token");

    assertAnswered(
        receiver.receiveBlocking("src", get("hub.mode=subscribe&hub.verify_token=my-verify-token&hub.challenge=1158201444")),
        "meta.verify_token",
        "text/plain; charset=utf-8",
        "1158201444");
    assertRefused(
        receiver.receiveBlocking("src", get("hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444")),
        403);
    assertRefused(
        receiver.receiveBlocking(
            "src",
            get("hub.mode=subscribe&hub.verify_token=my-verify-token&hub.verify_token=x&hub.challenge=1")),
        403);
    // A GET that is no handshake, and any other method, stay 405.
    assertRefused(receiver.receiveBlocking("src", get("foo=bar")), 405);
    assertRefused(
        receiver.receiveBlocking("src", InboundRequest.builder().method("DELETE").path("/webhooks/src").build()), 405);

    // Events are POSTs signed with the app secret.
    byte[] event = utf8("{\"object\":\"page\",\"entry\":[]}");
    WebhookHeaders headers =
        ProviderCases.headers(
            "Content-Type", "application/json",
            "X-Hub-Signature-256", "sha256=" + hex(hmac("HmacSHA256", "app-secret", event)));
    assertThat(receiver.receiveBlocking("src", post(headers, event)).status()).isEqualTo(202);
  }

  @Test
  void metaWithoutAConfiguredVerifyTokenRefusesEverySubscription() {
    for (String secret : new String[] {"app-secret", "app-secret:", "app-secret: "}) {
      WebhookReceiver receiver = receiver("meta", secret);

      assertRefused(receiver.receiveBlocking("src", get("hub.mode=subscribe&hub.verify_token=&hub.challenge=1")), 403);
      assertRefused(receiver.receiveBlocking("src", get("hub.mode=subscribe&hub.challenge=1")), 403);
    }
  }

  @Test
  void zoomUrlValidationAnswersThePlainTokenAndItsHmac() {
    WebhookReceiver receiver = receiver("zoom", "zoom-secret");
    byte[] body =
        utf8(
            "{\"payload\":{\"plainToken\":\"qgg8vlvZRS6UYooatFL8Aw\"},\"event_ts\":1654503849680,"
                + "\"event\":\"endpoint.url_validation\"}");
    String expected = HexFormat.of().formatHex(hmac("HmacSHA256", "zoom-secret", utf8("qgg8vlvZRS6UYooatFL8Aw")));

    assertAnswered(
        receiver.receiveBlocking("src", zoomSigned("zoom-secret", body)),
        "zoom.url_validation",
        "application/json",
        "{\"plainToken\":\"qgg8vlvZRS6UYooatFL8Aw\",\"encryptedToken\":\"" + expected + "\"}");
    assertRefused(receiver.receiveBlocking("src", zoomSigned("other", body)), 401);
  }

  private static InboundRequest zoomSigned(String secret, byte[] body) {
    byte[] mac = hmac("HmacSHA256", secret, concat(utf8("v0:" + NOW + ":"), body));
    return post(
        ProviderCases.headers(
            "Content-Type", "application/json",
            "x-zm-request-timestamp", Long.toString(NOW),
            "x-zm-signature", "v0=" + hex(mac)),
        body);
  }

  @Test
  void xCrcAnswersTheTokensHmacAndRefusesTokensThatCouldSignABody() {
    WebhookReceiver receiver = receiver("x", "consumer-secret");

    assertAnswered(
        receiver.receiveBlocking("src", get("crc_token=QcRwBA9cxkb0")),
        "x.crc",
        "application/json",
        "{\"response_token\":\"sha256=" + b64(hmac("HmacSHA256", "consumer-secret", utf8("QcRwBA9cxkb0"))) + "\"}");
    // The answer is an HMAC with the same key as event signatures: never for text that could be a JSON body.
    assertRefused(receiver.receiveBlocking("src", get("crc_token=%7B%22a%22%3A1%7D")), 403);
  }

  @Test
  void dropboxAndGraphEchoTheirChallenges() {
    WebhookReceiver dropbox = receiver("dropbox", "app-secret");
    assertAnswered(
        dropbox.receiveBlocking("src", get("challenge=5CgjIs4LTp9ivwDxPhe6uCpRiU2U")),
        "dropbox.challenge",
        "text/plain; charset=utf-8",
        "5CgjIs4LTp9ivwDxPhe6uCpRiU2U");
    assertRefused(dropbox.receiveBlocking("src", get("challenge=%0Aset-cookie")), 403);

    WebhookReceiver graph = receiver("microsoft-graph", "client-state-42");
    // Graph validates with a POST, text/plain and no body, before any content type or signature check.
    InboundRequest validation =
        InboundRequest.builder()
            .path("/webhooks/src")
            .query("validationToken=Validation%3A+Testing+client+application+reachability")
            .headers(ProviderCases.headers("Content-Type", "text/plain; charset=utf-8"))
            .build();
    assertAnswered(
        graph.receiveBlocking("src", validation),
        "graph.validation",
        "text/plain; charset=utf-8",
        "Validation: Testing client application reachability");
    assertAnswered(
        graph.receiveBlocking("src", get("validationToken=abc")), "graph.validation", "text/plain; charset=utf-8", "abc");

    ProviderCases.Signed notification = ProviderCases.graph("client-state-42");
    assertThat(graph.receiveBlocking("src", post(notification.headers(), notification.body())).status()).isEqualTo(202);
    ProviderCases.Signed forged = ProviderCases.graph("client-state-0");
    assertThat(graph.receiveBlocking("src", post(forged.headers(), forged.body())).status()).isEqualTo(401);
  }

  @Test
  void twitchCallbackVerificationIsAnsweredWithTheChallengeOnlyWhenSigned() {
    WebhookReceiver receiver = receiver("twitch", "twitch-secret");
    byte[] body =
        utf8(
            "{\"challenge\":\"pogchamp-kappa-360noscope-vohiyo\",\"subscription\":{\"type\":\"channel.follow\","
                + "\"status\":\"webhook_callback_verification_pending\"}}");

    assertAnswered(
        receiver.receiveBlocking("src", twitchSigned("twitch-secret", "webhook_callback_verification", body)),
        "twitch.webhook_callback_verification",
        "text/plain; charset=utf-8",
        "pogchamp-kappa-360noscope-vohiyo");
    assertRefused(receiver.receiveBlocking("src", twitchSigned("other", "webhook_callback_verification", body)), 401);
    // A revocation is a message like any other: stored.
    assertThat(
            receiver
                .receiveBlocking("src", twitchSigned("twitch-secret", "revocation", utf8("{\"subscription\":{}}")))
                .status())
        .isEqualTo(202);
  }

  private static InboundRequest twitchSigned(String secret, String type, byte[] body) {
    String id = "msg-" + type;
    String timestamp = Instant.ofEpochSecond(NOW).toString();
    byte[] mac = hmac("HmacSHA256", secret, concat(utf8(id + timestamp), body));
    return post(
        ProviderCases.headers(
            "Content-Type", "application/json",
            "Twitch-Eventsub-Message-Id", id,
            "Twitch-Eventsub-Message-Timestamp", timestamp,
            "Twitch-Eventsub-Message-Type", type,
            "Twitch-Eventsub-Message-Signature", "sha256=" + hex(mac)),
        body);
  }

  @Test
  void discordPingIsAnsweredOnlyWhenSigned() throws GeneralSecurityException {
    KeyPair keys = ProviderCases.generate("Ed25519", null);
    KeyPair other = ProviderCases.generate("Ed25519", null);
    WebhookReceiver receiver = receiver("discord", HexFormat.of().formatHex(ProviderCases.rawEd25519(keys)));
    byte[] ping = utf8("{\"application_id\":\"123\",\"id\":\"456\",\"type\":1,\"version\":1}");

    assertAnswered(
        receiver.receiveBlocking("src", discordSigned(keys, ping)), "discord.ping", "application/json", "{\"type\":1}");
    // Discord checks that endpoints refuse bad signatures: a PING signed with another key is a 401.
    assertRefused(receiver.receiveBlocking("src", discordSigned(other, ping)), 401);
    assertThat(receiver.receiveBlocking("src", discordSigned(keys, utf8("{\"id\":\"457\",\"type\":2}"))).status())
        .isEqualTo(202);
    assertThat(sink.webhooks()).extracting(Webhook::deliveryId).containsExactly("457");
  }

  private static InboundRequest discordSigned(KeyPair keys, byte[] body) throws GeneralSecurityException {
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(keys.getPrivate());
    signer.update(concat(utf8(Long.toString(NOW)), body));
    return post(
        ProviderCases.headers(
            "Content-Type", "application/json",
            "X-Signature-Timestamp", Long.toString(NOW),
            "X-Signature-Ed25519", hex(signer.sign())),
        body);
  }

  @Test
  void aGetToASourceWithoutAGetHandshakeIsStill405() {
    WebhookReceiver receiver = receiver("github", "s3cret");

    assertRefused(receiver.receiveBlocking("src", get("hub.challenge=1")), 405);
    assertThat(receiver.receiveBlocking("unknown", get("challenge=1")).status()).isEqualTo(405);
  }
}
