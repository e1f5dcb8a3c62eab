package dev.hookline.spring;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code hookline} health on Spring Boot 4, where {@code HealthIndicator} moved to spring-boot-health; the same
 * report as {@link HooklineHealthIndicator}. Loaded only when that class is present.
 */
final class HooklineBoot4HealthIndicator implements HealthIndicator {

  private final HooklineHealth health;

  HooklineBoot4HealthIndicator(HooklineHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    HooklineHealth.Snapshot snapshot = health.snapshot();
    return (snapshot.up() ? Health.up() : Health.down()).withDetails(snapshot.details()).build();
  }
}
