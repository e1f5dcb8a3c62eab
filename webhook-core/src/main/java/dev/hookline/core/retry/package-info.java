/** Backoff, retry policy and the pure processing decision shared by every consumer. */
package dev.hookline.core.retry;
