package dev.hookline.sqs.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.signature.SignatureVerifier;
import dev.hookline.core.signature.SignatureVerifiers;
import dev.hookline.testkit.SignedRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.regions.Region;

class ApiGatewayDirectIntegrationTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/apigateway-sqs-send";
  private static final String QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks";
  private static final List<String> THREE_SCHEMES = List.of("standard-webhooks", "github", "stripe");

  /** A builder that builds: three schemes, the queue by URL. */
  static ApiGatewayDirectIntegration.Builder valid() {
    return ApiGatewayDirectIntegration.builder()
        .apiName("webhooks")
        .region(Region.EU_WEST_1)
        .queueUrl(QUEUE_URL)
        .roleArn(ROLE)
        .schemes(THREE_SCHEMES);
  }

  @Test
  void defaults() {
    ApiGatewayDirectIntegration i = valid().build();

    assertThat(i.stageName()).isEqualTo("prod");
    assertThat(i.accountId()).isEqualTo("123456789012");
    assertThat(i.queueName()).isEqualTo("webhooks");
    assertThat(i.fifo()).isFalse();
    assertThat(i.schemes()).isEqualTo(THREE_SCHEMES);
    assertThat(i.headers())
        .containsExactly(
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "x-hub-signature-256",
            "x-github-delivery",
            "stripe-signature");
    assertThat(i.deliveryIdHeader()).isEmpty();
    assertThat(i.contentTypes()).isEqualTo(ApiGatewayDirectIntegration.DEFAULT_CONTENT_TYPES);
    assertThat(i.integrationUri()).isEqualTo("arn:aws:apigateway:eu-west-1:sqs:path/123456789012/webhooks");
  }

  @Test
  void queueNameAndAccountIdAreTheSameAsTheQueueUrl() {
    ApiGatewayDirectIntegration byName =
        ApiGatewayDirectIntegration.builder()
            .apiName("webhooks")
            .region(Region.EU_WEST_1)
            .queueName("webhooks")
            .accountId("123456789012")
            .roleArn(ROLE)
            .schemes(THREE_SCHEMES)
            .build();

    assertThat(byName).isEqualTo(valid().build());
    assertThat(byName.hashCode()).isEqualTo(valid().build().hashCode());
    assertThat(byName.toBuilder().build()).isEqualTo(byName);
  }

  @Test
  void headerNamesAreCaseInsensitive() {
    ApiGatewayDirectIntegration i =
        valid()
            .schemes(List.of())
            .headers(List.of("X-Hub-Signature-256", "Webhook-Signature"))
            .deliveryIdHeader("X-GitHub-Delivery")
            .build();

    assertThat(i.headers()).containsExactly("x-hub-signature-256", "webhook-signature");
    assertThat(i.deliveryIdHeader()).contains("x-github-delivery");
    assertThat(i.requestTemplate())
        .contains("hookline-h-x-hub-signature-256")
        .contains("$k.toLowerCase() == \"x-github-delivery\"");
  }

  static List<Arguments> invalid() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("apiName", (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.apiName(" ")));
    cases.add(Arguments.of("stageName", (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.stageName("a-b")));
    cases.add(
        Arguments.of(
            "queueUrl", (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.queueName("other")));
    cases.add(
        Arguments.of(
            "queueUrl",
            (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.queueUrl("https://sqs.example/only-name")));
    cases.add(
        Arguments.of(
            "queueName",
            (UnaryOperator<ApiGatewayDirectIntegration.Builder>)
                b -> b.queueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/bad%20name")));
    cases.add(
        Arguments.of(
            "accountId",
            (UnaryOperator<ApiGatewayDirectIntegration.Builder>)
                b -> b.queueUrl("https://sqs.eu-west-1.amazonaws.com/12345/webhooks")));
    cases.add(
        Arguments.of("roleArn", (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.roleArn("role")));
    cases.add(
        Arguments.of(
            "headers",
            (UnaryOperator<ApiGatewayDirectIntegration.Builder>)
                b -> b.deliveryIdHeader("webhook-id").addHeader("x-shopify-hmac-sha256")));
    cases.add(
        Arguments.of(
            "headers", (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.headers(List.of("a", "A"))));
    cases.add(
        Arguments.of(
            "headers",
            (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.headers(List.of("Authorization"))));
    cases.add(
        Arguments.of(
            "headers", (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.headers(List.of("x sig"))));
    cases.add(
        Arguments.of(
            "headers", (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.headers(List.of("x..sig"))));
    cases.add(
        Arguments.of(
            "headers",
            (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.headers(List.of("Content-Type"))));
    cases.add(
        Arguments.of(
            "schemes", (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.addScheme("paypal")));
    cases.add(
        Arguments.of(
            "schemes", (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.addScheme("GitHub")));
    cases.add(
        Arguments.of(
            "schemes", (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.schemes(List.of())));
    cases.add(
        Arguments.of(
            "schemes",
            (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.schemes(SignatureVerifiers.SCHEMES)));
    cases.add(
        Arguments.of(
            "deliveryIdHeader",
            (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.deliveryIdHeader("cookie")));
    cases.add(
        Arguments.of(
            "contentTypes", (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.contentTypes(List.of())));
    cases.add(
        Arguments.of(
            "contentTypes",
            (UnaryOperator<ApiGatewayDirectIntegration.Builder>) b -> b.contentTypes(List.of("json"))));
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void buildNamesTheInvalidField(String field, UnaryOperator<ApiGatewayDirectIntegration.Builder> change) {
    assertThatThrownBy(() -> change.apply(valid()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + " ");
  }

  @Test
  void missingRequiredFieldsAreNamed() {
    assertThatThrownBy(() -> ApiGatewayDirectIntegration.builder().build()).hasMessageStartingWith("apiName ");
    assertThatThrownBy(() -> ApiGatewayDirectIntegration.builder().apiName("a").build())
        .hasMessageStartingWith("region ");
    assertThatThrownBy(() -> ApiGatewayDirectIntegration.builder().apiName("a").region(Region.EU_WEST_1).build())
        .hasMessageStartingWith("queueName ");
    assertThatThrownBy(
            () ->
                ApiGatewayDirectIntegration.builder()
                    .apiName("a")
                    .region(Region.EU_WEST_1)
                    .queueName("q")
                    .build())
        .hasMessageStartingWith("accountId ");
    assertThatThrownBy(
            () ->
                ApiGatewayDirectIntegration.builder()
                    .apiName("a")
                    .region(Region.EU_WEST_1)
                    .queueUrl(QUEUE_URL)
                    .build())
        .hasMessageStartingWith("roleArn is required");
    assertThatThrownBy(() -> valid().headers(null)).isInstanceOf(NullPointerException.class).hasMessage("headers");
  }

  @Test
  void tooManyHeadersNamesTheCount() {
    List<String> seven = List.of("h1", "h2", "h3", "h4", "h5", "h6", "h7");
    assertThat(valid().schemes(List.of()).headers(seven).build().headers()).hasSize(7); // 3 fixed + 7 = 10: fits

    assertThatThrownBy(() -> valid().schemes(List.of()).headers(seven).deliveryIdHeader("h1").build())
        .hasMessageStartingWith("headers must fit SQS's limit of 10 message attributes")
        .hasMessageEndingWith("= 11");
  }

  @Test
  void schemeHeadersAreAllAVerifierReads() {
    for (String scheme : SignatureVerifiers.SCHEMES) {
      String secret = scheme.equals("standard-webhooks") ? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" : "s3cret";
      SignedRequest.Builder signed = SignedRequest.forScheme(scheme, secret);
      WebhookHeaders all = signed.headers();
      SignatureVerifier verifier = SignatureVerifiers.forScheme(scheme, List.of(secret));
      // Only what the integration carries reaches the consumer: the headers the scheme's verifier names.
      List<String> carried = lowerCase(verifier.headerNames());
      WebhookHeaders.Builder kept = WebhookHeaders.builder();
      all.asMap()
          .forEach(
              (name, values) -> {
                if (carried.contains(name.toLowerCase(Locale.ROOT))) {
                  values.forEach(v -> kept.add(name, v));
                }
              });
      WebhookHeaders reduced = kept.build();

      verifier.verify(reduced, signed.body()); // throws when a header the verifier needs was left out
      assertThat(verifier.deliveryId(reduced, signed.body())).as(scheme).isEqualTo(verifier.deliveryId(all, signed.body()));
      // One integration per scheme always fits, with a delivery-id header too.
      assertThat(valid().schemes(List.of(scheme.toUpperCase(Locale.ROOT))).deliveryIdHeader("x-id").build().headers())
          .as(scheme)
          .isEqualTo(carried);
    }
  }

  @Test
  void carriesExactlyTheVerifiersHeadersThenTheExtraOnes() {
    List<String> extras = List.of("X-GitHub-Event", "Webhook-Id", "X-Request-Id");
    int checked = 0;
    // Every set of schemes: those that fit carry what their verifiers name, in scheme order, then the extras.
    for (int mask = 1; mask < 1 << SignatureVerifiers.SCHEMES.size(); mask++) {
      List<String> schemes = new ArrayList<>();
      Set<String> expected = new LinkedHashSet<>();
      for (int i = 0; i < SignatureVerifiers.SCHEMES.size(); i++) {
        if ((mask & 1 << i) != 0) {
          String scheme = SignatureVerifiers.SCHEMES.get(i);
          schemes.add(scheme);
          expected.addAll(lowerCase(verifierFor(scheme).headerNames()));
        }
      }
      expected.addAll(lowerCase(extras));
      if (3 + expected.size() > 10) {
        continue;
      }

      ApiGatewayDirectIntegration i = valid().schemes(schemes).headers(extras).build();

      assertThat(i.headers()).as("%s", schemes).containsExactlyElementsOf(expected);
      assertThat(i.schemes()).isEqualTo(schemes);
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(10);
  }

  static List<String> credentials() {
    return List.copyOf(WebhookHeaders.CREDENTIALS);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("credentials")
  void credentialHeadersAreNeverCarried(String credential) {
    String spelled = credential.toUpperCase(Locale.ROOT);

    assertThatThrownBy(() -> valid().addHeader(spelled).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("headers must not carry credentials, was '" + credential + "'");
    assertThatThrownBy(() -> valid().deliveryIdHeader(spelled).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deliveryIdHeader must not carry credentials, was '" + credential + "'");
    for (String scheme : SignatureVerifiers.SCHEMES) {
      assertThat(lowerCase(SignatureVerifiers.headerNames(scheme))).as(scheme).doesNotContain(credential);
    }
  }

  private static SignatureVerifier verifierFor(String scheme) {
    String secret = scheme.equals("standard-webhooks") ? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" : "s3cret";
    return SignatureVerifiers.forScheme(scheme, List.of(secret));
  }

  private static List<String> lowerCase(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toList());
  }

  @Test
  void allFiveSchemesDoNotFitAndTheErrorSaysWhatToDo() {
    assertThatThrownBy(() -> valid().schemes(SignatureVerifiers.SCHEMES).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("schemes must fit SQS's limit of 10 message attributes")
        .hasMessageContaining("an integration of their own")
        .hasMessageEndingWith("= 13");
    // Shopify and Slack beside Standard Webhooks: 3 + 3 + 2 + 2 = 10.
    assertThat(valid().schemes(List.of("standard-webhooks", "shopify", "slack")).build().headers())
        .containsExactly(
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "x-shopify-hmac-sha256",
            "x-shopify-webhook-id",
            "x-slack-signature",
            "x-slack-request-timestamp");
  }

  @Test
  void extraHeadersAlreadyCarriedByASchemeAreCarriedOnce() {
    ApiGatewayDirectIntegration i =
        valid().schemes(List.of("github")).headers(List.of("X-GitHub-Delivery", "X-GitHub-Event")).build();

    assertThat(i.headers()).containsExactly("x-hub-signature-256", "x-github-delivery", "x-github-event");
    assertThat(i.toBuilder().build()).isEqualTo(i).hasSameHashCodeAs(i);
    assertThat(i.toBuilder().build().headers()).isEqualTo(i.headers());
    assertThat(i.toString()).contains("schemes=[github]");
  }

  @Test
  void toStringShowsWhereItWrites() {
    assertThat(valid().build().toString())
        .contains("webhooks")
        .contains("arn:aws:apigateway:eu-west-1:sqs:path/123456789012/webhooks");
  }
}
