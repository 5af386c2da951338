package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.KeyOutcome.RateLimited;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import io.geminibalance.keypool.QuotaSnapshot.KeyModelRow;
import io.geminibalance.keypool.QuotaSnapshot.LimitSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Auto limits (the default): a key starts at the free-tier figure without probing, climbs by
 * probes when demand exceeds it, and a 429 that states the quota sets the limit at once.
 */
class AutoLimitsTest {
  /** 10 RPM, 250 RPD in the free-tier table. */
  private static final String FLASH = "gemini-2.5-flash";

  private final FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");

  @Test
  void theTablesFigureGoesAtOnceWithoutAProbeAndOnlyOneProbeGoesBeyondIt() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of());
    List<KeyLease> inFlight = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      inFlight.add(Keys.lease(pool, FLASH));
    }
    KeyLease probe = Keys.lease(pool, FLASH);
    Acquisition.Refused refused = Keys.refused(pool, FLASH);
    assertThat(refused.awaitingProbe()).as("an 11th in flight would be a second probe").isTrue();
    KeyModelRow row = row(pool);
    assertThat(row.rpm()).isEqualTo(10);
    assertThat(row.rpmSource()).isEqualTo(LimitSource.TABLE);
    assertThat(row.rpd()).isEqualTo(250);
    assertThat(row.rpdSource()).isEqualTo(LimitSource.TABLE);
    clock.advance(200);
    inFlight.forEach(lease -> pool.release(lease, KeyOutcome.SUCCESS));
    pool.release(probe, KeyOutcome.SUCCESS);
    assertThat(row(pool).provenRpm()).isEqualTo(11);
    assertThat(row(pool).rpm()).isEqualTo(11);
    assertThat(row(pool).rpmSource()).isEqualTo(LimitSource.PROVEN);
  }

  @Test
  void demandBeyondTheTableClimbsUntilGooglesStatedQuotaSetsTheLimitWithOne429() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of());
    int googleLimit = 30;
    int sent = 0;
    int refusals = 0;
    // Bounded: a minute of sends, one request in flight at a time.
    for (int i = 0; i < 200 && clock.millis() < FakeClock.at("2026-01-10T12:00:50Z").millis(); i++) {
      if (!(pool.acquire(FLASH, java.util.Set.of()) instanceof Acquisition.Granted granted)) {
        clock.advance(100);
        continue;
      }
      clock.advance(50);
      if (sent < googleLimit) {
        sent++;
        pool.release(granted.lease(), KeyOutcome.SUCCESS);
      } else {
        refusals++;
        pool.release(granted.lease(), new RateLimited(Duration.ofSeconds(10), QuotaWindow.MINUTE,
            "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", googleLimit));
      }
    }
    assertThat(sent).isEqualTo(googleLimit);
    assertThat(refusals).isEqualTo(1);
    KeyModelRow row = row(pool);
    assertThat(row.rpm()).isEqualTo(googleLimit);
    assertThat(row.rpmSource()).isEqualTo(LimitSource.LEARNED);
    clock.advance(61_000);
    List<KeyLease> parallel = new ArrayList<>();
    for (int i = 0; i < googleLimit; i++) {
      parallel.add(Keys.lease(pool, FLASH));
    }
    assertThat(Keys.refused(pool, FLASH).awaitingProbe()).as("the stated limit needs no probe").isFalse();
  }

  @Test
  void aStatedQuotaNeverRaisesAConfiguredLimit() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "5", "DEFAULT_RPD", "0"));
    pool.release(Keys.lease(pool, FLASH), new RateLimited(Duration.ofSeconds(1), QuotaWindow.MINUTE, "PerMinute", 50));
    assertThat(row(pool).rpm()).isEqualTo(5);
    assertThat(row(pool).rpmSource()).isEqualTo(LimitSource.CONFIGURED);
    pool.release(lease(pool, clock, 2_000), new RateLimited(Duration.ofSeconds(1), QuotaWindow.MINUTE, "PerMinute", 3));
    assertThat(row(pool).rpm()).as("but lowers it").isEqualTo(3);
    assertThat(row(pool).rpmSource()).isEqualTo(LimitSource.LEARNED);
  }

  @Test
  void theWindowOfAnAutoLimitGrowsWithTheLevelNotToTheCeiling() {
    MemoryCell cell = new MemoryCell("fp", FLASH, new InMemoryQuotaState.DayTracker());
    RateLimits.Limit limit = RateLimits.fromEnv(Map.of()).limitFor(Keys.many(1).get(0), FLASH);
    cell.tryTake(limit, clock.millis());
    assertThat(cell.capacity()).isLessThanOrEqualTo(2 * (limit.trustedRpm() + 1));
  }

  private KeyLease lease(QuotaKeyPool pool, FakeClock clock, long afterMillis) {
    clock.advance(afterMillis);
    return Keys.lease(pool, FLASH);
  }

  private static KeyModelRow row(QuotaKeyPool pool) {
    return pool.quotaSnapshot().keys().get(0);
  }
}
