package dev.hookline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.InMemoryWebhookSink;
import dev.hookline.core.TestHmacVerifier;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a keystore: a self-signed certificate for 127.0.0.1, made with the JDK's keytool. */
class TlsTest {

  private static final String PASSWORD = "changeit";

  @Test
  void servesHttpsFromAKeystore(@TempDir Path dir) throws Exception {
    Path keyStore = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD)
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

    TestHmacVerifier verifier = new TestHmacVerifier("tls-secret");
    InMemoryWebhookSink sink = InMemoryWebhookSink.create();
    WebhookReceiver receiver =
        WebhookReceiver.builder()
            .addSource(WebhookSource.builder().name("github").verifier(verifier).build())
            .sink(sink)
            .build();
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      trust.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();

    try (WebhookHttpServer server =
        WebhookHttpServer.builder().receiver(receiver).port(0).keyStore(keyStore, PASSWORD).build().start()) {
      byte[] body = "{\"tls\":true}".getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/webhooks/github"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .header(TestHmacVerifier.SIGNATURE, verifier.sign(body))
                  .header(TestHmacVerifier.DELIVERY, "tls-1")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      assertThat(sink.webhooks()).extracting(w -> w.deliveryId()).containsExactly("tls-1");
    }
  }
}
