package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.KeyOutcome.RateLimited;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import io.geminibalance.keypool.QuotaSnapshot.CellState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the pool does with each of Google's answers. */
class LearningTest {
  private static final String FLASH = "gemini-2.5-flash";
  private static final String PRO = "gemini-2.5-pro";
  private static final Map<String, String> GENEROUS = Map.of("DEFAULT_RPM", "100", "DEFAULT_RPD", "0");

  private final FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
  private final QuotaKeyPool pool = Keys.pool(1, clock, GENEROUS);

  @Test
  void perMinute429CoolsTheKeyForThatModelUntilRetryDelay() {
    KeyLease lease = Keys.lease(pool, FLASH);
    pool.release(lease, new RateLimited(Duration.ofSeconds(17), QuotaWindow.MINUTE, "PerMinute"));
    assertThat(Keys.refused(pool, FLASH).earliestMillis()).isEqualTo(clock.millis() + 17_000);
    Keys.lease(pool, PRO);
    clock.advance(17_000);
    Keys.lease(pool, FLASH);
  }

  @Test
  void retryDelayIsCappedSoAProbeFollows() {
    KeyLease lease = Keys.lease(pool, FLASH);
    pool.release(lease, new RateLimited(Duration.ofHours(156), QuotaWindow.MINUTE, "PerMinute"));
    assertThat(Keys.refused(pool, FLASH).earliestMillis()).isEqualTo(clock.millis() + 120_000);
  }

  @Test
  void successOfALaterLeaseClearsTheCooldownButAnEarlierOneDoesNot() {
    Keys.send(pool, FLASH);
    Keys.send(pool, FLASH); // two proven: two leases may be in flight at once
    clock.advance(60_000);
    KeyLease before = Keys.lease(pool, FLASH);
    KeyLease limited = Keys.lease(pool, FLASH);
    clock.advance(10);
    pool.release(limited, new RateLimited(Duration.ofSeconds(30), QuotaWindow.MINUTE, "PerMinute"));
    pool.release(before, KeyOutcome.SUCCESS);
    assertThat(cell(FLASH).state()).isEqualTo(CellState.COOLING);
    clock.advance(30_000);
    KeyLease probe = Keys.lease(pool, FLASH);
    pool.release(probe, KeyOutcome.SUCCESS);
    assertThat(cell(FLASH).state()).isEqualTo(CellState.USABLE);
    assertThat(cell(FLASH).reason()).isEmpty();
  }

  @Test
  void perDay429ParksTheKeyUntilPacificMidnight() {
    KeyLease lease = Keys.lease(pool, FLASH);
    pool.release(lease, new RateLimited(Duration.ofSeconds(20), QuotaWindow.DAY, "PerDay"));
    long midnight = Instant.parse("2026-01-11T08:00:00Z").toEpochMilli();
    assertThat(Keys.refused(pool, FLASH).earliestMillis()).isEqualTo(midnight);
    assertThat(cell(FLASH).state()).isEqualTo(CellState.PARKED);
    clock.set(midnight);
    Keys.lease(pool, FLASH);
  }

  @Test
  void limitZeroDisablesTheKeyForThatModelOnly() {
    KeyLease lease = Keys.lease(pool, PRO);
    pool.release(lease, new KeyOutcome.ModelUnavailable("limit: 0"));
    assertThat(Keys.refused(pool, PRO).permanent()).isTrue();
    Keys.lease(pool, FLASH);
    assertThat(pool.modelDisables()).containsExactly(new ModelDisable(lease.key(), PRO, "limit: 0"));
    assertThat(pool.snapshot().disabled()).isZero();
    pool.restoreModel(lease.key(), PRO);
    Keys.lease(pool, PRO);
  }

  @Test
  void invalidKeyIsDisabledForEveryModel() {
    pool.release(Keys.lease(pool, FLASH), new KeyOutcome.KeyInvalid("API_KEY_INVALID"));
    assertThat(Keys.refused(pool, FLASH).permanent()).isTrue();
    assertThat(Keys.refused(pool, PRO).permanent()).isTrue();
    assertThat(pool.snapshot().disabled()).isEqualTo(1);
    pool.restore(pool.snapshot().disabledKeys().get(0));
    Keys.lease(pool, FLASH);
  }

