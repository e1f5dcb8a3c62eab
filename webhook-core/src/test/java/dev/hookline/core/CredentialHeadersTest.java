package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The one list of credential headers, and the places that keep them out. */
class CredentialHeadersTest {

  @Test
  void theListNamesTheCredentialHeadersInLowerCase() {
    assertThat(WebhookHeaders.CREDENTIALS)
        .containsExactlyInAnyOrder("authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key");
  }

  @Test
  void isCredentialIgnoresCaseAndLeavesSignaturesAlone() {
    assertThat(WebhookHeaders.isCredential("Authorization")).isTrue();
    assertThat(WebhookHeaders.isCredential("X-API-KEY")).isTrue();
    assertThat(WebhookHeaders.isCredential("Set-Cookie")).isTrue();
    assertThat(WebhookHeaders.isCredential("X-Hub-Signature-256")).isFalse();
    assertThat(WebhookHeaders.isCredential("X-Authorization-Hint")).isFalse();
  }

  @Test
  void toStringNeverPrintsACredentialWhateverItsCase() {
    WebhookHeaders.Builder builder = WebhookHeaders.builder().add("X-Custom", "shown");
    for (String name : WebhookHeaders.CREDENTIALS) {
      builder.add(name.toUpperCase(Locale.ROOT), "secret-of-" + name);
    }

    String printed = builder.build().toString();

    assertThat(printed).contains("X-Custom=shown").doesNotContain("secret-of-");
    assertThat(WebhookHeaders.CREDENTIALS).allMatch(WebhookHeaders::isSensitive);
  }

  @Test
  void theHeadersTheReceiverDropsAreCredentials() {
    Set<String> dropped =
        Stream.concat(
                WebhookReceiver.ALWAYS_DROPPED_HEADERS.stream(), WebhookReceiver.DEFAULT_DROPPED_HEADERS.stream())
            .map(n -> n.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());

    assertThat(WebhookHeaders.CREDENTIALS).containsAll(dropped);
  }
}
