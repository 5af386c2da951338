package io.geminibalance.storage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * One key's state for one model.
 *
 * @param parkedUntil the key is not used for this model before then (429 cool-down, no access); null if free
 * @param usageDay the Pacific-time day {@code usageCount} belongs to; Google's daily quotas reset at
 *     midnight in America/Los_Angeles
 */
public record ModelState(String model, Instant parkedUntil, String parkReason, LocalDate usageDay, long usageCount) {
  /** The zone of Google's daily quota reset. */
  public static final ZoneId QUOTA_ZONE = ZoneId.of("America/Los_Angeles");

  public ModelState {
    Objects.requireNonNull(model, "model");
  }

  /** The usage that still counts on {@code today}: a count from an earlier day has expired. */
  public long usageOn(LocalDate today) {
    return today.equals(usageDay) ? usageCount : 0;
  }

  public boolean isParkedAt(Instant now) {
    return parkedUntil != null && parkedUntil.isAfter(now);
  }
}
