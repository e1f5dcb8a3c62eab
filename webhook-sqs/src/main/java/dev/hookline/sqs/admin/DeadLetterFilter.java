package dev.hookline.sqs.admin;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Selects dead-lettered messages for a selective redrive. Every criterion that is set must match; an empty
 * criterion matches everything, so {@link #all()} matches every message. A time range never matches a message
 * without a recorded last failure.
 *
 * @param source the webhook source to match, if any
 * @param reason the failure reason to match, if any (for example {@code handler_failed} or
 *     {@link DeadLetterInfo#REASON_MAX_RECEIVE_COUNT})
 * @param failedSince match messages whose last failure is at or after this instant, if set
 * @param failedUntil match messages whose last failure is before this instant, if set
 * @param deliveryIds match only these delivery ids, if not empty
 */
public record DeadLetterFilter(
    Optional<String> source,
    Optional<String> reason,
    Optional<Instant> failedSince,
    Optional<Instant> failedUntil,
    Set<String> deliveryIds) {

  /**
   * Copies the set and checks that no component is null.
   *
   * @param source the webhook source to match, if any
   * @param reason the failure reason to match, if any (for example {@code handler_failed} or
   *     {@link DeadLetterInfo#REASON_MAX_RECEIVE_COUNT})
   * @param failedSince match messages whose last failure is at or after this instant, if set
   * @param failedUntil match messages whose last failure is before this instant, if set
   * @param deliveryIds match only these delivery ids, if not empty
   */
  public DeadLetterFilter {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(failedSince, "failedSince");
    Objects.requireNonNull(failedUntil, "failedUntil");
    deliveryIds = Set.copyOf(Objects.requireNonNull(deliveryIds, "deliveryIds"));
  }

  /**
   * Returns a filter that matches every message.
   *
   * @return the filter
   */
  public static DeadLetterFilter all() {
    return new DeadLetterFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Set.of());
  }

  /**
   * Returns a copy that also requires this source.
   *
   * @param value the source
   * @return the narrower filter
   */
  public DeadLetterFilter withSource(String value) {
    return new DeadLetterFilter(Optional.of(value), reason, failedSince, failedUntil, deliveryIds);
  }

  /**
   * Returns a copy that also requires this reason.
   *
   * @param value the reason
   * @return the narrower filter
   */
  public DeadLetterFilter withReason(String value) {
    return new DeadLetterFilter(source, Optional.of(value), failedSince, failedUntil, deliveryIds);
  }

  /**
   * Returns a copy that also requires the last failure in {@code [since, until)}; either end may be null.
   *
   * @param since the inclusive lower end, or null
   * @param until the exclusive upper end, or null
   * @return the narrower filter
   */
  public DeadLetterFilter withLastFailedBetween(Instant since, Instant until) {
    return new DeadLetterFilter(
        source, reason, Optional.ofNullable(since), Optional.ofNullable(until), deliveryIds);
  }

  /**
   * Returns a copy that requires one of these delivery ids.
   *
   * @param ids the delivery ids
   * @return the narrower filter
   */
  public DeadLetterFilter withDeliveryIds(Set<String> ids) {
    return new DeadLetterFilter(source, reason, failedSince, failedUntil, ids);
  }

  /**
   * Tells whether a message matches every criterion.
   *
   * @param info the message
   * @return true if it matches
   */
  public boolean matches(DeadLetterInfo info) {
    if (source.isPresent() && !source.equals(info.source())) {
      return false;
    }
    if (reason.isPresent() && !reason.get().equals(info.reason())) {
      return false;
    }
    if (failedSince.isPresent() || failedUntil.isPresent()) {
      if (info.lastFailedAt().isEmpty()) {
        return false;
      }
      Instant at = info.lastFailedAt().get();
      if (failedSince.isPresent() && at.isBefore(failedSince.get())) {
        return false;
      }
      if (failedUntil.isPresent() && !at.isBefore(failedUntil.get())) {
        return false;
      }
    }
    return deliveryIds.isEmpty() || (info.deliveryId().isPresent() && deliveryIds.contains(info.deliveryId().get()));
  }
}
