package dev.hookline.core.signature;

import static dev.hookline.core.signature.TestSigning.headers;
import static dev.hookline.core.signature.TestSigning.hmacSha256Hex;
import static dev.hookline.core.signature.TestSigning.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.WebhookHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Shared verifiers on several threads: each thread's Mac must never see another thread's key or data. */
class ConcurrentVerificationTest {

  @Test
  void sharedVerifiersGiveTheSameAnswersOnManyThreads() throws Exception {
    GitHubVerifier a = GitHubVerifier.builder().addSecret("secret-a").build();
    GitHubVerifier b = GitHubVerifier.builder().addSecret("secret-b").build();
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(4, r -> new Thread(r, "hookline-test-verify-" + threadNumber.incrementAndGet()));
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        results.add(
            pool.submit(
                () -> {
                  int wrong = 0;
                  for (int i = 0; i < 500; i++) {
                    String body = "body-" + seed + "-" + i;
                    boolean useA = (i + seed) % 2 == 0;
                    WebhookHeaders h =
                        headers("X-Hub-Signature-256", "sha256=" + hmacSha256Hex(useA ? "secret-a" : "secret-b", body));
                    boolean acceptedByA = accepts(a, h, body);
                    boolean acceptedByB = accepts(b, h, body);
                    if (acceptedByA != useA || acceptedByB == useA) {
                      wrong++;
                    }
                  }
                  return wrong;
                }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static boolean accepts(SignatureVerifier verifier, WebhookHeaders headers, String body) {
    try {
      verifier.verify(headers, utf8(body));
      return true;
    } catch (SignatureVerificationException e) {
      return false;
    }
  }
}
