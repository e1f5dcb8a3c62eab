package dev.hookline.core.signature;

import static dev.hookline.core.signature.HmacFamily.BODY;
import static dev.hookline.core.signature.HmacFamily.SORTED_FORM;
import static dev.hookline.core.signature.HmacFamily.TIMESTAMP;
import static dev.hookline.core.signature.HmacFamily.URL;
import static dev.hookline.core.signature.HmacFamily.header;
import static dev.hookline.core.signature.HmacFamily.json;
import static dev.hookline.core.signature.HmacFamily.literal;
import static dev.hookline.core.signature.Provider.FORM;
import static dev.hookline.core.signature.Provider.JSON;
import static dev.hookline.core.signature.Provider.TEXT;

import dev.hookline.core.WebhookSource;
import dev.hookline.core.signature.HmacFamily.Encoding;
import dev.hookline.core.signature.Provider.Parts;
import dev.hookline.core.signature.Provider.SecretShape;
import dev.hookline.core.signature.TimestampWindow.Format;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The catalog of named provider presets, and the one way to name them everywhere: {@code NAME=PROVIDER:SECRET}.
 *
 * <p>Each {@link Provider} is one configuration of a signing family built once ({@link HmacFamily}, {@link
 * PublicKeyFamily}, {@link TokenFamily}, {@link StandardWebhooksVerifier}, {@link SnsVerifier}) with its headers,
 * payload layout, encoding, tolerance, delivery id, content types and URL handshake. The same names are used by the
 * quick start's and the CLI's {@code --source NAME=PROVIDER:SECRET}, the Lambda functions' {@code HOOKLINE_SOURCES}
 * and the Spring Boot example's {@code hookline.sources.<name>.provider}.
 *
 * <pre>{@code
 * WebhookSource github = Providers.get("github").source("github", secret).build();
 * WebhookSource fromOption = Providers.parse("shop=shopify:" + secret).source().build();
 * }</pre>
 *
 * <p>Thread-safety: the catalog is immutable.
 */
public final class Providers {

  /** Default tolerance for senders that sign a timestamp and say nothing of their own. */
  private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  private static final List<Provider> ALL = catalog();

  private Providers() {}

  /** Returns every preset, in the catalog's order. */
  public static List<Provider> all() {
    return ALL;
  }

  /** Returns every preset's name, in the catalog's order. */
  public static List<String> names() {
    List<String> names = new ArrayList<>(ALL.size());
    for (Provider provider : ALL) {
      names.add(provider.name());
    }
    return List.copyOf(names);
  }

  /**
   * Returns the preset with a name, matched ignoring case.
   *
   * @param name the name, for example {@code github}
   * @return the preset, or empty when the catalog has none by that name
   */
  public static Optional<Provider> find(String name) {
    Objects.requireNonNull(name, "name");
    String lower = name.trim().toLowerCase(Locale.ROOT);
    for (Provider provider : ALL) {
      if (provider.name().equals(lower)) {
        return Optional.of(provider);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the preset with a name, matched ignoring case.
   *
   * @param name the name
   * @return the preset
   * @throws IllegalArgumentException starting with {@code provider} and listing the names when there is none
   */
  public static Provider get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "provider must be one of " + String.join(", ", names()) + ", was '" + name + "'"));
  }

  /**
   * Parses {@code NAME=PROVIDER:SECRET}, for example {@code gh=github:It's a Secret to Everybody}. The secret is
   * everything after the first colon that follows the {@code =}, so it may itself contain {@code :} and {@code =}
   * (Meta's {@code APP_SECRET:VERIFY_TOKEN}, an SNS topic ARN).
   *
   * @param text the option's value
   * @return the parsed option; its secret is checked when its source is built
   * @throws IllegalArgumentException naming what is wrong, never echoing the secret
   */
  public static SourceOption parse(String text) {
    Objects.requireNonNull(text, "text");
    int eq = text.indexOf('=');
    int colon = eq < 0 ? -1 : text.indexOf(':', eq);
    if (eq <= 0 || colon < 0) {
      throw new IllegalArgumentException(
          "source must look like NAME=PROVIDER:SECRET, for example github=github:s3cret");
    }
    String name = text.substring(0, eq).trim();
    Provider provider = get(text.substring(eq + 1, colon).trim());
    String secret = text.substring(colon + 1);
    if (secret.isBlank()) {
      throw new IllegalArgumentException("secret must not be empty for source '" + name + "'");
    }
    return new SourceOption(name, provider, secret);
  }

