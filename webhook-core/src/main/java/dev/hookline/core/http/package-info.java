/**
 * A small HTTP transport for {@link dev.hookline.core.WebhookReceiver} on the JDK's built-in
 * {@code com.sun.net.httpserver} server: {@link dev.hookline.core.http.WebhookHttpServer}. No extra dependency; for
 * local runs, containers and services that do not already have a web framework.
 */
package dev.hookline.core.http;
