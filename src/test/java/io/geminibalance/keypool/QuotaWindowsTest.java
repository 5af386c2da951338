package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-minute sliding window and per-day limits of one key. */
class QuotaWindowsTest {
  private static final String MODEL = "gemini-2.5-flash";

  @Test
  void neverMoreThanRpmInAnySixtySeconds() {
    FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "5", "DEFAULT_RPD", "0"));
    clock.advance(59_000);
    for (int i = 0; i < 5; i++) {
      Keys.send(pool, MODEL);
    }
    // a token bucket that started full would refill here and allow 5 more within 60 s
    clock.advance(2_000);
    Acquisition.Refused refused = Keys.refused(pool, MODEL);
    assertThat(refused.earliestMillis()).isEqualTo(clock.millis() - 2_000 + 60_000);
    clock.advance(57_999);
    Keys.refused(pool, MODEL);
    clock.advance(1);
    for (int i = 0; i < 5; i++) {
      Keys.send(pool, MODEL);
    }
    Keys.refused(pool, MODEL);
  }

  @Test
  void slidingWindowFreesOneSlotPerOldSend() {
    FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "3", "DEFAULT_RPD", "0"));
    for (int i = 0; i < 3; i++) {
      Keys.send(pool, MODEL);
      clock.advance(10_000);
    }
    clock.advance(30_000); // now t=60 s: the send at t=0 leaves the window, the others do not
    Keys.send(pool, MODEL);
    assertThat(Keys.refused(pool, MODEL).earliestMillis()).isEqualTo(clock.millis() - 60_000 + 10_000 + 60_000);
  }

  @Test
  void aSendGivenBackLeavesTheWindowAsIfNeverMadeAndTheOthersStay() {
    FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "3", "DEFAULT_RPD", "10"));
    for (int i = 0; i < 3; i++) {
      Keys.send(pool, MODEL); // the key proves 3 a minute, so that the lease below is no probe
    }
    clock.advance(60_000);
    Keys.send(pool, MODEL); // t=0
    clock.advance(10_000);
    KeyLease notFound = Keys.lease(pool, MODEL); // t=10 s
    clock.advance(10_000);
    Keys.send(pool, MODEL); // t=20 s
    assertThat(Keys.refused(pool, MODEL).earliestMillis()).isEqualTo(clock.millis() - 20_000 + 60_000);
    pool.release(notFound, KeyOutcome.NOT_FOUND);
    assertThat(pool.quotaSnapshot().keys()).singleElement().satisfies(row -> {
      assertThat(row.usedThisMinute()).isEqualTo(2);
      assertThat(row.usedToday()).isEqualTo(5);
    });
    clock.advance(10_000);
    Keys.send(pool, MODEL); // t=30 s, in the place the 404 gave back
    // Full again with sends at 0, 20 and 30 s: the next frees when the one at 0 leaves, at 60 s.
    assertThat(Keys.refused(pool, MODEL).earliestMillis()).isEqualTo(clock.millis() - 30_000 + 60_000);
    clock.advance(30_000);
    Keys.send(pool, MODEL);
    assertThat(Keys.refused(pool, MODEL).earliestMillis()).isEqualTo(clock.millis() - 60_000 + 20_000 + 60_000);
  }

  @Test
  void aSendTakenYesterdayIsNotTakenOffTodaysCount() {
    FakeClock clock = FakeClock.at("2026-01-10T07:59:59Z"); // 23:59:59 in California
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "2"));
    KeyLease yesterday = Keys.lease(pool, MODEL);
    clock.advance(1_000);
    Keys.send(pool, MODEL);
    pool.release(yesterday, KeyOutcome.NOT_FOUND);
    assertThat(pool.quotaSnapshot().keys()).singleElement()
        .satisfies(row -> assertThat(row.usedToday()).isEqualTo(1));
    Keys.send(pool, MODEL);
    Keys.refused(pool, MODEL);
  }

  @Test
  void dayLimitHoldsUntilPacificMidnightAcrossSpringForward() {
    FakeClock clock = FakeClock.at("2026-03-08T20:00:00Z");
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "2"));
    Keys.send(pool, MODEL);
    Keys.send(pool, MODEL);
    long resetAt = Instant.parse("2026-03-09T07:00:00Z").toEpochMilli();
    assertThat(Keys.refused(pool, MODEL).earliestMillis()).isEqualTo(resetAt);
    clock.set(resetAt - 1);
    Keys.refused(pool, MODEL);
    clock.set(resetAt);
    Keys.send(pool, MODEL);
  }

  @Test
  void dayLimitHoldsUntilPacificMidnightAcrossFallBack() {
    FakeClock clock = FakeClock.at("2026-11-01T20:00:00Z");
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "1"));
    Keys.send(pool, MODEL);
    long resetAt = Instant.parse("2026-11-02T08:00:00Z").toEpochMilli();
    clock.set(Instant.parse("2026-11-02T07:30:00Z").toEpochMilli()); // still Nov 1 in Los Angeles
    assertThat(Keys.refused(pool, MODEL).earliestMillis()).isEqualTo(resetAt);
    clock.set(resetAt);
    Keys.send(pool, MODEL);
  }

  @Test
  void zeroLimitsMeanUnlimited() {
    FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "0"));
    for (int i = 0; i < 10_000; i++) {
      Keys.send(pool, MODEL);
    }
  }

  @Test
  void virtualModelsShareTheBaseModelsQuota() {
    FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "2", "DEFAULT_RPD", "0"));
    assertThat(Keys.send(pool, "models/gemini-2.5-flash-search").model()).isEqualTo(MODEL);
    Keys.send(pool, "gemini-2.5-flash-non-thinking");
    Keys.refused(pool, MODEL);
    Keys.send(pool, "gemini-2.5-pro"); // another model has its own quota
  }

  @Test
  void modelLimitAppliesPerModelAndKeyLimitOverridesIt() {
    FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
    QuotaKeyPool pool = Keys.pool(2, clock, Map.of("DEFAULT_RPM", "5", "DEFAULT_RPD", "100",
        "MODEL_RATE_LIMITS", "{\"gemini-2.5-pro\": [1, 0]}",
        "KEY_RATE_LIMITS", "{\"00000001\": [3, 0]}"));
    int granted = 0;
    while (pool.acquire("gemini-2.5-pro", java.util.Set.of()) instanceof Acquisition.Granted g) {
      pool.release(g.lease(), KeyOutcome.SUCCESS);
      granted++;
    }
    assertThat(granted).isEqualTo(1 + 3);
    assertThat(pool.capacity("gemini-2.5-pro")).isEqualTo(new PoolCapacity("gemini-2.5-pro", 2, 4, -1));
    assertThat(pool.capacity("gemini-2.5-flash").describe())
        .isEqualTo("gemini-2.5-flash: 2 keys, 8 RPM, unlimited RPD");
  }
}
