/** Benchmarks: JMH for hot paths and the pipeline throughput harness. */
package dev.hookline.benchmarks;
