package io.geminibalance.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.PacificDay;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.QuotaSnapshot.ModelTotals;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityWatchTest {
  private static final long DAY_START = PacificDay.startMillis(20_000);
  private static final long NEXT_DAY = PacificDay.startMillis(20_001);

  private static ModelTotals totals(String model, long capacity, long remaining) {
    return new ModelTotals(model, 10, 10, 0, 0, 0, 100, capacity, remaining, 0);
  }

  @Test
  void crossingBelowThePercentAlertsOncePerPoolModelAndDay() {
    CapacityWatch watch = new CapacityWatch();
    assertThat(watch.check("gemini", List.of(totals("m", 1000, 100)), 10, DAY_START + 1)).isEmpty();
    List<Alert> alerts = watch.check("gemini", List.of(totals("m", 1000, 99)), 10, DAY_START + 2);
    assertThat(alerts).containsExactly(new Alert.CapacityLow("gemini", "m", 99, 1000, 10, DAY_START + 2));
    assertThat(watch.check("gemini", List.of(totals("m", 1000, 10)), 10, DAY_START + 3)).isEmpty();
    assertThat(watch.check("gemini", List.of(totals("m", 1000, 500)), 10, DAY_START + 4)).isEmpty();
    assertThat(watch.check("gemini", List.of(totals("m", 1000, 5)), 10, DAY_START + 5)).as("same day").isEmpty();
    assertThat(watch.check("paid", List.of(totals("m", 1000, 5)), 10, DAY_START + 6)).as("another pool").hasSize(1);
    assertThat(watch.check("gemini", List.of(totals("m", 1000, 5)), 10, NEXT_DAY)).as("the next Pacific day")
        .hasSize(1);
  }

  @Test
  void unlimitedEmptyAndSharedLanesAndAZeroPercentNeverAlert() {
    CapacityWatch watch = new CapacityWatch();
    assertThat(watch.check("gemini", List.of(totals("m", -1, -1), totals("n", 1000, -1), totals("o", 0, 0),
        totals(QuotaKeyPool.UNLISTED, 100, 0), totals(QuotaKeyPool.OVERFLOW, 100, 0)), 10, DAY_START)).isEmpty();
    assertThat(watch.check("gemini", List.of(totals("m", 1000, 0)), 0, DAY_START)).isEmpty();
  }
}
