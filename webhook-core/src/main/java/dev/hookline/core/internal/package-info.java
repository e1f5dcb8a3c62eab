/** Shared between Hookline's own packages. No compatibility promise: do not use from application code. */
package dev.hookline.core.internal;
