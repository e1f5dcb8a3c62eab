package dev.hookline.benchmarks;

import dev.hookline.core.InboundRequest;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.GitHubVerifier;
import dev.hookline.core.signature.HmacVerifier;
import dev.hookline.core.signature.ShopifyVerifier;
import dev.hookline.core.signature.SignatureVerifier;
import dev.hookline.core.signature.SlackVerifier;
import dev.hookline.core.signature.StandardWebhooksVerifier;
import dev.hookline.core.signature.StripeVerifier;
import dev.hookline.testkit.SignedRequest;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Verifying one valid signature per call, for each built-in scheme and body size: header parsing, the MAC (or the
 * Ed25519 check for Standard Webhooks v1a) over the signed content, and the constant-time comparison.
 *
 * <p>Requests are signed by the test kit's independent signer at a fixed instant, and every verifier reads a fixed
 * clock at that instant, so the timestamp check always passes however long the run takes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignatureBenchmark {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final String STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SECRET = "bench-secret-0123456789";

  /** The scheme: Standard Webhooks v1 (HMAC) and v1a (Ed25519), GitHub, Stripe, Shopify, Slack, generic HMAC. */
  @Param({"standard-v1", "standard-v1a", "github", "stripe", "shopify", "slack", "hmac"})
  public String scheme;

  /** The body size in bytes: 1 KiB and 64 KiB. */
  @Param({"1024", "65536"})
  public int bodyBytes;

  private SignatureVerifier verifier;
  private WebhookHeaders headers;
  private byte[] body;

  /**
   * Signs one request and builds the matching verifier; checks once that it verifies.
   *
   * @throws GeneralSecurityException when the JDK has no Ed25519
   */
  @Setup
  public void setUp() throws GeneralSecurityException {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    String json = Bodies.json(bodyBytes);
    SignedRequest.Builder request;
    switch (scheme) {
      case "standard-v1":
        request = SignedRequest.standardWebhooks(STANDARD_SECRET).id("msg_bench");
        verifier = StandardWebhooksVerifier.builder().addSecret(STANDARD_SECRET).clock(clock).build();
        break;
      case "standard-v1a":
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        request = SignedRequest.standardWebhooksEd25519(keys.getPrivate()).id("msg_bench");
        verifier =
            StandardWebhooksVerifier.builder().addPublicKey(SignedRequest.whpk(keys.getPublic())).clock(clock).build();
        break;
      case "github":
        request = SignedRequest.github(SECRET);
        verifier = GitHubVerifier.builder().addSecret(SECRET).build();
        break;
      case "stripe":
        request = SignedRequest.stripe(SECRET);
        verifier = StripeVerifier.builder().addSecret(SECRET).clock(clock).build();
        break;
      case "shopify":
        request = SignedRequest.shopify(SECRET);
        verifier = ShopifyVerifier.builder().addSecret(SECRET).build();
        break;
      case "slack":
        request = SignedRequest.slack(SECRET);
        verifier = SlackVerifier.builder().addSecret(SECRET).clock(clock).build();
        break;
      case "hmac":
        request = SignedRequest.hmac(SECRET, "X-Signature").prefix("sha256=").timestampHeader("X-Timestamp");
        verifier =
            HmacVerifier.builder()
                .addSecret(SECRET)
                .signatureHeader("X-Signature")
                .prefix("sha256=")
                .timestampHeader("X-Timestamp")
                .clock(clock)
                .build();
        break;
      default:
        throw new IllegalArgumentException("scheme must be one of the @Param values, was " + scheme);
    }
    InboundRequest signed = request.clock(clock).body(json).build();
    headers = signed.headers();
    body = signed.body();
    verifier.verify(headers, body); // fails the run early if the pair does not match
  }

  /** Verifies the signature; a mismatch throws and fails the run. */
  @Benchmark
  public void verify() {
    verifier.verify(headers, body);
  }
}
