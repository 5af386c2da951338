package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PacificDayTest {
  private static long at(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void resetIsPacificMidnightNotUtc() {
    // 23:30 UTC on Jan 10 is 15:30 PST: the quota day ends at 08:00 UTC on Jan 11
    assertThat(PacificDay.nextResetMillis(at("2026-01-10T23:30:00Z"))).isEqualTo(at("2026-01-11T08:00:00Z"));
  }

  @Test
  void springForwardDayIs23Hours() {
    long start = at("2026-03-08T08:00:00Z"); // midnight PST, DST begins at 02:00
    assertThat(PacificDay.nextResetMillis(start)).isEqualTo(at("2026-03-09T07:00:00Z"));
    assertThat(PacificDay.dayOf(at("2026-03-09T06:59:59Z"))).isEqualTo(PacificDay.dayOf(start));
    assertThat(PacificDay.dayOf(at("2026-03-09T07:00:00Z"))).isEqualTo(PacificDay.dayOf(start) + 1);
  }

  @Test
  void fallBackDayIs25Hours() {
    long start = at("2026-11-01T07:00:00Z"); // midnight PDT, DST ends at 02:00
    assertThat(PacificDay.nextResetMillis(start)).isEqualTo(at("2026-11-02T08:00:00Z"));
    assertThat(PacificDay.dayOf(at("2026-11-02T07:30:00Z"))).isEqualTo(PacificDay.dayOf(start));
  }
}
