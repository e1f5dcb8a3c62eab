/** Everything that speaks SQS: the enqueuer (a {@code WebhookSink}) and the consumer runner. */
package dev.hookline.sqs;
