package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Review (i17): every refused pinned lease re-places a waiting key, adding a due-queue entry that
 * stays until the key's free time comes. A key spent for the day collects one per request.
 */
class PinnedDueHeapReviewTest {
  private static final String MODEL = "gemini-2.5-flash";
  private final FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");

  private static int entries(ModelLane lane) throws ReflectiveOperationException {
    Field dueField = ModelLane.class.getDeclaredField("due");
    dueField.setAccessible(true);
    DueHeap due = (DueHeap) dueField.get(lane);
    Field size = DueHeap.class.getDeclaredField("size");
    Field run = DueHeap.class.getDeclaredField("runSize");
    size.setAccessible(true);
    run.setAccessible(true);
    return size.getInt(due) + run.getInt(due);
  }

  @Test
  void refusedPinnedLeasesDoNotGrowTheDueQueue() throws ReflectiveOperationException {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "1"));
    ApiKey only = Keys.many(1).get(0);
    pool.release(Keys.send(pool, MODEL), KeyOutcome.SUCCESS); // the day's one request
    Field lanesField = QuotaKeyPool.class.getDeclaredField("lanes");
    lanesField.setAccessible(true);
    ModelLane lane = ((Map<String, ModelLane>) lanesField.get(pool)).get(MODEL);
    int before = entries(lane);
    for (int i = 0; i < 10_000; i++) {
      assertThat(pool.acquireKey(MODEL, only.fingerprint())).isInstanceOf(Acquisition.Refused.class);
    }
    assertThat(entries(lane) - before).as("due-queue entries added by 10,000 refused pinned leases").isLessThan(10);
  }
}
