/**
 * Micrometer meters for the Hookline pipeline: {@link dev.hookline.micrometer.MicrometerPipelineListener}, a {@link
 * dev.hookline.core.PipelineListener} that records the {@code hookline.*} meters in a {@code MeterRegistry}.
 */
package dev.hookline.micrometer;
