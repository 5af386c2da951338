package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ThoughtSignatureCacheTest {

  private static ThoughtSignatureCache.Entry entry(String signature) {
    return new ThoughtSignatureCache.Entry("f", signature, null);
  }

  /** What one entry of id {@code "a"} with a one-character signature is charged. */
  private static final long SMALL = ThoughtSignatureCache.sizeOf("a", entry("S"));

  @Test
  void entriesExpireAfterTheirTimeToLive() {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(10 * SMALL, 1_000);
    cache.put("a", entry("S"), 100);

    assertThat(cache.get("a", 1_099)).contains(entry("S"));
    assertThat(cache.get("a", 1_100)).isEmpty();
    assertThat(cache.size()).isZero();
    assertThat(cache.bytes()).isZero();
  }

  @Test
  void theLeastRecentlyUsedEntryIsEvictedWhenTheBudgetIsFull() {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(2 * SMALL, 1_000);
    cache.put("a", entry("A"), 0);
    cache.put("b", entry("B"), 0);
    cache.get("a", 1);
    cache.put("c", entry("C"), 2);

    assertThat(cache.get("b", 3)).isEmpty();
    assertThat(cache.get("a", 3)).isPresent();
    assertThat(cache.get("c", 3)).isPresent();
  }

  @Test
  void largeSignaturesStayWithinTheByteBudget() {
    long budget = 4L * 1024 * 1024;
    ThoughtSignatureCache cache = new ThoughtSignatureCache(budget, 60_000);
    String large = "s".repeat(300_000); // 600,000 bytes charged
    for (int i = 0; i < 100; i++) {
      cache.put("call_" + i, entry(large + i), i);
      assertThat(cache.bytes()).isLessThanOrEqualTo(budget);
    }
    assertThat(cache.size()).isEqualTo(6);
    assertThat(cache.get("call_99", 100)).isPresent();
    assertThat(cache.get("call_93", 100)).isEmpty();
    // Small entries are not all pushed out by one large one, and one larger than the budget is not kept.
    cache.put("huge", entry("x".repeat(3_000_000)), 101);
    assertThat(cache.get("huge", 102)).isEmpty();
    assertThat(cache.get("call_99", 102)).isPresent();
  }

  @Test
  void replacingAnEntryChargesOnlyTheNewOne() {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(1 << 20, 60_000);
    cache.put("a", entry("x".repeat(1_000)), 0);
    cache.put("a", entry("S"), 1);
    assertThat(cache.bytes()).isEqualTo(SMALL);
    cache.put("a", entry("y".repeat(1 << 20)), 2); // too large: dropped, with what it replaced
    assertThat(cache.bytes()).isZero();
    assertThat(cache.size()).isZero();
  }

  @Test
  void expiredEntriesLeaveTheBudgetAsNewOnesComeIn() {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(100 * SMALL, 1_000);
    cache.put("a", entry("A"), 0);
    cache.put("b", entry("B"), 0);
    cache.put("c", entry("C"), 5_000);
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.bytes()).isEqualTo(SMALL);
  }

  @Test
  void concurrentUseStaysWithinBounds() throws Exception {
    long budget = 500 * ThoughtSignatureCache.sizeOf("0-0000", entry("S0000"));
    ThoughtSignatureCache cache = new ThoughtSignatureCache(budget, 60_000);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 5_000; i++) {
            cache.put(thread + "-" + "%04d".formatted(i), entry("S" + "%04d".formatted(i)), i);
            cache.get(thread + "-" + "%04d".formatted(i / 2), i);
          }
        }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(cache.size()).isEqualTo(500);
    assertThat(cache.bytes()).isEqualTo(budget);
  }

  @Test
  void rejectsNonPositiveBounds() {
    assertThatThrownBy(() -> new ThoughtSignatureCache(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ThoughtSignatureCache(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
