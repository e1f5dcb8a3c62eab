/**
 * Hookline's model and ports: {@link dev.hookline.core.InboundRequest} in, {@link dev.hookline.core.Webhook} out,
 * {@link dev.hookline.core.WebhookReceiver} between them and {@link dev.hookline.core.WebhookSink} behind it; a
 * source's {@link dev.hookline.core.Handshake} answers a sender's URL check at once, without the sink. No AWS
 * dependency.
 */
package dev.hookline.core;
