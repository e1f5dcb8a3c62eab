/** Test support for Hookline users and Hookline's own tests: embedded ElasticMQ, a fault proxy, signed requests. */
package dev.hookline.testkit;
