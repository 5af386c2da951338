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

  @Test
  void entriesExpireAfterTheirTimeToLive() {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(10, 1_000);
    cache.put("a", entry("S"), 100);

    assertThat(cache.get("a", 1_099)).contains(entry("S"));
    assertThat(cache.get("a", 1_100)).isEmpty();
    assertThat(cache.size()).isZero();
  }

  @Test
  void theLeastRecentlyUsedEntryIsEvictedAtCapacity() {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(2, 1_000);
    cache.put("a", entry("A"), 0);
    cache.put("b", entry("B"), 0);
    cache.get("a", 1);
    cache.put("c", entry("C"), 2);

    assertThat(cache.get("b", 3)).isEmpty();
    assertThat(cache.get("a", 3)).isPresent();
    assertThat(cache.get("c", 3)).isPresent();
  }

  @Test
  void concurrentUseStaysWithinBounds() throws Exception {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(500, 60_000);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 5_000; i++) {
            cache.put(thread + "-" + i, entry("S" + i), i);
            cache.get(thread + "-" + (i / 2), i);
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
  }

  @Test
  void rejectsNonPositiveBounds() {
    assertThatThrownBy(() -> new ThoughtSignatureCache(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ThoughtSignatureCache(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
