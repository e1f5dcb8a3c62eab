/**
 * Hookline's model and ports: {@link dev.hookline.core.InboundRequest} in, {@link dev.hookline.core.Webhook} out,
 * {@link dev.hookline.core.WebhookReceiver} between them and {@link dev.hookline.core.WebhookSink} behind it.
 * No AWS dependency.
 */
package dev.hookline.core;
