package dev.hookline.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.testkit.ElasticMqExtension;
import dev.hookline.testkit.EmbeddedSqs;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@link SqsClients} against embedded ElasticMQ: the HTTP client a request really went out on, read from the {@code
 * User-Agent} the SDK sends ({@code md/http#<client name>}).
 */
class SqsClientsIntegrationTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  @Test
  void withAwsCrtClientOnTheClasspathTheClientRunsOnCrt() throws Exception {
    List<String> agents = new CopyOnWriteArrayList<>();
    try (SqsAsyncClient client = atEmbeddedSqs(SqsClients.asyncClientBuilder(), agents)) {
      roundTrip(client, "crt");
    }
    assertThat(agents).isNotEmpty().allSatisfy(agent -> assertThat(agent).contains("md/http#AwsCommonRuntime"));
  }

  @Test
  void withoutAwsCrtClientTheSdkDefaultIsUsed() throws Exception {
    List<String> agents = new CopyOnWriteArrayList<>();
    ClassLoader withoutCrt = new HidingClassLoader(SqsClients.class.getClassLoader());
    assertThat(SqsClients.crtUsable(withoutCrt)).isFalse();
    try (SqsAsyncClient client = atEmbeddedSqs(SqsClients.asyncClientBuilder(withoutCrt), agents)) {
      roundTrip(client, "default");
    }
    assertThat(agents).isNotEmpty().allSatisfy(agent -> assertThat(agent).contains("md/http#NettyNio"));
  }

  @Test
  void crtIsUsableHere() {
    assertThat(SqsClients.crtUsable(SqsClients.class.getClassLoader())).isTrue();
  }

  @Test
  void classLoaderIsRequired() {
    assertThatThrownBy(() -> SqsClients.asyncClientBuilder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("classLoader");
  }

  private static SqsAsyncClient atEmbeddedSqs(SqsAsyncClientBuilder builder, List<String> agents) {
    return builder
        .endpointOverride(SQS.server().endpoint())
        .region(EmbeddedSqs.REGION)
        .credentialsProvider(EmbeddedSqs.credentials())
        .overrideConfiguration(o -> o.addExecutionInterceptor(new UserAgents(agents)))
        .build();
  }

  /** Sends one message and receives it back on the client under test. */
  private static void roundTrip(SqsAsyncClient client, String prefix) throws Exception {
    String queue = SQS.createQueue(prefix);
    client.sendMessage(b -> b.queueUrl(queue).messageBody("hello " + prefix)).get(30, TimeUnit.SECONDS);
    List<Message> got =
        client
            .receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(5).maxNumberOfMessages(1))
            .get(30, TimeUnit.SECONDS)
            .messages();
    assertThat(got).extracting(Message::body).containsExactly("hello " + prefix);
  }

  /** Records the User-Agent of every request as it goes out. */
  private static final class UserAgents implements ExecutionInterceptor {
    private final List<String> agents;

    UserAgents(List<String> agents) {
      this.agents = agents;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      agents.add(context.httpRequest().firstMatchingHeader("User-Agent").orElse(""));
    }
  }

  /** A class loader on which aws-crt-client and the CRT are absent, as in an application without them. */
  private static final class HidingClassLoader extends ClassLoader {
    HidingClassLoader(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("software.amazon.awssdk.http.crt.") || name.startsWith("software.amazon.awssdk.crt.")) {
        throw new ClassNotFoundException(name);
      }
      return super.loadClass(name, resolve);
    }
  }
}
