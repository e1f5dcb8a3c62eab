/**
 * Micrometer meters for Hookline: {@link dev.hookline.micrometer.HooklineMetrics} is a pipeline listener that counts
 * and times what the receiver, the enqueuer and the consumers report, with bounded tags only.
 */
package dev.hookline.micrometer;