  @Test
  void aKeyBlockedByItsProjectIsDisabledAtOnceAndSaysSo() {
    pool.release(Keys.lease(pool, FLASH), new KeyOutcome.KeyBlocked("SERVICE_DISABLED: off"));
    assertThat(Keys.refused(pool, FLASH).permanent()).isTrue();
    assertThat(pool.snapshot().disabled()).isEqualTo(1);
    assertThat(pool.snapshot().keys().get(0).disabledReason()).contains("re-checked").contains("SERVICE_DISABLED");
    pool.restore(pool.snapshot().disabledKeys().get(0));
    Keys.lease(pool, FLASH);
  }

  @Test
  void failuresDisableAtMaxFailuresAndSuccessResetsThem() {
    pool.release(Keys.lease(pool, FLASH), new KeyOutcome.KeyFailure("403"));
    pool.release(Keys.lease(pool, FLASH), new KeyOutcome.KeyFailure("403"));
    pool.release(Keys.lease(pool, FLASH), KeyOutcome.SUCCESS);
    pool.release(Keys.lease(pool, FLASH), new KeyOutcome.KeyFailure("403"));
    pool.release(Keys.lease(pool, FLASH), new KeyOutcome.KeyFailure("403"));
    assertThat(pool.snapshot().disabled()).isZero();
    pool.release(Keys.lease(pool, FLASH), new KeyOutcome.KeyFailure("403"));
    assertThat(pool.snapshot().disabled()).isEqualTo(1);
    assertThat(pool.snapshot().keys().get(0).disabledReason()).contains("3 failures in a row");
  }

  @Test
  void neutralOutcomesChangeNothing() {
    pool.release(Keys.lease(pool, FLASH), KeyOutcome.NEUTRAL);
    assertThat(cell(FLASH).state()).isEqualTo(CellState.USABLE);
  }

  @Test
  void a429WithoutDetailsCoolsBriefly() {
    pool.release(Keys.lease(pool, FLASH), new RateLimited(null, QuotaWindow.UNKNOWN, "429"));
    assertThat(Keys.refused(pool, FLASH).earliestMillis()).isEqualTo(clock.millis() + 5_000);
  }

  @Test
  void manyLightlyUsedKeysRefusedAtOnceBackOffTheModelInsteadOfCoolingThePool() {
    QuotaKeyPool wide = Keys.pool(10, clock, GENEROUS);
    for (int i = 0; i < 3; i++) {
      wide.release(Keys.lease(wide, FLASH), new RateLimited(null, QuotaWindow.UNKNOWN, "429"));
      clock.advance(100);
    }
    Acquisition.Refused refused = Keys.refused(wide, FLASH);
    assertThat(refused.reason()).contains("IP-level throttle");
    assertThat(wide.quotaSnapshot().models()).singleElement()
        .satisfies(m -> assertThat(m.disabled()).isZero());
    clock.advance(5_000);
    Keys.lease(wide, FLASH);
  }

  @Test
  void tooHighConfiguredLimitIsLearnedFromTheFirstPerMinute429() {
    QuotaKeyPool optimistic = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "10", "DEFAULT_RPD", "0"));
    for (int i = 0; i < 5; i++) {
      optimistic.release(Keys.lease(optimistic, FLASH), KeyOutcome.SUCCESS);
      clock.advance(1_000);
    }
    optimistic.release(Keys.lease(optimistic, FLASH),
        new RateLimited(Duration.ofSeconds(55), QuotaWindow.MINUTE, "PerMinute"));
    clock.advance(56_000); // the refused send still counts in our window: one second of caution
    int granted = 0;
    while (optimistic.acquire(FLASH, Set.of()) instanceof Acquisition.Granted) {
      granted++;
    }
    assertThat(granted).as("5 per minute learned; 4 sends still in the window").isEqualTo(1);
  }

  private QuotaSnapshot.KeyModelRow cell(String model) {
    return pool.quotaSnapshot().keys().stream().filter(r -> r.model().equals(model)).findFirst().orElseThrow();
  }
}
