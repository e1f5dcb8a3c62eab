/** The quick start: the whole pipeline in one process on an embedded SQS. */
package dev.hookline.examples.quickstart;
