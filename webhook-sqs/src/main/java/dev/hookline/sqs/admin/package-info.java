/**
 * Operations: provisioning, DLQ tools, and the API Gateway → SQS direct integration.
 *
 * <p>{@link dev.hookline.sqs.admin.QueueProvisioner} creates a queue and its dead-letter queue with a redrive policy,
 * and reports (and optionally fixes) attributes that drifted from what Hookline expects.
 *
 * <p>The types here talk to AWS control planes (SQS, API Gateway, CloudWatch) through SDK clients that the caller
 * passes in and closes. They are meant for deployment scripts, CLIs and tests, not for the hot path.
 */
package dev.hookline.sqs.admin;
