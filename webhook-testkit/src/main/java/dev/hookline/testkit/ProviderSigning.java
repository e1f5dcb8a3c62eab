package dev.hookline.testkit;

import dev.hookline.core.WebhookHeaders;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs as each catalog provider that keys with a shared secret does, written from the providers' documentation and
 * not from the catalog's presets, so that a mistake in one cannot hide in the other. Providers that sign with a
 * private key (Discord, SendGrid, Amazon SNS, Standard Webhooks {@code v1a}) are not here: a shared secret cannot sign
 * for them.
 */
final class ProviderSigning {

  /** The providers this class signs for, in the catalog's names. */
  static final List<String> PROVIDERS =
      List.of(
          "standard-webhooks", "svix", "clerk", "resend", "github", "stripe", "shopify", "slack", "twilio", "meta",
          "zoom", "square", "twitch", "gitlab", "bitbucket", "jira", "hubspot", "intercom", "linear", "mailgun",
          "pagerduty", "paddle", "sentry", "typeform", "calendly", "dropbox", "microsoft-graph", "x");

  private static final Map<String, String> ASYMMETRIC =
      Map.of(
          "discord", "an Ed25519 private key",
          "sendgrid", "an ECDSA private key",
          "sns", "Amazon SNS's private key");

  private ProviderSigning() {}

  /**
   * Checks that a provider can be signed for with a secret.
   *
   * @throws IllegalArgumentException starting with {@code provider} otherwise
   */
  static String check(String provider, String secret) {
    String name = provider.trim().toLowerCase(Locale.ROOT);
    if (ASYMMETRIC.containsKey(name) || (name.equals("standard-webhooks") && secret.startsWith("whpk_"))) {
      String key = ASYMMETRIC.getOrDefault(name, "an Ed25519 private key");
      throw new IllegalArgumentException(
          "provider " + name + " verifies public-key signatures: only " + key + " can sign its requests");
    }
    if (!PROVIDERS.contains(name)) {
      throw new IllegalArgumentException(
          "provider must be one of " + String.join(", ", PROVIDERS) + " to be signed with a secret, was '" + provider
              + "'");
    }
    return name;
  }

  /** The secret before the first colon, for providers whose secret text carries a setting after it. */
  static String key(String provider, String secret) {
    if (provider.equals("twilio") || provider.equals("square") || provider.equals("hubspot") || provider.equals("meta")) {
      int colon = secret.indexOf(':');
      return colon < 0 ? secret : secret.substring(0, colon);
    }
    return secret;
  }

  /** The public URL after the first colon (Twilio, Square, HubSpot), or null. */
  static String url(String provider, String secret) {
    if (provider.equals("twilio") || provider.equals("square") || provider.equals("hubspot")) {
      int colon = secret.indexOf(':');
      return colon < 0 ? null : secret.substring(colon + 1);
    }
    return null;
  }

  /** The body as sent: for Linear, Mailgun and Microsoft Graph the signed data lives in the body. */
  static byte[] body(String provider, String secret, long seconds, String id, byte[] content) {
    String text = new String(content, StandardCharsets.UTF_8);
    switch (provider) {
      case "linear":
        String trimmed = text.trim();
        String rest = trimmed.startsWith("{") ? trimmed.substring(1) : "\"data\":" + trimmed + "}";
        String separator = rest.trim().equals("}") ? "" : ",";
        return utf8("{\"webhookTimestamp\":" + (seconds * 1000) + separator + rest);
      case "mailgun":
        String signature = hex(hmac("HmacSHA256", utf8(secret), utf8(seconds + id)));
        return utf8(
            "{\"signature\":{\"timestamp\":\"" + seconds + "\",\"token\":\"" + id + "\",\"signature\":\"" + signature
                + "\"},\"event-data\":" + text + "}");
      case "microsoft-graph":
        return utf8(
            "{\"value\":[{\"subscriptionId\":\"" + id + "\",\"clientState\":\"" + secret + "\",\"resourceData\":"
                + text + "}]}");
      default:
        return content;
    }
  }

