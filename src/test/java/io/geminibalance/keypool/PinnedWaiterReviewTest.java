package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Review (i17): a pinned waiter held back by a probe must end by max(QUEUE_TIMEOUT, PROBE_WAIT). */
class PinnedWaiterReviewTest {
  private final FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
  private final FakeTimer timer = new FakeTimer(clock);

  /** A pool whose key is always held back by a probe in flight (a probe that runs long or leaked). */
  private final class ProbingPool implements KeyPool {
    int asked;

    @Override
    public Acquisition acquire(String model, Set<ApiKey> alreadyTried) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Acquisition acquireKey(String model, String keyFingerprint) {
      asked++;
      return new Acquisition.Refused(clock.millis() + 1_000, "the key's probe is in flight", true);
    }

    @Override
    public boolean holdsKey(String keyFingerprint) {
      return true;
    }

    @Override
    public void release(KeyLease lease, KeyOutcome outcome) {}

    @Override
    public void replaceKeys(Collection<ApiKey> keys) {}

    @Override
    public PoolSnapshot snapshot() {
      return null;
    }

    @Override
    public void restore(ApiKey key) {}

    @Override
    public void disable(ApiKey key, String reason) {}

    @Override
    public int size() {
      return 1;
    }
  }

  @Test
  void aPinnedWaiterBehindAProbeIsAnsweredWithinTheProbeWait() {
    ProbingPool pool = new ProbingPool();
    LeaseQueue queue = new LeaseQueue(pool, timer, clock, new LeaseQueue.Settings(Duration.ofSeconds(2), 100));
    CompletableFuture<Acquisition> waiting = queue.acquireKeyOrWait("gemini-2.5-flash", "fp");
    // The lane path gives up at max(QUEUE_TIMEOUT_SECONDS, PROBE_WAIT) = 10 s; allow a minute.
    timer.advance(60_000);
    assertThat(waiting).as("still waiting after 60 s; asked the pool %d times", pool.asked).isDone();
  }
}
