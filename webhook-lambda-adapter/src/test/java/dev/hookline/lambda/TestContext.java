package dev.hookline.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/** A Lambda {@link Context} for tests with a fixed remaining time. */
public final class TestContext implements Context {

  private final int remainingMillis;

  public TestContext(int remainingMillis) {
    this.remainingMillis = remainingMillis;
  }

  /** A context with 30 seconds left, the API Gateway integration timeout's order of magnitude. */
  public static TestContext plenty() {
    return new TestContext(30_000);
  }

  @Override
  public String getAwsRequestId() {
    return "c6af9ac6-7b61-11e6-9a41-93e812345678";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/hookline-test";
  }

  @Override
  public String getLogStreamName() {
    return "2026/11/28/[$LATEST]0123456789abcdef";
  }

  @Override
  public String getFunctionName() {
    return "hookline-test";
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:us-east-1:123456789012:function:hookline-test";
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return remainingMillis;
  }

  @Override
  public int getMemoryLimitInMB() {
    return 512;
  }

  @Override
  public LambdaLogger getLogger() {
    return new LambdaLogger() {
      @Override
      public void log(String message) {}

      @Override
      public void log(byte[] message) {
        log(new String(message, StandardCharsets.UTF_8));
      }
    };
  }
}