  /**
   * Adds the provider's signature headers for the body as sent.
   *
   * @param h the headers so far (content type, id); signature headers are added here
   * @param key the HMAC key or token (already altered when a wrong secret was asked for)
   * @param signature whether to add the signature itself
   */
  static void sign(
      String provider,
      WebhookHeaders.Builder h,
      byte[] key,
      String url,
      String id,
      long seconds,
      byte[] body,
      String contentType,
      boolean signature) {
    String ts = Long.toString(seconds);
    switch (provider) {
      case "standard-webhooks":
      case "svix":
      case "clerk":
      case "resend":
        {
          String prefix = provider.equals("standard-webhooks") ? "webhook-" : "svix-";
          h.add(prefix + "id", id).add(prefix + "timestamp", ts);
          add(h, signature, prefix + "signature", "v1," + b64(hmac("HmacSHA256", key, join(id + "." + ts + ".", body))));
          break;
        }
      case "github":
        h.add("X-GitHub-Delivery", id);
        add(h, signature, "X-Hub-Signature-256", "sha256=" + hex(hmac("HmacSHA256", key, body)));
        break;
      case "meta":
        add(h, signature, "X-Hub-Signature-256", "sha256=" + hex(hmac("HmacSHA256", key, body)));
        break;
      case "stripe":
        add(h, signature, "Stripe-Signature", "t=" + ts + ",v1=" + hex(hmac("HmacSHA256", key, join(ts + ".", body))));
        break;
      case "shopify":
        h.add("X-Shopify-Webhook-Id", id);
        add(h, signature, "X-Shopify-Hmac-Sha256", b64(hmac("HmacSHA256", key, body)));
        break;
      case "slack":
        h.add("X-Slack-Request-Timestamp", ts);
        add(h, signature, "X-Slack-Signature", "v0=" + hex(hmac("HmacSHA256", key, join("v0:" + ts + ":", body))));
        break;
      case "zoom":
        h.add("x-zm-request-timestamp", ts);
        add(h, signature, "x-zm-signature", "v0=" + hex(hmac("HmacSHA256", key, join("v0:" + ts + ":", body))));
        break;
      case "twilio":
        h.add("I-Twilio-Idempotency-Token", id);
        add(h, signature, "X-Twilio-Signature", b64(hmac("HmacSHA1", key, utf8(twilioSigned(url, body, contentType)))));
        break;
      case "square":
        add(h, signature, "x-square-hmacsha256-signature", b64(hmac("HmacSHA256", key, join(url, body))));
        break;
      case "twitch":
        {
          String time = Instant.ofEpochSecond(seconds).toString();
          h.add("Twitch-Eventsub-Message-Id", id)
              .add("Twitch-Eventsub-Message-Timestamp", time)
              .add("Twitch-Eventsub-Message-Type", "notification");
          add(
              h,
              signature,
              "Twitch-Eventsub-Message-Signature",
              "sha256=" + hex(hmac("HmacSHA256", key, join(id + time, body))));
          break;
        }
      case "gitlab":
        h.add("X-Gitlab-Event-UUID", id);
        add(h, signature, "X-Gitlab-Token", new String(key, StandardCharsets.UTF_8));
        break;
      case "bitbucket":
        h.add("X-Request-UUID", id);
        add(h, signature, "X-Hub-Signature", "sha256=" + hex(hmac("HmacSHA256", key, body)));
        break;
      case "jira":
        h.add("X-Atlassian-Webhook-Identifier", id);
        add(h, signature, "X-Hub-Signature", "sha256=" + hex(hmac("HmacSHA256", key, body)));
        break;
      case "hubspot":
        {
          String millis = Long.toString(seconds * 1000);
          h.add("X-HubSpot-Request-Timestamp", millis);
          byte[] signed = join("POST" + hubSpotUri(url), join(new String(body, StandardCharsets.UTF_8), utf8(millis)));
          add(h, signature, "X-HubSpot-Signature-v3", b64(hmac("HmacSHA256", key, signed)));
          break;
        }
      case "intercom":
        add(h, signature, "X-Hub-Signature", "sha1=" + hex(hmac("HmacSHA1", key, body)));
        break;
      case "linear":
        h.add("Linear-Delivery", id);
        add(h, signature, "Linear-Signature", hex(hmac("HmacSHA256", key, body)));
        break;
      case "mailgun":
      case "microsoft-graph":
        // Signed in the body; nothing to add.
        break;
      case "pagerduty":
        h.add("X-Webhook-Id", id);
        add(h, signature, "X-PagerDuty-Signature", "v1=" + hex(hmac("HmacSHA256", key, body)));
        break;
      case "paddle":
        add(h, signature, "Paddle-Signature", "ts=" + ts + ";h1=" + hex(hmac("HmacSHA256", key, join(ts + ":", body))));
        break;
      case "sentry":
        h.add("Request-ID", id);
        add(h, signature, "Sentry-Hook-Signature", hex(hmac("HmacSHA256", key, body)));
        break;
      case "typeform":
        add(h, signature, "Typeform-Signature", "sha256=" + b64(hmac("HmacSHA256", key, body)));
        break;
      case "calendly":
        add(
            h,
            signature,
            "Calendly-Webhook-Signature",
            "t=" + ts + ",v1=" + hex(hmac("HmacSHA256", key, join(ts + ".", body))));
        break;
      case "dropbox":
        add(h, signature, "X-Dropbox-Signature", hex(hmac("HmacSHA256", key, body)));
        break;
      case "x":
        add(h, signature, "x-twitter-webhooks-signature", "sha256=" + b64(hmac("HmacSHA256", key, body)));
        break;
      default:
        throw new IllegalStateException("no signer for " + provider);
    }
  }

  /** Twilio: the URL (with bodySHA256 for a JSON body), then each form name and value sorted by name. */
  private static String twilioSigned(String url, byte[] body, String contentType) {
    if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      return url + (url.contains("?") ? "&" : "?") + "bodySHA256=" + hex(sha256(body));
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
      if (!pair.isEmpty()) {
        String[] kv = pair.split("=", 2);
        sorted.put(
            URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
      }
    }
    StringBuilder signed = new StringBuilder(url);
    sorted.forEach((name, value) -> signed.append(name).append(value));
    return signed.toString();
  }

  /** HubSpot signs its URI with a few escapes decoded: {@code %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B}. */
  private static String hubSpotUri(String url) {
    String decoded = url;
    String[] escapes = {"3A", "2F", "3F", "40", "21", "24", "27", "28", "29", "2A", "2C", "3B"};
    for (String escape : escapes) {
      String character = String.valueOf((char) Integer.parseInt(escape, 16));
      decoded = decoded.replace("%" + escape, character).replace("%" + escape.toLowerCase(Locale.ROOT), character);
    }
    return decoded;
  }

  private static void add(WebhookHeaders.Builder h, boolean signature, String name, String value) {
    if (signature) {
      h.add(name, value);
    }
  }

  static byte[] hmac(String algorithm, byte[] key, byte[] content) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      return mac.doFinal(content);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot compute " + algorithm, e);
    }
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private static byte[] join(String head, byte[] content) {
    byte[] prefix = utf8(head);
    byte[] all = Arrays.copyOf(prefix, prefix.length + content.length);
    System.arraycopy(content, 0, all, prefix.length, content.length);
    return all;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
