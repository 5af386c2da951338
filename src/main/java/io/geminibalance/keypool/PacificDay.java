package io.geminibalance.keypool;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Google resets per-day quotas at midnight America/Los_Angeles, not at the server's midnight.
 * The zone rules handle DST (a Pacific day is 23 or 25 hours long twice a year).
 */
public final class PacificDay {
  public static final ZoneId ZONE = ZoneId.of("America/Los_Angeles");

  private PacificDay() {}

  /** The quota day {@code millis} falls in, as an epoch day number of the Pacific date. */
  public static long dayOf(long millis) {
    return Instant.ofEpochMilli(millis).atZone(ZONE).toLocalDate().toEpochDay();
  }

  /** The instant the quota day after {@code millis} starts. */
  public static long nextResetMillis(long millis) {
    LocalDate tomorrow = Instant.ofEpochMilli(millis).atZone(ZONE).toLocalDate().plusDays(1);
    return startMillis(tomorrow.toEpochDay());
  }

  /** The instant the given quota day starts. */
  public static long startMillis(long epochDay) {
    ZonedDateTime start = LocalDate.ofEpochDay(epochDay).atStartOfDay(ZONE);
    return start.toInstant().toEpochMilli();
  }

  /**
   * Caches the current day's bounds so the hot path needs two comparisons, not a zone lookup.
   * Immutable, so a stale copy read by another thread is merely recomputed.
   */
  record Cached(long day, long startMillis, long endMillis) {
    static Cached around(long millis) {
      long day = dayOf(millis);
      return new Cached(day, PacificDay.startMillis(day), PacificDay.startMillis(day + 1));
    }

    boolean contains(long millis) {
      return millis >= startMillis && millis < endMillis;
    }
  }
}
