/**
 * Spring Boot auto-configuration for Hookline: {@link dev.hookline.spring.HooklineAutoConfiguration} wires the receiver,
 * the SQS enqueuer and the consumer runner from {@code hookline.*} properties ({@link
 * dev.hookline.spring.HooklineProperties}), serves the receiver on a Spring MVC route, and ties the enqueuer and the
 * runner to the application's lifecycle. Works on Spring Boot 3.5 and 4.0.
 */
package dev.hookline.spring;
