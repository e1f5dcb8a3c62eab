/**
 * AWS Lambda handlers, kept thin: {@link dev.hookline.lambda.HttpApiReceiverFunction} and
 * {@link dev.hookline.lambda.RestApiReceiverFunction} turn API Gateway events into
 * {@link dev.hookline.core.WebhookReceiver} calls, and {@link dev.hookline.lambda.SqsBatchFunction} runs SQS records
 * through the shared {@link dev.hookline.core.retry.WebhookProcessor} with a partial batch response.
 */
package dev.hookline.lambda;
