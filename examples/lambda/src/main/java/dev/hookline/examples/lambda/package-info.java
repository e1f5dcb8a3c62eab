/** The handler the example Lambda deployment runs; the functions themselves come from {@code dev.hookline.lambda}. */
package dev.hookline.examples.lambda;
