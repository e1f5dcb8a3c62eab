package dev.hookline.core.signature;

import static dev.hookline.core.signature.TestSigning.clockAt;
import static dev.hookline.core.signature.TestSigning.headers;
import static dev.hookline.core.signature.TestSigning.hmacSha256Base64;
import static dev.hookline.core.signature.TestSigning.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.WebhookHeaders;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardWebhooksVerifierTest {

  // The test vector of the official Standard Webhooks libraries (standard-webhooks/standard-webhooks, e.g.
  // libraries/javascript/src/index.test.ts and the Svix libraries' tests it came from).
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330L;
  private static final String BODY_TEXT = "{\"test\": 2432232314}";
  private static final byte[] BODY = utf8(BODY_TEXT);
  private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  private static StandardWebhooksVerifier verifierAt(long now) {
    return StandardWebhooksVerifier.builder().addSecret(SECRET).clock(clockAt(now)).build();
  }

  private static WebhookHeaders signed(String id, String timestamp, String signature) {
    return headers("webhook-id", id, "webhook-timestamp", timestamp, "webhook-signature", signature);
  }

  @Test
  void acceptsThePublishedVector() {
    assertThatCode(() -> verifierAt(TIMESTAMP).verify(signed(ID, "1614265330", SIGNATURE), BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void acceptsSvixHeaderAliases() {
    WebhookHeaders svix = headers("svix-id", ID, "svix-timestamp", "1614265330", "svix-signature", SIGNATURE);
    StandardWebhooksVerifier v = verifierAt(TIMESTAMP);
    assertThatCode(() -> v.verify(svix, BODY)).doesNotThrowAnyException();
    assertThat(v.deliveryId(svix, BODY)).contains(ID);
  }

  @Test
  void acceptsSecretWithoutPrefix() {
    StandardWebhooksVerifier v =
        StandardWebhooksVerifier.builder().addSecret(SECRET.substring(6)).clock(clockAt(TIMESTAMP)).build();
    assertThatCode(() -> v.verify(signed(ID, "1614265330", SIGNATURE), BODY)).doesNotThrowAnyException();
  }

  @Test
  void deliveryIdIsWebhookId() {
    assertThat(verifierAt(TIMESTAMP).deliveryId(signed(ID, "1614265330", SIGNATURE), BODY)).contains(ID);
  }

  @Test
  void anyEntryMaySignAndUnknownVersionsAreIgnored() {
    String header = "v2,AAAA v1,bm90IHRoZSBzaWduYXR1cmU= garbage v1,%%% " + SIGNATURE;
    assertThatCode(() -> verifierAt(TIMESTAMP).verify(signed(ID, "1614265330", header), BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsWrongSecret() {
    StandardWebhooksVerifier other =
        StandardWebhooksVerifier.builder()
            .addSecret("whsec_" + Base64.getEncoder().encodeToString(utf8("another secret")))
            .clock(clockAt(TIMESTAMP))
            .build();
    assertThatThrownBy(() -> other.verify(signed(ID, "1614265330", SIGNATURE), BODY))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("signature mismatch");
  }

  @Test
  void rejectsTamperedBodyIdAndTimestamp() {
    StandardWebhooksVerifier v = verifierAt(TIMESTAMP);
    assertThatThrownBy(() -> v.verify(signed(ID, "1614265330", SIGNATURE), utf8("{\"test\": 2432232315}")))
        .hasMessage("signature mismatch");
    assertThatThrownBy(() -> v.verify(signed(ID + "x", "1614265330", SIGNATURE), BODY))
        .hasMessage("signature mismatch");
    assertThatThrownBy(() -> v.verify(signed(ID, "1614265331", SIGNATURE), BODY)).hasMessage("signature mismatch");
  }

  @Test
  void rejectsStaleAndFutureTimestamps() {
    assertThatCode(() -> verifierAt(TIMESTAMP - 300).verify(signed(ID, "1614265330", SIGNATURE), BODY))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> verifierAt(TIMESTAMP + 301).verify(signed(ID, "1614265330", SIGNATURE), BODY))
        .hasMessage("webhook-timestamp outside tolerance: too old");
    assertThatThrownBy(() -> verifierAt(TIMESTAMP - 301).verify(signed(ID, "1614265330", SIGNATURE), BODY))
        .hasMessage("webhook-timestamp outside tolerance: in the future");
    StandardWebhooksVerifier wide =
        StandardWebhooksVerifier.builder()
            .addSecret(SECRET)
            .tolerance(Duration.ofHours(1))
            .clock(clockAt(TIMESTAMP + 3600))
            .build();
    assertThatCode(() -> wide.verify(signed(ID, "1614265330", SIGNATURE), BODY)).doesNotThrowAnyException();
  }

  @Test
  void rejectsMissingDuplicatedAndMalformedHeaders() {
    StandardWebhooksVerifier v = verifierAt(TIMESTAMP);
    assertThatThrownBy(() -> v.verify(headers("webhook-timestamp", "1614265330", "webhook-signature", SIGNATURE), BODY))
        .hasMessage("webhook-id header missing");
    assertThatThrownBy(() -> v.verify(headers("webhook-id", ID, "webhook-signature", SIGNATURE), BODY))
        .hasMessage("webhook-timestamp header missing");
    assertThatThrownBy(() -> v.verify(headers("webhook-id", ID, "webhook-timestamp", "1614265330"), BODY))
        .hasMessage("webhook-signature header missing");
    WebhookHeaders twice = signed(ID, "1614265330", SIGNATURE).toBuilder().add("Webhook-Signature", "v1,x").build();
    assertThatThrownBy(() -> v.verify(twice, BODY)).hasMessage("webhook-signature header duplicated");
    assertThatThrownBy(() -> v.verify(signed(ID, "1614265330", "g0hM9SsE+OTPJTGt"), BODY))
        .hasMessage("webhook-signature header malformed: no version,signature entry");
    assertThatThrownBy(() -> v.verify(signed(ID, "2021-02-25T15:02:10Z", SIGNATURE), BODY))
        .hasMessage("webhook-timestamp malformed: expected Unix seconds");
    assertThatThrownBy(() -> v.verify(signed(ID, "1614265330", "v1,not-base64!"), BODY))
        .hasMessage("signature mismatch");
  }

  @Test
  void acceptsOldAndNewSecretWhileRotating() {
    String oldSecret = "whsec_" + Base64.getEncoder().encodeToString(utf8("the old secret bytes"));
    StandardWebhooksVerifier rotating =
        StandardWebhooksVerifier.builder().secrets(List.of(oldSecret, SECRET)).clock(clockAt(TIMESTAMP)).build();
    String oldSig = "v1," + hmacSha256Base64(utf8("the old secret bytes"), ID + ".1614265330." + BODY_TEXT);
    assertThatCode(() -> rotating.verify(signed(ID, "1614265330", oldSig), BODY)).doesNotThrowAnyException();
    assertThatCode(() -> rotating.verify(signed(ID, "1614265330", SIGNATURE), BODY)).doesNotThrowAnyException();
    assertThat(rotating.toString()).contains("secrets=2");
  }

  @Test
  void v1aAcceptsAnEd25519SignatureMadeWithTheJdk() throws GeneralSecurityException {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String header = "v1a," + ed25519(pair, ID + ".1614265330." + BODY_TEXT);
    StandardWebhooksVerifier v =
        StandardWebhooksVerifier.builder().addPublicKey(whpk(pair.getPublic())).clock(clockAt(TIMESTAMP)).build();
    assertThatCode(() -> v.verify(signed(ID, "1614265330", header), BODY)).doesNotThrowAnyException();
    assertThatThrownBy(() -> v.verify(signed(ID, "1614265330", header), utf8("{\"test\": 1}")))
        .hasMessage("signature mismatch");
    // A v1 HMAC entry cannot satisfy a verifier that only has a public key.
    assertThatThrownBy(() -> v.verify(signed(ID, "1614265330", SIGNATURE), BODY)).hasMessage("signature mismatch");
    assertThat(v.toString()).contains("publicKeys=1", "secrets=0");
  }

  @Test
  void v1aRejectsAWrongKey() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
    KeyPair signer = generator.generateKeyPair();
    KeyPair other = generator.generateKeyPair();
    String header = "v1a," + ed25519(signer, ID + ".1614265330." + BODY_TEXT);
    StandardWebhooksVerifier v =
        StandardWebhooksVerifier.builder().addPublicKey(whpk(other.getPublic())).clock(clockAt(TIMESTAMP)).build();
    assertThatThrownBy(() -> v.verify(signed(ID, "1614265330", header), BODY))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage("signature mismatch");
  }

  @Test
  void v1aAndV1EntriesMixWithRotatedKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
    KeyPair oldPair = generator.generateKeyPair();
    KeyPair newPair = generator.generateKeyPair();
    StandardWebhooksVerifier v =
        StandardWebhooksVerifier.builder()
            .addSecret(SECRET)
            .publicKeys(List.of(whpk(oldPair.getPublic()), whpk(newPair.getPublic())))
            .clock(clockAt(TIMESTAMP))
            .build();
    String header = "v1,AAAA v1a," + ed25519(oldPair, ID + ".1614265330." + BODY_TEXT);
    assertThatCode(() -> v.verify(signed(ID, "1614265330", header), BODY)).doesNotThrowAnyException();
    assertThatCode(() -> v.verify(signed(ID, "1614265330", "v1a,AAAA " + SIGNATURE), BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void buildNamesTheField() throws GeneralSecurityException {
    assertThatThrownBy(() -> StandardWebhooksVerifier.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets ");
    assertThatThrownBy(() -> StandardWebhooksVerifier.builder().addSecret("whsec_not base64!").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets[0] ")
        .hasMessageNotContaining("not base64!");
    assertThatThrownBy(() -> StandardWebhooksVerifier.builder().addSecret(SECRET).addSecret("whsec_").build())
        .hasMessageStartingWith("secrets[1] ");
    assertThatThrownBy(() -> StandardWebhooksVerifier.builder().addPublicKey("whpk_AAAA").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("publicKeys[0] must decode to 32 bytes");
    assertThatThrownBy(() -> StandardWebhooksVerifier.builder().addPublicKey("whpk_***").build())
        .hasMessageStartingWith("publicKeys[0] ");
    assertThatThrownBy(
            () -> StandardWebhooksVerifier.builder().addSecret(SECRET).tolerance(Duration.ofSeconds(-1)).build())
        .hasMessageStartingWith("tolerance ");
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertThatCode(() -> StandardWebhooksVerifier.builder().addPublicKey(whpk(pair.getPublic())).build())
        .doesNotThrowAnyException();
  }

  @Test
  void toStringShowsSchemeAndCountButNoSecret() {
    assertThat(verifierAt(TIMESTAMP).toString())
        .contains("standard-webhooks", "secrets=1")
        .doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  }

  private static String ed25519(KeyPair pair, String content) throws GeneralSecurityException {
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(pair.getPrivate());
    signer.update(utf8(content));
    return Base64.getEncoder().encodeToString(signer.sign());
  }

  /** The raw key is the last 32 bytes of the JDK's X.509 encoding (RFC 8410). */
  private static String whpk(PublicKey key) {
    byte[] der = key.getEncoded();
    return "whpk_" + Base64.getEncoder().encodeToString(Arrays.copyOfRange(der, der.length - 32, der.length));
  }
}
