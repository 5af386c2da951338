package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.keypool.KeyOutcome.RateLimited;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import io.geminibalance.keypool.QuotaSnapshot.ModelTotals;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolStateTest {
  private static final String MODEL = "gemini-2.5-flash";
  private static final Map<String, String> ENV = Map.of("DEFAULT_RPM", "5", "DEFAULT_RPD", "10");

  private final FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");

  @Test
  void totalsPerModelCountKeysByState() throws Exception {
    QuotaKeyPool pool = Keys.pool(4, clock, ENV);
    List<ApiKey> keys = Keys.many(4);
    for (int i = 0; i < 5; i++) {
      pool.release(Keys.lease(pool, MODEL), KeyOutcome.SUCCESS);
    }
    pool.release(Keys.lease(pool, MODEL), new RateLimited(Duration.ofSeconds(10), QuotaWindow.MINUTE, "PerMinute"));
    pool.release(Keys.lease(pool, MODEL), new RateLimited(null, QuotaWindow.DAY, "PerDay"));
    pool.disable(keys.get(3), "operator");
    ModelTotals totals = pool.quotaSnapshot().models().get(0);
    assertThat(totals).isEqualTo(new ModelTotals(MODEL, 4, 1, 1, 1, 1, 15, 30, 8 + 8, 0));
    String json = new ObjectMapper().writeValueAsString(pool.quotaSnapshot());
    assertThat(json).contains("\"usable\":1").doesNotContain("AIzaSyTEST");
  }

  @Test
  void exportedStateSurvivesARestart() {
    QuotaKeyPool before = Keys.pool(2, clock, ENV);
    KeyLease lease = Keys.lease(before, MODEL);
    before.release(lease, new RateLimited(null, QuotaWindow.DAY, "PerDay"));
    before.release(Keys.lease(before, "gemini-2.5-pro"), new KeyOutcome.ModelUnavailable("limit: 0"));
    before.disable(Keys.many(2).get(1), "operator");
    PoolState saved = before.exportState();

    QuotaKeyPool after = Keys.pool(2, clock, ENV);
    after.importState(saved);
    assertThat(after.acquire(MODEL, java.util.Set.of())).isInstanceOf(Acquisition.Refused.class);
    assertThat(after.snapshot().disabled()).isEqualTo(1);
    assertThat(after.modelDisables()).extracting(ModelDisable::model).containsExactly("gemini-2.5-pro");
    assertThat(after.quotaSnapshot().keys()).filteredOn(r -> r.model().equals(MODEL))
        .extracting(QuotaSnapshot.KeyModelRow::usedToday).contains(1);
  }

  @Test
  void replacingKeysKeepsTheStateOfKeysThatStay() {
    QuotaKeyPool pool = Keys.pool(2, clock, Map.of("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"));
    Keys.send(pool, MODEL);
    Keys.send(pool, MODEL);
    List<ApiKey> keys = Keys.many(3);
    pool.replaceKeys(List.of(keys.get(1), keys.get(2)));
    assertThat(pool.size()).isEqualTo(2);
    assertThat(Keys.send(pool, MODEL).key()).isEqualTo(keys.get(2));
    Keys.refused(pool, MODEL);
    clock.advance(60_000); // the removed key's heap entry falls due: it must be skipped
    assertThat(List.of(Keys.send(pool, MODEL).key(), Keys.send(pool, MODEL).key()))
        .containsExactlyInAnyOrder(keys.get(1), keys.get(2));
    Keys.refused(pool, MODEL);
  }
}
