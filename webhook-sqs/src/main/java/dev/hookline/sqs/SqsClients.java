package dev.hookline.sqs;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/**
 * SQS clients on the HTTP client Hookline recommends: the AWS CRT async HTTP client when the application has it on
 * its classpath ({@code software.amazon.awssdk:aws-crt-client}, version from the SDK BOM), else the SDK's default
 * async HTTP client (Netty). In the project's benchmarks CRT cost the least client CPU per message for both the
 * consumer runner and the enqueuer, and reached a cold JVM's first answer sooner (see the README's "Which SDK HTTP
 * client").
 *
 * <p>Hookline's own defaults use these: the Lambda functions' no-argument constructors and the Spring Boot starter's
 * client. Anything that takes an {@link SqsAsyncClient} takes any client you build yourself instead. When {@code
 * aws-crt-client} is present but its native library cannot load on this platform, the SDK's default is used and a
 * warning logged.
 *
 * <p>Region and credentials come from the SDK's default chains unless you set them on the builder.
 */
public final class SqsClients {

  private static final Logger log = LoggerFactory.getLogger(SqsClients.class);

  /** The CRT HTTP client, and the runtime whose class initialisation loads its native library. */
  static final String CRT_HTTP_CLIENT = "software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient";

  static final String CRT_RUNTIME = "software.amazon.awssdk.crt.CRT";

  /** Connections per client, as the SDK's Netty client defaults to. */
  static final int MAX_CONCURRENCY = 50;

  private SqsClients() {}

  /**
   * Returns a new client on the recommended HTTP client, with the region and credentials from the SDK's default
   * chains; the caller closes it.
   *
   * @return a new client
   */
  public static SqsAsyncClient create() {
    return asyncClientBuilder().build();
  }

  /**
   * Returns a client builder on the recommended HTTP client, decided by the class loader that loaded Hookline; set
   * the region, endpoint or credentials on it before {@code build()}.
   *
   * @return a new builder
   */
  public static SqsAsyncClientBuilder asyncClientBuilder() {
    return asyncClientBuilder(SqsClients.class.getClassLoader());
  }

  /**
   * Returns a client builder on the recommended HTTP client, looking for the CRT client through {@code classLoader}
   * (for a framework that loads the application's classes through its own).
   *
   * @param classLoader where to look for {@code aws-crt-client}
   * @return a new builder
   */
  public static SqsAsyncClientBuilder asyncClientBuilder(ClassLoader classLoader) {
    Objects.requireNonNull(classLoader, "classLoader");
    SqsAsyncClientBuilder builder = SqsAsyncClient.builder();
    if (crtUsable(classLoader)) {
      builder.httpClientBuilder(Crt.httpClientBuilder());
    }
    return builder;
  }

  /** Whether the CRT client is on the classpath and its native library loads. */
  static boolean crtUsable(ClassLoader classLoader) {
    try {
      Class.forName(CRT_HTTP_CLIENT, false, classLoader);
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
    try {
      // Initialising CRT loads its native library, as building the HTTP client would.
      Class.forName(CRT_RUNTIME, true, classLoader);
      return true;
    } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
      log.warn(
          "aws-crt-client is on the classpath but the AWS CRT did not load here; using the SDK's default HTTP "
              + "client. cause={}",
          e.toString());
      return false;
    }
  }

  /** Holds the only reference to the CRT classes, so that they are linked only once they are known to be there. */
  private static final class Crt {
    private Crt() {}

    static SdkAsyncHttpClient.Builder<?> httpClientBuilder() {
      return AwsCrtAsyncHttpClient.builder().maxConcurrency(MAX_CONCURRENCY);
    }
  }
}
