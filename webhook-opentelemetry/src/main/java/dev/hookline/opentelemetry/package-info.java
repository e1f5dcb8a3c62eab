/**
 * OpenTelemetry tracing for Hookline: {@link dev.hookline.opentelemetry.OpenTelemetryTracing} implements the core's
 * {@link dev.hookline.core.Tracing} with spans that follow OpenTelemetry's messaging conventions, and carries the
 * trace context inside the envelope from the receive to every processing attempt.
 */
package dev.hookline.opentelemetry;
