package dev.hookline.core.signature;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Handshake;
import dev.hookline.core.InboundRequest;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.RejectReason;
import dev.hookline.core.signature.SignatureVerificationException.Check;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nine built-in URL handshakes. Each is small and explicit: how it is recognised, what it checks, what it answers.
 * None is ever enqueued; the receiver reports each answer to its listener.
 *
 * <p>Echoed challenges are bounded and restricted to printable characters, and answered with {@code nosniff}. Where
 * the answer is an HMAC of a value the requester chose (X's CRC), the value is restricted to characters that cannot
 * form a JSON body, so the answer can never serve as a signature over a webhook the sender did not send.
 */
final class Handshakes {

  private static final Logger log = LoggerFactory.getLogger(Handshakes.class);

  /** A challenge to echo: printable ASCII, bounded. */
  private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]{1,1024}");

  /** X's crc_token: token characters only, never '{' or '"', so its HMAC cannot sign a JSON body. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{1,256}");

  private static final Set<String> GET = Set.of("GET");

  private Handshakes() {}

  /**
   * Slack's Events API {@code url_verification}: a signed JSON body {@code {"type":"url_verification","challenge":..}};
   * answers {@code {"challenge":..}}.
   */
  static Handshake slack() {
    return signed(
        "slack.url_verification",
        request -> {
          if (!"url_verification".equals(JsonFields.topLevelString(request.body(), "type").orElse(""))) {
            return Optional.empty();
          }
          String challenge = printable(new JsonBody(request.body()).text("challenge"), "challenge field");
          return Optional.of(json("slack.url_verification", "challenge", challenge));
        });
  }

  /**
   * Meta's (Facebook, Instagram, WhatsApp) subscription check: {@code GET ?hub.mode=subscribe&hub.verify_token=..&
   * hub.challenge=..}; the verify token is compared in constant time and the challenge echoed as text. Without a
   * configured verify token every such request is refused.
   */
  static Handshake meta(String verifyToken) {
    byte[] expected =
        verifyToken == null || verifyToken.isEmpty() ? null : verifyToken.getBytes(StandardCharsets.UTF_8);
    return unsigned(
        "meta.verify_token",
        GET,
        request -> {
          if (!"GET".equals(request.method())) {
            return Optional.empty();
          }
          Optional<String> mode = single(request, "hub.mode");
          if (mode.isEmpty()) {
            return Optional.empty();
          }
          if (!"subscribe".equals(mode.get())) {
            throw new SignatureVerificationException(Check.MALFORMED, "hub.mode parameter is not subscribe");
          }
          String token = single(request, "hub.verify_token").orElse("");
          if (expected == null) {
            throw new SignatureVerificationException(Check.TOKEN, "no verify token is configured for this source");
          }
          if (!MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8))) {
            throw new SignatureVerificationException(Check.TOKEN, "hub.verify_token parameter does not match");
          }
          String challenge =
              printable(required(single(request, "hub.challenge"), "hub.challenge parameter"), "hub.challenge");
          return Optional.of(ReceiveResult.Answered.text("meta.verify_token", challenge));
        });
  }

  /**
   * Zoom's {@code endpoint.url_validation}: a signed JSON body with {@code payload.plainToken}; answers {@code
   * {"plainToken":..,"encryptedToken":<hex HMAC-SHA256 of it>}}.
   */
  static Handshake zoom(HmacKeys keys) {
    return signed(
        "zoom.url_validation",
        request -> {
          if (!"endpoint.url_validation".equals(JsonFields.topLevelString(request.body(), "event").orElse(""))) {
            return Optional.empty();
          }
          String plain = printable(new JsonBody(request.body()).text("payload.plainToken"), "payload.plainToken");
          String encrypted = HexFormat.of().formatHex(keys.macWithFirstKey(plain.getBytes(StandardCharsets.UTF_8)));
          ObjectNode answer = JsonBody.mapper().createObjectNode();
          answer.put("plainToken", plain);
          answer.put("encryptedToken", encrypted);
          return Optional.of(ReceiveResult.Answered.json("zoom.url_validation", write(answer)));
        });
  }

  /**
   * X's (Twitter's) challenge-response check: {@code GET ?crc_token=..}; answers {@code {"response_token":"sha256=<base64
   * HMAC-SHA256 of the token>"}}.
   */
  static Handshake xCrc(HmacKeys keys) {
    return unsigned(
        "x.crc",
        GET,
        request -> {
          if (!"GET".equals(request.method())) {
            return Optional.empty();
          }
          Optional<String> token = single(request, "crc_token");
          if (token.isEmpty()) {
            return Optional.empty();
          }
          if (!TOKEN.matcher(token.get()).matches()) {
            throw new SignatureVerificationException(Check.MALFORMED, "crc_token parameter malformed");
          }
          byte[] mac = keys.macWithFirstKey(token.get().getBytes(StandardCharsets.UTF_8));
          return Optional.of(
              json("x.crc", "response_token", "sha256=" + Base64.getEncoder().encodeToString(mac)));
        });
  }

  /** Dropbox's endpoint check: {@code GET ?challenge=..}, echoed as text. There is nothing to verify. */
  static Handshake dropbox() {
    return echo("dropbox.challenge", "challenge", GET);
  }

  /**
   * Microsoft Graph's notification URL validation: {@code ?validationToken=..} (a POST with an empty text body, or a
   * GET), echoed as text. There is nothing to verify; notifications are then checked by their {@code clientState}.
   */
  static Handshake graph() {
    return echo("graph.validation", "validationToken", GET);
  }

  /**
   * Twitch EventSub's {@code webhook_callback_verification}: signed like its notifications, with the {@code
   * Twitch-Eventsub-Message-Type} header saying so; answers the body's {@code challenge} as text.
   */
  static Handshake twitch() {
    return signed(
        "twitch.webhook_callback_verification",
        request -> {
          Optional<String> type = request.headers().first("Twitch-Eventsub-Message-Type").map(String::trim);
          if (!"webhook_callback_verification".equals(type.orElse(""))) {
            return Optional.empty();
          }
          String challenge = printable(new JsonBody(request.body()).text("challenge"), "challenge field");
          return Optional.of(ReceiveResult.Answered.text("twitch.webhook_callback_verification", challenge));
        });
  }

  /** Discord's interactions {@code PING} ({@code {"type":1}}), signed with Ed25519; answers {@code {"type":1}}. */
  static Handshake discord() {
    return signed(
        "discord.ping",
        request -> {
          Optional<JsonNode> root = JsonBody.parse(request.body());
          JsonNode type = root.map(r -> r.get("type")).orElse(null);
          if (type == null || !type.isIntegralNumber() || type.asInt() != 1) {
            return Optional.empty();
          }
          return Optional.of(ReceiveResult.Answered.json("discord.ping", "{\"type\":1}"));
        });
  }

  /**
   * Amazon SNS's {@code SubscriptionConfirmation}, already verified (signature and allowed topic): confirmed by
   * fetching its {@code SubscribeURL} on an SNS host, then answered 200; a failed fetch is a 503 so that SNS sends it
   * again. A verified {@code UnsubscribeConfirmation} is answered 200 and nothing else happens.
   */
  static Handshake sns(SnsVerifier verifier) {
    return signed(
        "sns.subscription",
        request -> {
          String type = JsonFields.topLevelString(request.body(), "Type").orElse("");
          if (SnsVerifier.UNSUBSCRIBE_CONFIRMATION.equals(type)) {
            return Optional.of(ReceiveResult.Answered.json("sns.unsubscribe_confirmation", "{\"status\":\"ok\"}"));
          }
          if (!SnsVerifier.SUBSCRIPTION_CONFIRMATION.equals(type)) {
            return Optional.empty();
          }
          String subscribeUrl = new JsonBody(request.body()).text("SubscribeURL");
          try {
            verifier.confirm(subscribeUrl);
          } catch (IOException | RuntimeException e) {
            if (e instanceof SignatureVerificationException) {
              throw (SignatureVerificationException) e;
            }
            log.warn("SNS subscription could not be confirmed; answering 503 so SNS retries. error={}", e.toString());
            // The receiver adds its own Retry-After to a 503.
            return Optional.of(
                ReceiveResult.Rejected.of(RejectReason.SINK_UNAVAILABLE, "temporarily unavailable, retry later"));
          }
          return Optional.of(ReceiveResult.Answered.json("sns.subscription_confirmation", "{\"status\":\"confirmed\"}"));
        });
  }

  private static Handshake echo(String name, String parameter, Set<String> methods) {
    return unsigned(
        name,
        methods,
        request -> {
          Optional<String> value = single(request, parameter);
          if (value.isEmpty()) {
            return Optional.empty();
          }
          return Optional.of(ReceiveResult.Answered.text(name, printable(value.get(), parameter + " parameter")));
        });
  }

  /** Returns the parameter's only value; one sent twice is refused rather than guessed at. */
  private static Optional<String> single(InboundRequest request, String name) {
    List<String> values = request.queryParameters(name);
    if (values.size() > 1) {
      throw new SignatureVerificationException(Check.DUPLICATED, name + " parameter duplicated");
    }
    return values.stream().findFirst();
  }

  private static String required(Optional<String> value, String what) {
    return value.filter(v -> !v.isEmpty())
        .orElseThrow(() -> new SignatureVerificationException(Check.MISSING, what + " missing"));
  }

  private static String printable(String value, String what) {
    if (!PRINTABLE.matcher(value).matches()) {
      throw new SignatureVerificationException(Check.MALFORMED, what + " malformed: expected printable text");
    }
    return value;
  }

  private static ReceiveResult json(String name, String field, String value) {
    ObjectNode answer = JsonBody.mapper().createObjectNode();
    answer.put(field, value);
    return ReceiveResult.Answered.json(name, write(answer));
  }

  private static String write(ObjectNode node) {
    try {
      return JsonBody.mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a small JSON object", e);
    }
  }

  private static Handshake signed(String name, Function<InboundRequest, Optional<ReceiveResult>> answer) {
    return new Simple(name, true, Set.of(), answer);
  }

  private static Handshake unsigned(
      String name, Set<String> methods, Function<InboundRequest, Optional<ReceiveResult>> answer) {
    return new Simple(name, false, methods, answer);
  }

  /** A handshake given by its name, phase, methods and answer. */
  private static final class Simple implements Handshake {
    private final String name;
    private final boolean signed;
    private final Set<String> methods;
    private final Function<InboundRequest, Optional<ReceiveResult>> answer;

    Simple(String name, boolean signed, Set<String> methods, Function<InboundRequest, Optional<ReceiveResult>> answer) {
      this.name = name;
      this.signed = signed;
      this.methods = methods;
      this.answer = answer;
    }

    @Override
    public Set<String> methods() {
      return methods;
    }

    @Override
    public boolean signed() {
      return signed;
    }

    @Override
    public Optional<ReceiveResult> answer(InboundRequest request) {
      return answer.apply(request);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