  /**
   * One parsed {@code NAME=PROVIDER:SECRET}.
   *
   * @param name the source name
   * @param provider the preset
   * @param secret the secret, in the preset's {@link Provider#secretFormat()}
   */
  public record SourceOption(String name, Provider provider, String secret) {

    /**
     * Validates the components.
     *
     * @param name the source name
     * @param provider the preset
     * @param secret the secret
     */
    public SourceOption {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(secret, "secret");
    }

    /**
     * Returns a builder for the source this option describes.
     *
     * @return the builder
     * @throws IllegalArgumentException starting with {@code secret} when the secret does not fit the provider
     */
    public WebhookSource.Builder source() {
      return provider.source(name, secret);
    }

    /** Prints the name and provider, never the secret. */
    @Override
    public String toString() {
      return name + "=" + provider.name() + ":***";
    }
  }

  // The catalog. Each entry is data: the family, its headers, payload layout, encoding, prefix, tolerance, delivery id,
  // content types and handshake. A new provider is one more entry here plus its test vector in ProvidersTest.
  private static List<Provider> catalog() {
    List<Provider> all = new ArrayList<>();

    all.add(
        standardWebhooks("standard-webhooks", "Standard Webhooks", "webhook-")
            .documentation("Standard Webhooks specification")
            .build());
    all.add(standardWebhooks("svix", "Svix", "svix-").documentation("Svix: Verifying payloads").build());
    all.add(standardWebhooks("clerk", "Clerk", "svix-").documentation("Clerk: Syncing with webhooks").build());
    all.add(standardWebhooks("resend", "Resend", "svix-").documentation("Resend: Verify webhooks requests").build());

    all.add(
        Provider.builder("github", "GitHub")
            .scheme("HMAC-SHA256 of the body, hex, X-Hub-Signature-256: sha256=<hex>")
            .headers("X-Hub-Signature-256")
            .deliveryIdHeaders("X-GitHub-Delivery")
            .contentTypes(JSON, FORM)
            .documentation("GitHub: Validating webhook deliveries")
            .hmac(s -> bodyHmac(s, "HmacSHA256", "X-Hub-Signature-256", "sha256=", Encoding.HEX))
            .build());
    all.add(
        Provider.builder("stripe", "Stripe")
            .scheme("HMAC-SHA256 of <t>.<body>, hex, Stripe-Signature: t=<seconds>,v1=<hex>")
            .headers("Stripe-Signature")
            .deliveryIdField("id")
            .tolerance(FIVE_MINUTES)
            .documentation("Stripe: Verify webhook signatures manually")
            .family(s -> StripeVerifier.family(s.hmac("HmacSHA256"), s.window))
            .build());
    all.add(
        Provider.builder("shopify", "Shopify")
            .scheme("HMAC-SHA256 of the body, base64, X-Shopify-Hmac-Sha256")
            .headers("X-Shopify-Hmac-Sha256")
            .deliveryIdHeaders("X-Shopify-Webhook-Id", "X-Shopify-Event-Id")
            .documentation("Shopify: Deliver webhooks through HTTPS")
            .hmac(s -> bodyHmac(s, "HmacSHA256", "X-Shopify-Hmac-Sha256", "", Encoding.BASE64))
            .build());
    all.add(
        Provider.builder("slack", "Slack")
            .scheme("HMAC-SHA256 of v0:<timestamp>:<body>, hex, X-Slack-Signature: v0=<hex>")
            .headers("X-Slack-Signature", "X-Slack-Request-Timestamp")
            .deliveryIdField("event_id")
            .contentTypes(JSON, FORM)
            .tolerance(FIVE_MINUTES)
            .documentation("Slack: Verifying requests from Slack")
            .handshake("url_verification (signed POST): answers the challenge", s -> Handshakes.slack())
            .family(s -> SlackVerifier.family(s.hmac("HmacSHA256"), s.window))
            .build());
    all.add(
        Provider.builder("twilio", "Twilio")
            .scheme(
                "HMAC-SHA1 of the public URL + sorted form parameters (JSON: URL with bodySHA256), base64,"
                    + " X-Twilio-Signature")
            .headers("X-Twilio-Signature")
            .deliveryIdHeaders("I-Twilio-Idempotency-Token")
            .contentTypes(FORM, JSON)
            .secret("AUTH_TOKEN:PUBLIC_URL (the webhook URL exactly as configured in Twilio)",
                SecretShape.WITH_REQUIRED_SETTING)
            .documentation("Twilio: Webhooks security")
            .hmac(
                s ->
                    HmacFamily.builder(s.hmac("HmacSHA1"))
                        .signatureHeader("X-Twilio-Signature")
                        .encoding(Encoding.BASE64)
                        .url(publicUrl(s), true)
                        .signedContent(URL, SORTED_FORM))
            .build());
    all.add(
        Provider.builder("meta", "Meta (Facebook, Instagram, WhatsApp)")
            .scheme("HMAC-SHA256 of the body with the app secret, hex, X-Hub-Signature-256: sha256=<hex>")
            .headers("X-Hub-Signature-256")
            .secret("APP_SECRET:VERIFY_TOKEN", SecretShape.WITH_OPTIONAL_SETTING)
            .documentation("Meta: Webhooks, Getting Started (Verification Requests, Event Notifications)")
            .handshake("GET ?hub.mode=subscribe&hub.challenge=: checks the verify token", s -> Handshakes.meta(s.setting))
            .hmac(s -> bodyHmac(s, "HmacSHA256", "X-Hub-Signature-256", "sha256=", Encoding.HEX))
            .build());
    all.add(
        Provider.builder("zoom", "Zoom")
            .scheme("HMAC-SHA256 of v0:<timestamp>:<body>, hex, x-zm-signature: v0=<hex>")
            .headers("x-zm-signature", "x-zm-request-timestamp")
            .tolerance(FIVE_MINUTES)
            .secret("WEBHOOK_SECRET_TOKEN", SecretShape.WHOLE)
            .documentation("Zoom: Using webhooks (Verify webhook events, Validate your webhook endpoint)")
            .handshake(
                "endpoint.url_validation (signed POST): answers plainToken and its HMAC",
                s -> Handshakes.zoom(s.hmac("HmacSHA256")))
            .hmac(
                s ->
                    HmacFamily.builder(s.hmac("HmacSHA256"))
                        .signatureHeader("x-zm-signature")
                        .prefix("v0=")
                        .timestampHeader("x-zm-request-timestamp", Format.UNIX_SECONDS)
                        .signedContent(literal("v0:"), TIMESTAMP, literal(":"), BODY))
            .build());
    all.add(
        Provider.builder("square", "Square")
            .scheme("HMAC-SHA256 of the notification URL + body, base64, x-square-hmacsha256-signature")
            .headers("x-square-hmacsha256-signature")
            .deliveryIdField("event_id")
            .secret("SIGNATURE_KEY:NOTIFICATION_URL", SecretShape.WITH_REQUIRED_SETTING)
            .documentation("Square: Validate notifications")
            .hmac(
                s ->
                    HmacFamily.builder(s.hmac("HmacSHA256"))
                        .signatureHeader("x-square-hmacsha256-signature")
                        .encoding(Encoding.BASE64)
                        .url(publicUrl(s), false)
                        .signedContent(URL, BODY))
            .build());
    all.add(
        Provider.builder("discord", "Discord")
            .scheme("Ed25519 of <timestamp><body>, hex, X-Signature-Ed25519 and X-Signature-Timestamp")
            .headers("X-Signature-Ed25519", "X-Signature-Timestamp")
            .deliveryIdField("id")
            .tolerance(FIVE_MINUTES)
            .secret("APPLICATION_PUBLIC_KEY (hex)", SecretShape.WHOLE)
            .documentation("Discord: Interactions, Receiving and Responding (Security and Authorization)")
            .handshake("PING (signed POST): answers {\"type\":1}", s -> Handshakes.discord())
            .family(
                s ->
                    new PublicKeyFamily(
                        PublicKeys.of(PublicKeys.Algorithm.ED25519, List.of(discordKey(s.secret))),
                        "X-Signature-Ed25519",
                        Encoding.HEX,
                        "X-Signature-Timestamp",
                        s.window))
            .build());
    all.add(
        Provider.builder("twitch", "Twitch EventSub")
            .scheme("HMAC-SHA256 of <message id><timestamp><body>, hex, Twitch-Eventsub-Message-Signature: sha256=<hex>")
            .headers("Twitch-Eventsub-Message-Signature", "Twitch-Eventsub-Message-Timestamp")
            .deliveryIdHeaders("Twitch-Eventsub-Message-Id")
            .tolerance(Duration.ofMinutes(10))
            .documentation("Twitch: Handling webhook events (Verifying the event message)")
            .handshake(
                "webhook_callback_verification (signed POST): answers the challenge", s -> Handshakes.twitch())
            .hmac(
                s ->
                    HmacFamily.builder(s.hmac("HmacSHA256"))
                        .signatureHeader("Twitch-Eventsub-Message-Signature")
                        .prefix("sha256=")
                        .timestampHeader("Twitch-Eventsub-Message-Timestamp", Format.RFC_3339)
                        .signedContent(header("Twitch-Eventsub-Message-Id"), TIMESTAMP, BODY))
            .build());
    all.add(
        Provider.builder("gitlab", "GitLab")
            .scheme("shared token compared in constant time, X-Gitlab-Token")
            .headers("X-Gitlab-Token")
            .deliveryIdHeaders("X-Gitlab-Event-UUID")
            .documentation("GitLab: Webhooks (Secret token)")
            .family(s -> TokenFamily.header(List.of(s.secret), "X-Gitlab-Token"))
            .build());
    all.add(
        Provider.builder("bitbucket", "Bitbucket Cloud")
            .scheme("HMAC-SHA256 of the body, hex, X-Hub-Signature: sha256=<hex>")
            .headers("X-Hub-Signature")
            .deliveryIdHeaders("X-Request-UUID")
            .documentation("Bitbucket Cloud: Manage webhooks (Secure webhooks)")
            .hmac(s -> bodyHmac(s, "HmacSHA256", "X-Hub-Signature", "sha256=", Encoding.HEX))
            .build());
    all.add(
        Provider.builder("jira", "Jira")
            .scheme("HMAC-SHA256 of the body, hex, X-Hub-Signature: sha256=<hex>")
            .headers("X-Hub-Signature")
            .deliveryIdHeaders("X-Atlassian-Webhook-Identifier")
            .documentation("Jira Cloud platform: Webhooks (Secure admin webhooks)")
            .hmac(s -> bodyHmac(s, "HmacSHA256", "X-Hub-Signature", "sha256=", Encoding.HEX))
            .build());
    all.add(
        Provider.builder("hubspot", "HubSpot (v3 signatures)")
            .scheme("HMAC-SHA256 of POST + URL + body + <timestamp ms>, base64, X-HubSpot-Signature-v3")
            .headers("X-HubSpot-Signature-v3", "X-HubSpot-Request-Timestamp")
            .tolerance(FIVE_MINUTES)
            .secret("CLIENT_SECRET:PUBLIC_URL (the target URL exactly as configured)", SecretShape.WITH_REQUIRED_SETTING)
            .documentation("HubSpot: Validating requests (v3 signature)")
            .hmac(
                s ->
                    HmacFamily.builder(s.hmac("HmacSHA256"))
                        .signatureHeader("X-HubSpot-Signature-v3")
                        .encoding(Encoding.BASE64)
                        .timestampHeader("X-HubSpot-Request-Timestamp", Format.UNIX_MILLIS)
                        .url(hubSpotDecoded(publicUrl(s)), false)
                        .signedContent(literal("POST"), URL, BODY, TIMESTAMP))
            .build());
    all.add(
        Provider.builder("intercom", "Intercom")
            .scheme("HMAC-SHA1 of the body with the client secret, hex, X-Hub-Signature: sha1=<hex>")
            .headers("X-Hub-Signature")
            .deliveryIdField("id")
            .documentation("Intercom: Webhooks (Signed notifications)")
            .hmac(s -> bodyHmac(s, "HmacSHA1", "X-Hub-Signature", "sha1=", Encoding.HEX))
            .build());
    all.add(
        Provider.builder("linear", "Linear")
            .scheme("HMAC-SHA256 of the body, hex, Linear-Signature; webhookTimestamp (ms) in the body")
            .headers("Linear-Signature")
            .deliveryIdHeaders("Linear-Delivery")
            .tolerance(Duration.ofMinutes(1))
            .documentation("Linear: Webhooks (Securing webhooks)")
            .hmac(
                s ->
                    bodyHmac(s, "HmacSHA256", "Linear-Signature", "", Encoding.HEX)
                        .timestampField("webhookTimestamp", Format.UNIX_MILLIS))
            .build());
    all.add(
        Provider.builder("mailgun", "Mailgun")
            .scheme("HMAC-SHA256 of signature.timestamp + signature.token, hex, signature.signature in the JSON body")
            .deliveryIdField("signature.token")
            .tolerance(FIVE_MINUTES)
            .secret("HTTP_WEBHOOK_SIGNING_KEY", SecretShape.WHOLE)
            .documentation("Mailgun: Securing webhooks")
            .hmac(
                s ->
                    HmacFamily.builder(s.hmac("HmacSHA256"))
                        .signatureField("signature.signature")
                        .timestampField("signature.timestamp", Format.UNIX_SECONDS)
                        .signedContent(TIMESTAMP, json("signature.token")))
            .build());
    all.add(
        Provider.builder("sendgrid", "SendGrid (Twilio SendGrid Event Webhook)")
            .scheme(
                "ECDSA P-256 SHA-256 of <timestamp><body>, base64 DER, X-Twilio-Email-Event-Webhook-Signature and"
                    + " -Timestamp")
            .headers("X-Twilio-Email-Event-Webhook-Signature", "X-Twilio-Email-Event-Webhook-Timestamp")
            .tolerance(FIVE_MINUTES)
            .secret("VERIFICATION_KEY (base64 of the public key)", SecretShape.WHOLE)
            .documentation("Twilio SendGrid: Getting Started with the Event Webhook Security Features")
            .family(
                s ->
                    new PublicKeyFamily(
                        PublicKeys.of(PublicKeys.Algorithm.ECDSA_P256_SHA256, List.of(sendGridKey(s.secret))),
                        "X-Twilio-Email-Event-Webhook-Signature",
                        Encoding.BASE64,
                        "X-Twilio-Email-Event-Webhook-Timestamp",
                        s.window))
            .build());
    all.add(
        Provider.builder("pagerduty", "PagerDuty (v3 webhooks)")
            .scheme("HMAC-SHA256 of the body, hex, X-PagerDuty-Signature: v1=<hex>[,v1=<hex>]")
            .headers("X-PagerDuty-Signature")
            .deliveryIdHeaders("X-Webhook-Id")
            .documentation("PagerDuty: Verifying Signatures (V3 webhooks)")
            .hmac(
                s ->
                    HmacFamily.builder(s.hmac("HmacSHA256"))
                        .signatureHeader("X-PagerDuty-Signature")
                        .signatureList(',', '=', "v1")
                        .signedContent(BODY))
            .build());
    all.add(
        Provider.builder("paddle", "Paddle Billing")
            .scheme("HMAC-SHA256 of <ts>:<body>, hex, Paddle-Signature: ts=<seconds>;h1=<hex>")
            .headers("Paddle-Signature")
            .deliveryIdField("event_id")
            .tolerance(FIVE_MINUTES)
            .documentation("Paddle: Verify webhook signatures")
            .hmac(
                s ->
                    HmacFamily.builder(s.hmac("HmacSHA256"))
                        .signatureHeader("Paddle-Signature")
                        .signatureList(';', '=', "h1")
                        .timestampInList("ts", Format.UNIX_SECONDS)
                        .signedContent(TIMESTAMP, literal(":"), BODY))
            .build());
    all.add(
        Provider.builder("sentry", "Sentry (integration platform)")
            .scheme("HMAC-SHA256 of the body with the client secret, hex, Sentry-Hook-Signature")
            .headers("Sentry-Hook-Signature")
            .deliveryIdHeaders("Request-ID")
            .documentation("Sentry: Integration Platform Webhooks (Verifying the signature)")
            .hmac(s -> bodyHmac(s, "HmacSHA256", "Sentry-Hook-Signature", "", Encoding.HEX))
            .build());
    all.add(
        Provider.builder("typeform", "Typeform")
            .scheme("HMAC-SHA256 of the body, base64, Typeform-Signature: sha256=<base64>")
            .headers("Typeform-Signature")
            .deliveryIdField("event_id")
            .documentation("Typeform: Secure your webhooks")
            .hmac(s -> bodyHmac(s, "HmacSHA256", "Typeform-Signature", "sha256=", Encoding.BASE64))
            .build());
    all.add(
        Provider.builder("calendly", "Calendly")
            .scheme("HMAC-SHA256 of <t>.<body>, hex, Calendly-Webhook-Signature: t=<seconds>,v1=<hex>")
            .headers("Calendly-Webhook-Signature")
            .tolerance(Duration.ofMinutes(3))
            .documentation("Calendly: Webhook signatures")
            .hmac(
                s ->
                    HmacFamily.builder(s.hmac("HmacSHA256"))
                        .signatureHeader("Calendly-Webhook-Signature")
                        .signatureList(',', '=', "v1")
                        .timestampInList("t", Format.UNIX_SECONDS)
                        .signedContent(TIMESTAMP, literal("."), BODY))
            .build());
    all.add(
        Provider.builder("dropbox", "Dropbox")
            .scheme("HMAC-SHA256 of the body with the app secret, hex, X-Dropbox-Signature")
            .headers("X-Dropbox-Signature")
            .secret("APP_SECRET", SecretShape.WHOLE)
            .documentation("Dropbox: Webhooks (Verification request, Receiving notifications)")
            .handshake("GET ?challenge=: echoes it", s -> Handshakes.dropbox())
            .hmac(s -> bodyHmac(s, "HmacSHA256", "X-Dropbox-Signature", "", Encoding.HEX))
            .build());
    all.add(
        Provider.builder("microsoft-graph", "Microsoft Graph change notifications")
            .scheme("clientState compared in constant time in every item of the JSON body's value array")
            .secret("CLIENT_STATE (as set on the subscription)", SecretShape.WHOLE)
            .documentation("Microsoft Graph: Receive change notifications through webhooks")
            .handshake("?validationToken= (POST or GET): echoes it as text/plain", s -> Handshakes.graph())
            .family(s -> TokenFamily.jsonItems(List.of(s.secret), "value", "clientState"))
            .build());
    all.add(
        Provider.builder("sns", "Amazon SNS (HTTP/S subscriptions)")
            .scheme("RSA (SignatureVersion 1 SHA1, 2 SHA256) over SNS's canonical fields, certificate at SigningCertURL")
            .headers(SnsVerifier.MESSAGE_TYPE_HEADER)
            .deliveryIdHeaders(SnsVerifier.MESSAGE_ID_HEADER)
            .contentTypes(TEXT, JSON)
            .secret("TOPIC_ARN[,TOPIC_ARN...] (the topics this source accepts)", SecretShape.WHOLE)
            .documentation("Amazon SNS: Verifying the signatures of Amazon SNS messages")
            .handshake("SubscriptionConfirmation (signed): confirmed by GET SubscribeURL, allowed topics only", null)
            .parts(
                s -> {
                  SnsVerifier verifier;
                  try {
                    verifier = SnsVerifier.builder().topicArns(split(s.secret)).clock(s.window.clock()).build();
                  } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("secret " + e.getMessage().replaceFirst("^\\S+ ", ""), e);
                  }
                  return new Parts(verifier, verifier.subscriptionHandshake());
                })
            .build());
    all.add(
        Provider.builder("x", "X (Twitter) Account Activity")
            .scheme("HMAC-SHA256 of the body with the consumer secret, base64, x-twitter-webhooks-signature: sha256=")
            .headers("x-twitter-webhooks-signature")
            .secret("CONSUMER_SECRET", SecretShape.WHOLE)
            .documentation("X: Securing webhooks (challenge-response check)")
            .handshake("GET ?crc_token=: answers its HMAC", s -> Handshakes.xCrc(s.hmac("HmacSHA256")))
            .hmac(s -> bodyHmac(s, "HmacSHA256", "x-twitter-webhooks-signature", "sha256=", Encoding.BASE64))
            .build());
    return List.copyOf(all);
  }

  /** Standard Webhooks, and the senders built on it that still use the {@code svix-} header names. */
  private static Provider.Builder standardWebhooks(String name, String title, String headerPrefix) {
    return Provider.builder(name, title)
        .scheme("HMAC-SHA256 (v1) or Ed25519 (v1a) of <id>.<timestamp>.<body>, base64, " + headerPrefix + "signature")
        .deliveryIdHeaders(headerPrefix + "id")
        .headers(headerPrefix + "timestamp", headerPrefix + "signature")
        .tolerance(FIVE_MINUTES)
        .secret("whsec_<base64> (or a whpk_<base64> Ed25519 public key for v1a)", SecretShape.WHOLE)
        .parts(
            s -> {
              StandardWebhooksVerifier.Builder builder =
                  StandardWebhooksVerifier.builder().tolerance(s.window.tolerance()).clock(s.window.clock());
              if (s.secret.startsWith("whpk_")) {
                builder.addPublicKey(s.secret);
              } else {
                builder.addSecret(s.secret);
              }
              try {
                StandardWebhooksVerifier verifier = builder.build();
                return new Parts(name.equals("standard-webhooks") ? verifier : new NamedVerifier(name, verifier), null);
              } catch (IllegalArgumentException e) {
                // "secrets[0] must be whsec_ followed by base64": name the field the caller knows.
                throw new IllegalArgumentException("secret " + e.getMessage().replaceFirst("^\\S+ ", ""), e);
              }
            });
  }

  /** An HMAC of the body alone, in one header after a fixed prefix. */
  private static HmacFamily.Builder bodyHmac(
      Provider.Settings s, String algorithm, String header, String prefix, Encoding encoding) {
    return HmacFamily.builder(s.hmac(algorithm))
        .signatureHeader(header)
        .prefix(prefix)
        .encoding(encoding)
        .signedContent(BODY);
  }

  /** The public URL written after the secret: an absolute http(s) URL. */
  private static String publicUrl(Provider.Settings s) {
    String url = s.setting.trim();
    if (!url.startsWith("https://") && !url.startsWith("http://")) {
      throw new IllegalArgumentException(
          "secret must be " + s.provider.secretFormat() + ": the URL must start with https:// or http://");
    }
    return url;
  }

  /** HubSpot signs its URI with these escapes decoded (and no others), as its documentation lists. */
  private static String hubSpotDecoded(String url) {
    String[][] escapes = {
      {"%3A", ":"}, {"%2F", "/"}, {"%3F", "?"}, {"%40", "@"}, {"%21", "!"}, {"%24", "$"},
      {"%27", "'"}, {"%28", "("}, {"%29", ")"}, {"%2A", "*"}, {"%2C", ","}, {"%3B", ";"}
    };
    String decoded = url;
    for (String[] escape : escapes) {
      decoded = decoded.replace(escape[0], escape[1]).replace(escape[0].toLowerCase(Locale.ROOT), escape[1]);
    }
    return decoded;
  }

  private static PublicKey discordKey(String hex) {
    byte[] raw = Codec.hex(hex.trim());
    if (raw == null) {
      throw new IllegalArgumentException("secret must be the application's public key in hex");
    }
    return PublicKeys.ed25519(raw, "secret");
  }

  private static PublicKey sendGridKey(String base64) {
    String text = base64.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "");
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("secret must be the verification key, base64");
    }
    return PublicKeys.ecdsaP256(der, "secret");
  }

  private static List<String> split(String list) {
    List<String> items = new ArrayList<>();
    for (String item : list.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException("secret must name at least one topic ARN");
    }
    return items;
  }
}
