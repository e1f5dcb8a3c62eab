/**
 * Shared between Hookline's SQS consumers (the consumer runner and the Lambda SQS function). No compatibility
 * promise: do not use from application code.
 */
package dev.hookline.sqs.internal;
