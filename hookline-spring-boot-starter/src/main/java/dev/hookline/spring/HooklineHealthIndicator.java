package dev.hookline.spring;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code hookline} health on Spring Boot 3: up while the sink accepts webhooks and the consumer, if any, runs;
 * down once shutdown has begun. Thread-safety: reads volatile state only.
 */
final class HooklineHealthIndicator implements HealthIndicator {

  private final HooklineHealth health;

  HooklineHealthIndicator(HooklineHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    HooklineHealth.Snapshot snapshot = health.snapshot();
    return (snapshot.up() ? Health.up() : Health.down()).withDetails(snapshot.details()).build();
  }
}
