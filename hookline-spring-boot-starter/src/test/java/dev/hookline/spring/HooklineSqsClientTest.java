package dev.hookline.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Which HTTP client the starter's SQS client runs on, read from the {@code User-Agent} of a request it really sends
 * ({@code md/http#<client name>}) to a local stub: AWS CRT when {@code aws-crt-client} is on the application's
 * classpath, the SDK's default (Netty) when it is not.
 */
class HooklineSqsClientTest {

  private HttpServer stub;
  private final List<String> listQueuesAgents = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startStub() throws IOException {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
          if ("AmazonSQS.ListQueues".equals(target)) {
            listQueuesAgents.add(exchange.getRequestHeaders().getFirst("User-Agent"));
          }
          exchange.getRequestBody().readAllBytes();
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    stub.start();
  }

  @AfterEach
  void stopStub() {
    stub.stop(0);
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HooklineAutoConfiguration.class))
        .withPropertyValues(
            "hookline.region=us-east-1",
            "hookline.endpoint=http://127.0.0.1:" + stub.getAddress().getPort(),
            "hookline.queue-url=http://127.0.0.1:" + stub.getAddress().getPort() + "/000000000000/orders",
            "hookline.sources.demo.provider=standard-webhooks",
            "hookline.sources.demo.secret=whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .withSystemProperties("aws.accessKeyId=hookline", "aws.secretAccessKey=hookline");
  }

  @Test
  void theSqsClientRunsOnAwsCrtWhenTheApplicationHasIt() {
    runner()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              context.getBean(SqsAsyncClient.class).listQueues().get(30, TimeUnit.SECONDS);
              assertThat(listQueuesAgents).singleElement().asString().contains("md/http#AwsCommonRuntime");
            });
  }

  @Test
  void theSqsClientRunsOnTheSdkDefaultWithoutAwsCrt() {
    runner()
        .withClassLoader(new FilteredClassLoader(AwsCrtAsyncHttpClient.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              context.getBean(SqsAsyncClient.class).listQueues().get(30, TimeUnit.SECONDS);
              assertThat(listQueuesAgents).singleElement().asString().contains("md/http#NettyNio");
            });
  }
}
