/**
 * Administration of the queues Hookline uses: creating a queue and its dead-letter queue with a redrive policy, and
 * reporting (and optionally fixing) attributes that drifted from what Hookline expects.
 */
package dev.hookline.sqs.admin;
