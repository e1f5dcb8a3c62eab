package dev.hookline.core.signature;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One test case per provider preset: an independent signer (written here from each provider's documented algorithm,
 * never from the catalog's data), the provider's own published example where one exists, and what its negative cases
 * look like. Amazon SNS is tested apart, with a certificate made in the test ({@code SnsVerifierTest}).
 */
final class ProviderCases {

  /** "Now" for every case signed by an oracle: 2023-11-14T22:13:20Z. */
  static final long NOW = 1_700_000_000L;

  /** A signed request: its headers and body. */
  record Signed(WebhookHeaders headers, byte[] body) {
    Signed withBody(byte[] newBody) {
      return new Signed(headers, newBody);
    }

    Signed withHeaders(UnaryOperator<WebhookHeaders.Builder> change) {
      return new Signed(change.apply(headers.toBuilder()).build(), body);
    }
  }

  /**
   * A provider's own published example.
   *
   * @param secret the secret text as the preset takes it
   * @param nowMillis the clock at which it is valid
   * @param request the request
   * @param source the document it comes from
   */
  record Vector(String secret, long nowMillis, Signed request, String source) {}

  /** Everything the catalog tests need for one provider. */
  static final class Case {
    final String provider;
    String secret;
    /** A correctly signed request at the given epoch second. */
    LongFunction<Signed> signedAt;
    /** Signed now, with another secret or key. */
    Supplier<Signed> wrongKey;
    Check wrongKeyCheck = Check.SIGNATURE;
    /** The header holding the signature, or null when it is in the body. */
    String signatureHeader;
    /** A value of the signature header that does not decode. */
    String garbage;
    Check garbageCheck = Check.MALFORMED;
    /** The replay tolerance, or null when no timestamp is signed. */
    Duration tolerance;
    /** Changes what is signed after signing; default: one more byte of body. */
    UnaryOperator<Signed> tamper = s -> s.withBody(concat(s.body(), " ".getBytes(StandardCharsets.UTF_8)));
    Vector vector;

    Case(String provider) {
      this.provider = provider;
    }

    Signed valid() {
      return signedAt.apply(NOW);
    }

    Case withVector(Vector vector) {
      this.vector = vector;
      return this;
    }
  }

  static final Map<String, Case> CASES = cases();

  private ProviderCases() {}

  private static Map<String, Case> cases() {
    Map<String, Case> all = new LinkedHashMap<>();

    String whsec = "whsec_" + Base64.getEncoder().encodeToString(utf8("hookline-provider-test-key-32byte"));
    for (String name : new String[] {"standard-webhooks", "svix", "clerk", "resend"}) {
      String prefix = name.equals("standard-webhooks") ? "webhook-" : "svix-";
      Case c = new Case(name);
      c.secret = whsec;
      c.signedAt = t -> standardWebhooks(prefix, whsec, "msg_2Lq", t, utf8("{\"type\":\"user.created\"}"));
      c.wrongKey = () -> standardWebhooks(prefix, "whsec_" + b64(utf8("another-key")), "msg_2Lq", NOW, utf8("{}"));
      c.signatureHeader = prefix + "signature";
      // "v1,<not base64>" decodes to no candidate at all: nothing to compare, so a mismatch.
      c.garbage = "v1,%%%";
      c.garbageCheck = Check.SIGNATURE;
      c.tolerance = Duration.ofMinutes(5);
      // The Standard Webhooks libraries' test vector (standard-webhooks/standard-webhooks, libraries' tests), which
      // Svix's libraries publish with svix- headers; Clerk and Resend deliver through Svix.
      c.vector =
          new Vector(
              "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
              1614265330_000L,
              new Signed(
                  headers(
                      "Content-Type", "application/json",
                      prefix + "id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                      prefix + "timestamp", "1614265330",
                      prefix + "signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
                  utf8("{\"test\": 2432232314}")),
              "Standard Webhooks libraries' test vector");
      all.put(name, c);
    }

    all.put(
        "github",
        bodyHmac("github", "HmacSHA256", "X-Hub-Signature-256", "sha256=", false)
            .withVector(
                new Vector(
                    "It's a Secret to Everybody",
                    NOW * 1000,
                    new Signed(
                        headers(
                            "Content-Type", "application/json",
                            "X-Hub-Signature-256",
                                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                        utf8("Hello, World!")),
                    "GitHub: Validating webhook deliveries")));

    Case stripe = new Case("stripe");
    stripe.secret = "whsec_stripe_test";
    stripe.signedAt =
        t -> {
          byte[] body = utf8("{\"id\":\"evt_1\",\"object\":\"event\"}");
          String v1 = hex(hmac("HmacSHA256", stripe.secret, concat(utf8(t + "."), body)));
          return json(body, "Stripe-Signature", "t=" + t + ",v1=" + v1);
        };
    stripe.wrongKey =
        () -> json(utf8("{}"), "Stripe-Signature", "t=" + NOW + ",v1=" + hex(hmac("HmacSHA256", "x", utf8(NOW + ".{}"))));
    stripe.signatureHeader = "Stripe-Signature";
    stripe.garbage = "t=" + NOW + ",v1=zz";
    stripe.tolerance = Duration.ofMinutes(5);
    all.put("stripe", stripe);

    all.put("shopify", bodyHmac("shopify", "HmacSHA256", "X-Shopify-Hmac-Sha256", "", true));

    Case slack = new Case("slack");
    slack.secret = "slack-signing-secret";
    slack.signedAt = t -> prefixedTimestamped(slack.secret, "X-Slack-Signature", "X-Slack-Request-Timestamp", "v0", t);
    slack.wrongKey = () -> prefixedTimestamped("other", "X-Slack-Signature", "X-Slack-Request-Timestamp", "v0", NOW);
    slack.signatureHeader = "X-Slack-Signature";
    slack.garbage = "v0=not-hex";
    slack.tolerance = Duration.ofMinutes(5);
    // Slack's docs, "Verifying requests from Slack": a slash command signed with the example secret.
    slack.vector =
        new Vector(
            "8f742231b10e8888abcd99yyyzzz85a5",
            1531420618_000L,
            new Signed(
                headers(
                    "Content-Type", "application/x-www-form-urlencoded",
                    "X-Slack-Request-Timestamp", "1531420618",
                    "X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"),
                utf8(
                    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                        + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
                        + "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554"
                        + "%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")),
            "Slack: Verifying requests from Slack");
    all.put("slack", slack);

    Case twilio = new Case("twilio");
    String twilioUrl = "https://hooks.example.com/webhooks/sms?tenant=7";
    twilio.secret = "twilio-auth-token:" + twilioUrl;
    twilio.signedAt = t -> twilioForm("twilio-auth-token", twilioUrl, "Body=Hello+world&From=%2B14155550100&To=%2B1415");
    twilio.wrongKey = () -> twilioForm("other-token", twilioUrl, "Body=x");
    twilio.signatureHeader = "X-Twilio-Signature";
    twilio.garbage = "%%%";
    // twilio-java's RequestValidatorTest: auth token 12345, a form POST to the URL with its parameters.
    twilio.vector =
        new Vector(
            "12345:https://mycompany.com/myapp.php?foo=1&bar=2",
            NOW * 1000,
            new Signed(
                headers(
                    "Content-Type", "application/x-www-form-urlencoded",
                    "X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
                utf8(
                    "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309"
                        + "&To=%2B18005551212")),
            "twilio-java: RequestValidatorTest");
    all.put("twilio", twilio);

    Case meta = bodyHmac("meta", "HmacSHA256", "X-Hub-Signature-256", "sha256=", false);
    meta.secret = "meta-app-secret:my-verify-token";
    meta.signedAt = t -> bodySigned("meta-app-secret", "HmacSHA256", "X-Hub-Signature-256", "sha256=", false);
    all.put("meta", meta);

    Case zoom = new Case("zoom");
    zoom.secret = "zoom-secret-token";
    zoom.signedAt = t -> prefixedTimestamped(zoom.secret, "x-zm-signature", "x-zm-request-timestamp", "v0", t);
    zoom.wrongKey = () -> prefixedTimestamped("other", "x-zm-signature", "x-zm-request-timestamp", "v0", NOW);
    zoom.signatureHeader = "x-zm-signature";
    zoom.garbage = "v0=zz";
    zoom.tolerance = Duration.ofMinutes(5);
    all.put("zoom", zoom);

    Case square = new Case("square");
    String squareUrl = "https://hooks.example.com/webhooks/square";
    square.secret = "square-signature-key:" + squareUrl;
    square.signedAt = t -> square("square-signature-key", squareUrl);
    square.wrongKey = () -> square("other", squareUrl);
    square.signatureHeader = "x-square-hmacsha256-signature";
    square.garbage = "%%%";
    // square-java-sdk's WebhooksHelperTest: a test notification captured from Square's Developer Portal.
    square.vector =
        new Vector(
            "Ibxx_5AKakO-3qeNVR61Dw:https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9",
            NOW * 1000,
            new Signed(
                headers(
                    "Content-Type", "application/json",
                    "x-square-hmacsha256-signature", "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="),
                utf8(
                    "{\"merchant_id\":\"MLEFBHHSJGVHD\",\"type\":\"webhooks.test_notification\",\"event_id\":"
                        + "\"ac3ac95b-f97d-458c-a6e6-18981597e05f\",\"created_at\":\"2022-07-13T20:30:59.037339943Z\","
                        + "\"data\":{\"type\":\"webhooks\",\"id\":\"bc368e64-01aa-407e-b46e-3231809b1129\"}}")),
            "square-java-sdk: WebhooksHelperTest");
    all.put("square", square);

    KeyPair discordKeys = generate("Ed25519", null);
    KeyPair otherDiscord = generate("Ed25519", null);
    Case discord = new Case("discord");
    discord.secret = HexFormat.of().formatHex(rawEd25519(discordKeys));
    discord.signedAt = t -> asymmetric("Ed25519", discordKeys.getPrivate(), t, "X-Signature-Ed25519", "X-Signature-Timestamp", true);
    discord.wrongKey =
        () -> asymmetric("Ed25519", otherDiscord.getPrivate(), NOW, "X-Signature-Ed25519", "X-Signature-Timestamp", true);
    discord.signatureHeader = "X-Signature-Ed25519";
    discord.garbage = "not-hex";
    discord.tolerance = Duration.ofMinutes(5);
    all.put("discord", discord);

    Case twitch = new Case("twitch");
    twitch.secret = "twitch-secret";
    twitch.signedAt = t -> twitch(twitch.secret, t);
    twitch.wrongKey = () -> twitch("other", NOW);
    twitch.signatureHeader = "Twitch-Eventsub-Message-Signature";
    twitch.garbage = "sha256=zz";
    twitch.tolerance = Duration.ofMinutes(10);
    all.put("twitch", twitch);

    Case gitlab = new Case("gitlab");
    gitlab.secret = "gitlab-token";
    gitlab.signedAt = t -> json(utf8("{\"object_kind\":\"push\"}"), "X-Gitlab-Token", "gitlab-token");
    gitlab.wrongKey = () -> json(utf8("{}"), "X-Gitlab-Token", "another-token");
    gitlab.wrongKeyCheck = Check.TOKEN;
    gitlab.signatureHeader = "X-Gitlab-Token";
    gitlab.garbage = "\u00ff\u0000";
    gitlab.garbageCheck = Check.TOKEN;
    // A token covers nothing of the body: a changed token is what must fail.
    gitlab.tamper = s -> s.withHeaders(h -> h.set("X-Gitlab-Token", "gitlab-tokeN"));
    all.put("gitlab", gitlab);

    all.put("bitbucket", bodyHmac("bitbucket", "HmacSHA256", "X-Hub-Signature", "sha256=", false));
    all.put("jira", bodyHmac("jira", "HmacSHA256", "X-Hub-Signature", "sha256=", false));

    Case hubspot = new Case("hubspot");
    String hubspotUrl = "https://hooks.example.com/webhooks/hubspot";
    hubspot.secret = "hubspot-client-secret:" + hubspotUrl;
    hubspot.signedAt = t -> hubspot("hubspot-client-secret", hubspotUrl, t * 1000);
    hubspot.wrongKey = () -> hubspot("other", hubspotUrl, NOW * 1000);
    hubspot.signatureHeader = "X-HubSpot-Signature-v3";
    hubspot.garbage = "%%%";
    hubspot.tolerance = Duration.ofMinutes(5);
    // hubspot-api-python's tests/spec/utils/test_signature.py (test_get_signature__v3): timestamp 15000000 ms.
    hubspot.vector =
        new Vector(
            "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy:https://www.example.com/webhook_uri",
            15_000_000L,
            new Signed(
                headers(
                    "Content-Type", "application/json",
                    "X-HubSpot-Request-Timestamp", "15000000",
                    "X-HubSpot-Signature-v3", "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw="),
                utf8("{'example_field':'example_value'}")),
            "hubspot-api-python: tests/spec/utils/test_signature.py");
    all.put("hubspot", hubspot);

    all.put("intercom", bodyHmac("intercom", "HmacSHA1", "X-Hub-Signature", "sha1=", false));

    Case linear = new Case("linear");
    linear.secret = "linear-secret";
    linear.signedAt = t -> linear(linear.secret, t * 1000);
    linear.wrongKey = () -> linear("other", NOW * 1000);
    linear.signatureHeader = "Linear-Signature";
    linear.garbage = "zz";
    linear.tolerance = Duration.ofMinutes(1);
    all.put("linear", linear);

    Case mailgun = new Case("mailgun");
    mailgun.secret = "mailgun-signing-key";
    mailgun.signedAt = t -> mailgun(mailgun.secret, t, "tok-3f9a", "{\"event\":\"delivered\"}");
    mailgun.wrongKey = () -> mailgun("other", NOW, "tok-3f9a", "{\"event\":\"delivered\"}");
    mailgun.signatureHeader = null;
    // Mailgun signs the timestamp and the token only, not the event: a changed token is what must fail.
    mailgun.tamper =
        s -> s.withBody(utf8(new String(s.body(), StandardCharsets.UTF_8).replace("tok-3f9a", "tok-3f9b")));
    mailgun.tolerance = Duration.ofMinutes(5);
    all.put("mailgun", mailgun);

    KeyPair sendgridKeys = generate("EC", "secp256r1");
    KeyPair otherSendgrid = generate("EC", "secp256r1");
    Case sendgrid = new Case("sendgrid");
    sendgrid.secret = Base64.getEncoder().encodeToString(sendgridKeys.getPublic().getEncoded());
    sendgrid.signedAt =
        t ->
            asymmetric(
                "SHA256withECDSA",
                sendgridKeys.getPrivate(),
                t,
                "X-Twilio-Email-Event-Webhook-Signature",
                "X-Twilio-Email-Event-Webhook-Timestamp",
                false);
    sendgrid.wrongKey =
        () ->
            asymmetric(
                "SHA256withECDSA",
                otherSendgrid.getPrivate(),
                NOW,
                "X-Twilio-Email-Event-Webhook-Signature",
                "X-Twilio-Email-Event-Webhook-Timestamp",
                false);
    sendgrid.signatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    sendgrid.garbage = "%%%";
    sendgrid.tolerance = Duration.ofMinutes(5);
    // sendgrid-nodejs' packages/eventwebhook/src/eventwebhook.spec.js: key, payload, signature and timestamp.
    sendgrid.vector =
        new Vector(
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFce"
                + "Eu/1FwCM/QmGUhA==",
            1588788367_000L,
            new Signed(
                headers(
                    "Content-Type", "application/json",
                    "X-Twilio-Email-Event-Webhook-Timestamp", "1588788367",
                    "X-Twilio-Email-Event-Webhook-Signature",
                        "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0="),
                utf8("{\"category\":\"example_payload\",\"event\":\"test_event\",\"message_id\":\"message_id\"}")),
            "sendgrid-nodejs: packages/eventwebhook/src/eventwebhook.spec.js");
    all.put("sendgrid", sendgrid);

    Case pagerduty = new Case("pagerduty");
    pagerduty.secret = "pagerduty-secret";
    pagerduty.signedAt =
        t -> {
          byte[] body = utf8("{\"event\":{\"event_type\":\"incident.triggered\"}}");
          String v1 = hex(hmac("HmacSHA256", pagerduty.secret, body));
          // Two entries, as during a secret roll: one of them matches.
          return json(body, "X-PagerDuty-Signature", "v1=" + "00".repeat(32) + ",v1=" + v1);
        };
    pagerduty.wrongKey = () -> json(utf8("{}"), "X-PagerDuty-Signature", "v1=" + hex(hmac("HmacSHA256", "x", utf8("{}"))));
    pagerduty.signatureHeader = "X-PagerDuty-Signature";
    pagerduty.garbage = "v1=zz";
    all.put("pagerduty", pagerduty);

    Case paddle = new Case("paddle");
    paddle.secret = "pdl_ntfset_test_secret";
    paddle.signedAt =
        t -> {
          byte[] body = utf8("{\"event_id\":\"evt_01\",\"event_type\":\"transaction.completed\"}");
          String h1 = hex(hmac("HmacSHA256", paddle.secret, concat(utf8(t + ":"), body)));
          return json(body, "Paddle-Signature", "ts=" + t + ";h1=" + h1);
        };
    paddle.wrongKey =
        () -> json(utf8("{}"), "Paddle-Signature", "ts=" + NOW + ";h1=" + hex(hmac("HmacSHA256", "x", utf8(NOW + ":{}"))));
    paddle.signatureHeader = "Paddle-Signature";
    paddle.garbage = "ts=" + NOW + ";h1=zz";
    paddle.tolerance = Duration.ofMinutes(5);
    // paddle-python-sdk's tests/Unit/Notification/test_Verifier.py: one good h1 among dummy entries.
    paddle.vector =
        new Vector(
            "pdl_ntf_01hbpjmytsa32fhr36nqgc3kgb_WvRO0eL4Bj9rgYYIBZY6wZhG4EHy9jzh",
            1696195954_000L,
            new Signed(
                headers(
                    "Content-Type", "application/json",
                    "Paddle-Signature",
                        "ts=1696195954;h1=dummy;h1=d96299976a6eb066f484d7fde011ac56fc32b38fc9940bc419d6e537fdc6ef02"),
                utf8("hello-world")),
            "paddle-python-sdk: tests/Unit/Notification/test_Verifier.py");
    all.put("paddle", paddle);

    all.put("sentry", bodyHmac("sentry", "HmacSHA256", "Sentry-Hook-Signature", "", false));
    all.put("typeform", bodyHmac("typeform", "HmacSHA256", "Typeform-Signature", "sha256=", true));

    Case calendly = new Case("calendly");
    calendly.secret = "calendly-signing-key";
    calendly.signedAt =
        t -> {
          byte[] body = utf8("{\"event\":\"invitee.created\"}");
          String v1 = hex(hmac("HmacSHA256", calendly.secret, concat(utf8(t + "."), body)));
          return json(body, "Calendly-Webhook-Signature", "t=" + t + ",v1=" + v1);
        };
    calendly.wrongKey =
        () -> json(utf8("{}"), "Calendly-Webhook-Signature", "t=" + NOW + ",v1=" + hex(hmac("HmacSHA256", "x", utf8(NOW + ".{}"))));
    calendly.signatureHeader = "Calendly-Webhook-Signature";
    calendly.garbage = "t=" + NOW + ",v1=zz";
    calendly.tolerance = Duration.ofMinutes(3);
    all.put("calendly", calendly);

    all.put("dropbox", bodyHmac("dropbox", "HmacSHA256", "X-Dropbox-Signature", "", false));

    Case graph = new Case("microsoft-graph");
    graph.secret = "client-state-42";
    graph.signedAt = t -> graph("client-state-42");
    graph.wrongKey = () -> graph("client-state-43");
    graph.wrongKeyCheck = Check.TOKEN;
    graph.signatureHeader = null;
    graph.tamper = s -> graph("client-state-4");
    all.put("microsoft-graph", graph);

    all.put("x", bodyHmac("x", "HmacSHA256", "x-twitter-webhooks-signature", "sha256=", true));
    return all;
  }

  // --- Oracles: each provider's documented algorithm, written independently of the catalog. ---

  private static Case bodyHmac(String name, String algorithm, String header, String prefix, boolean base64) {
    Case c = new Case(name);
    c.secret = name + "-secret";
    c.signedAt = t -> bodySigned(c.secret, algorithm, header, prefix, base64);
    c.wrongKey = () -> bodySigned(name + "-other", algorithm, header, prefix, base64);
    c.signatureHeader = header;
    c.garbage = prefix + "%%%";
    return c;
  }

  static Signed bodySigned(String secret, String algorithm, String header, String prefix, boolean base64) {
    byte[] body = utf8("{\"id\":\"evt_42\",\"type\":\"hookline.test\"}");
    byte[] mac = hmac(algorithm, secret, body);
    return json(body, header, prefix + (base64 ? b64(mac) : hex(mac)));
  }

  static Signed standardWebhooks(String prefix, String whsec, String id, long t, byte[] body) {
    byte[] key = Base64.getDecoder().decode(whsec.substring("whsec_".length()));
    byte[] mac = hmac("HmacSHA256", key, concat(utf8(id + "." + t + "."), body));
    return new Signed(
        headers(
            "Content-Type", "application/json",
            prefix + "id", id,
            prefix + "timestamp", Long.toString(t),
            prefix + "signature", "v1," + b64(mac)),
        body);
  }

  /** Slack and Zoom: {@code <version>=hex(HMAC(<version>:<t>:<body>))}. */
  static Signed prefixedTimestamped(String secret, String header, String timestampHeader, String version, long t) {
    byte[] body = utf8("{\"event\":\"hookline.test\",\"event_id\":\"Ev01\"}");
    byte[] mac = hmac("HmacSHA256", secret, concat(utf8(version + ":" + t + ":"), body));
    return new Signed(
        headers(
            "Content-Type", "application/json", timestampHeader, Long.toString(t), header, version + "=" + hex(mac)),
        body);
  }

  /** Twilio: base64(HMAC-SHA1(url + each form name and value, sorted by name)). */
  static Signed twilioForm(String token, String url, String form) {
    StringBuilder signed = new StringBuilder(url);
    java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
    for (String pair : form.split("&")) {
      String[] kv = pair.split("=", 2);
      sorted.put(
          java.net.URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
    }
    sorted.forEach((k, v) -> signed.append(k).append(v));
    String signature = b64(hmac("HmacSHA1", token, utf8(signed.toString())));
    return new Signed(
        headers("Content-Type", "application/x-www-form-urlencoded", "X-Twilio-Signature", signature), utf8(form));
  }

  static Signed square(String key, String url) {
    byte[] body = utf8("{\"event_id\":\"sq-evt-1\",\"type\":\"payment.updated\"}");
    String signature = b64(hmac("HmacSHA256", key, concat(utf8(url), body)));
    return json(body, "x-square-hmacsha256-signature", signature);
  }

  /** Discord (hex Ed25519) and SendGrid (base64 DER ECDSA): a signature of {@code <timestamp><body>}. */
  static Signed asymmetric(
      String algorithm, PrivateKey key, long t, String signatureHeader, String timestampHeader, boolean hexEncoded) {
    byte[] body = utf8("{\"id\":\"1199\",\"type\":2}");
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(utf8(Long.toString(t)));
      signer.update(body);
      byte[] signature = signer.sign();
      return new Signed(
          headers(
              "Content-Type", "application/json",
              timestampHeader, Long.toString(t),
              signatureHeader, hexEncoded ? hex(signature) : b64(signature)),
          body);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** Twitch: sha256=hex(HMAC(message id + RFC 3339 timestamp + body)). */
  static Signed twitch(String secret, long t) {
    byte[] body = utf8("{\"subscription\":{\"type\":\"channel.follow\"},\"event\":{}}");
    String id = "e76c6bd4-55c9-4987-8304-da1588d8988b";
    String timestamp = Instant.ofEpochSecond(t, 123_456_789).toString();
    byte[] mac = hmac("HmacSHA256", secret, concat(utf8(id + timestamp), body));
    return new Signed(
        headers(
            "Content-Type", "application/json",
            "Twitch-Eventsub-Message-Id", id,
            "Twitch-Eventsub-Message-Timestamp", timestamp,
            "Twitch-Eventsub-Message-Type", "notification",
            "Twitch-Eventsub-Message-Signature", "sha256=" + hex(mac)),
        body);
  }

  /** HubSpot v3: base64(HMAC-SHA256("POST" + url + body + timestamp in ms)). */
  static Signed hubspot(String secret, String url, long millis) {
    byte[] body = utf8("[{\"eventId\":1,\"subscriptionType\":\"contact.creation\"}]");
    byte[] mac = hmac("HmacSHA256", secret, concat(concat(utf8("POST" + url), body), utf8(Long.toString(millis))));
    return new Signed(
        headers(
            "Content-Type", "application/json",
            "X-HubSpot-Request-Timestamp", Long.toString(millis),
            "X-HubSpot-Signature-v3", b64(mac)),
        body);
  }

  /** Linear: hex(HMAC-SHA256(body)), the body carrying webhookTimestamp in ms. */
  static Signed linear(String secret, long millis) {
    byte[] body = utf8("{\"action\":\"create\",\"type\":\"Issue\",\"webhookTimestamp\":" + millis + "}");
    return new Signed(
        headers(
            "Content-Type", "application/json",
            "Linear-Delivery", "234d1a4e-b617-4388-90fe-adc3633d6b72",
            "Linear-Signature", hex(hmac("HmacSHA256", secret, body))),
        body);
  }

  /** Mailgun: hex(HMAC-SHA256(timestamp + token)) in the body's signature object. */
  static Signed mailgun(String key, long t, String token, String eventData) {
    String signature = hex(hmac("HmacSHA256", key, utf8(t + token)));
    String body =
        "{\"signature\":{\"timestamp\":\""
            + t
            + "\",\"token\":\""
            + token
            + "\",\"signature\":\""
            + signature
            + "\"},\"event-data\":"
            + eventData
            + "}";
    return new Signed(headers("Content-Type", "application/json"), utf8(body));
  }

  /** Microsoft Graph: every notification carries the subscription's clientState. */
  static Signed graph(String clientState) {
    String item = "{\"subscriptionId\":\"sub-1\",\"clientState\":\"" + clientState + "\",\"changeType\":\"created\"}";
    return new Signed(headers("Content-Type", "application/json"), utf8("{\"value\":[" + item + "," + item + "]}"));
  }

  static Signed json(byte[] body, String header, String value) {
    return new Signed(headers("Content-Type", "application/json", header, value), body);
  }

  // --- Small independent helpers. ---

  static KeyPair generate(String algorithm, String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        generator.initialize(new ECGenParameterSpec(curve));
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** RFC 8410: the X.509 encoding of an Ed25519 key ends with the raw 32 bytes. */
  static byte[] rawEd25519(KeyPair keys) {
    byte[] der = keys.getPublic().getEncoded();
    return Arrays.copyOfRange(der, der.length - 32, der.length);
  }

  static byte[] hmac(String algorithm, String key, byte[] content) {
    return hmac(algorithm, utf8(key), content);
  }

  static byte[] hmac(String algorithm, byte[] key, byte[] content) {
    return TestSigning.hmac(algorithm, key, content);
  }

  static WebhookHeaders headers(String... namesAndValues) {
    return TestSigning.headers(namesAndValues);
  }

  static byte[] utf8(String s) {
    return TestSigning.utf8(s);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
