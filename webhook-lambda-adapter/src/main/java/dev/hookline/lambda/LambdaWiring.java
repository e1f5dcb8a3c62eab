package dev.hookline.lambda;

import dev.hookline.core.WebhookReceiver;
import java.time.Duration;

/** Builds the functions' parts from the environment, once, in the INIT phase. */
final class LambdaWiring {

  private LambdaWiring() {}

  static WebhookReceiver receiver(LambdaEnvironment env) {
    throw new UnsupportedOperationException("SQS enqueuer wiring arrives with webhook-sqs");
  }

  static Duration budgetMargin(LambdaEnvironment env) {
    return env.optionalMillis(LambdaEnvironment.BUDGET_MARGIN_MILLIS).orElse(ApiGatewayBridge.DEFAULT_BUDGET_MARGIN);
  }
}
