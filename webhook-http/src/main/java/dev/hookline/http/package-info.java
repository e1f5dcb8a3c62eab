/**
 * The standalone HTTP transport for a {@link dev.hookline.core.WebhookReceiver}: {@link
 * dev.hookline.http.WebhookHttpServer}, on Jetty 12's core API, with per-server timeouts, limits, readiness and a
 * graceful drain.
 */
package dev.hookline.http;
