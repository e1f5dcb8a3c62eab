/**
 * A Spring Boot service that receives webhooks in a controller, enqueues them to SQS, and consumes them with the
 * Hookline consumer runner as a lifecycle-managed bean.
 */
package dev.hookline.examples.spring;
