/**
 * A Spring Boot service that receives webhooks, enqueues them to SQS and consumes them, wired by {@code
 * hookline-spring-boot-starter} from {@code application.yml}; the application adds only its handler.
 */
package dev.hookline.examples.spring;
