/** The versioned JSON envelope that carries a webhook on the queue, byte-exact. */
package dev.hookline.core.envelope;
