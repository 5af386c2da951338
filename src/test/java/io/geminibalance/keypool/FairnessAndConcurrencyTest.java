package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FairnessAndConcurrencyTest {
  private static final String MODEL = "gemini-2.5-flash";

  @Test
  void requestsSpreadEvenlyOverAllKeys() {
    FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
    QuotaKeyPool pool = Keys.pool(10, clock, Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "0"));
    Map<ApiKey, Integer> uses = new HashMap<>();
    for (int i = 0; i < 1_000; i++) {
      KeyLease lease = Keys.lease(pool, MODEL);
      uses.merge(lease.key(), 1, Integer::sum);
      pool.release(lease, KeyOutcome.SUCCESS);
    }
    assertThat(uses).hasSize(10).allSatisfy((key, count) -> assertThat(count).isEqualTo(100));
  }

  @Test
  void consecutiveRequestsNeverReuseAKeyWhileOthersAreReady() {
    FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
    QuotaKeyPool pool = Keys.pool(5, clock, Map.of("DEFAULT_RPM", "5", "DEFAULT_RPD", "0"));
    ApiKey previous = null;
    for (int i = 0; i < 25; i++) {
      ApiKey key = Keys.send(pool, MODEL).key();
      assertThat(key).isNotEqualTo(previous);
      previous = key;
    }
    Keys.refused(pool, MODEL);
  }

  @Test
  void concurrentLeasesNeverExceedTheLimits() throws Exception {
    InstantSource frozen = FakeClock.at("2026-01-10T12:00:00Z");
    QuotaKeyPool pool = new QuotaKeyPool(Keys.many(50),
        QuotaPolicy.fromEnv(Map.of("DEFAULT_RPM", "5", "DEFAULT_RPD", "0")), frozen);
    Map<ApiKey, AtomicInteger> perKey = new ConcurrentHashMap<>();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      java.util.List<Future<Integer>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(threads.submit(() -> hammer(pool, perKey)));
      }
      int granted = 0;
      for (Future<Integer> result : results) {
        granted += result.get();
      }
      assertThat(granted).isEqualTo(250);
      assertThat(perKey.values()).hasSize(50).allSatisfy(count -> assertThat(count.get()).isEqualTo(5));
    } finally {
      threads.shutdownNow();
    }
  }

  private static int hammer(QuotaKeyPool pool, Map<ApiKey, AtomicInteger> perKey) {
    int granted = 0;
    for (int i = 0; i < 5_000; i++) {
      if (pool.acquire(MODEL, Set.of()) instanceof Acquisition.Granted g) {
        perKey.computeIfAbsent(g.lease().key(), k -> new AtomicInteger()).incrementAndGet();
        pool.release(g.lease(), i % 7 == 0 ? KeyOutcome.NEUTRAL : KeyOutcome.SUCCESS);
        granted++;
      }
    }
    return granted;
  }
}
