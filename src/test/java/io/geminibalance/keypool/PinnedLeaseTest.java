package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Leases of one named key: the key a stateful resource belongs to. */
class PinnedLeaseTest {
  private static final String MODEL = "gemini-2.5-flash";

  private final FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
  private final FakeTimer timer = new FakeTimer(clock);

  @Test
  void theNamedKeyIsLeasedAndCountsAgainstItsOwnLimit() {
    QuotaKeyPool pool = Keys.pool(3, clock, Map.of("DEFAULT_RPM", "2", "DEFAULT_RPD", "0"));
    ApiKey second = Keys.many(3).get(1);
    for (int i = 0; i < 2; i++) {
      Acquisition got = pool.acquireKey(MODEL, second.fingerprint());
      assertThat(got).isInstanceOfSatisfying(Acquisition.Granted.class,
          granted -> assertThat(granted.lease().key()).isEqualTo(second));
      pool.release(((Acquisition.Granted) got).lease(), KeyOutcome.SUCCESS);
    }
    Acquisition third = pool.acquireKey(MODEL, second.fingerprint());
    assertThat(third).isInstanceOfSatisfying(Acquisition.Refused.class, refused -> {
      assertThat(refused.permanent()).isFalse();
      assertThat(refused.earliestMillis()).isEqualTo(clock.millis() + 60_000);
    });
    // The other keys still serve rotation: the pinned uses took only the named key's quota.
    Set<ApiKey> rotated = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      rotated.add(Keys.send(pool, MODEL).key());
    }
    assertThat(rotated).doesNotContain(second).hasSize(2);
  }

  @Test
  void aDisabledOrRemovedKeyIsRefusedForGood() {
    QuotaKeyPool pool = Keys.pool(2, clock, Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "0"));
    ApiKey first = Keys.many(2).get(0);
    pool.disable(first, "test");
    Acquisition disabled = pool.acquireKey(MODEL, first.fingerprint());
    assertThat(disabled).isInstanceOfSatisfying(Acquisition.Refused.class,
        refused -> assertThat(refused.permanent()).isTrue());
    assertThat(pool.holdsKey(first.fingerprint())).isTrue();
    pool.replaceKeys(List.of(Keys.many(2).get(1)));
    assertThat(pool.holdsKey(first.fingerprint())).isFalse();
    assertThat(pool.acquireKey(MODEL, first.fingerprint())).isInstanceOfSatisfying(Acquisition.Refused.class,
        refused -> assertThat(refused.permanent()).isTrue());
    assertThat(pool.acquireKey(MODEL, "0000000000000000")).isInstanceOf(Acquisition.Refused.class);
  }

  @Test
  void aWaiterGetsItsKeyWhenItFreesWithinTheTimeoutAndNotAnotherOne() {
    QuotaKeyPool pool = Keys.pool(2, clock, Map.of("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"));
    LeaseQueue queue = LeaseQueue.over(pool, timer, clock, new LeaseQueue.Settings(Duration.ofSeconds(90), 100));
    ApiKey first = Keys.many(2).get(0);
    KeyLease used = ((Acquisition.Granted) pool.acquireKey(MODEL, first.fingerprint())).lease();
    pool.release(used, KeyOutcome.SUCCESS);
    CompletableFuture<Acquisition> waiting = queue.acquireKeyOrWait(MODEL, first.fingerprint());
    assertThat(waiting).isNotDone(); // the other key is free, but it cannot serve this request
    timer.advance(59_999);
    assertThat(waiting).isNotDone();
    timer.advance(1);
    assertThat(waiting.join()).isInstanceOfSatisfying(Acquisition.Granted.class,
        granted -> assertThat(granted.lease().key()).isEqualTo(first));
  }

  @Test
  void aWaiterIsRefusedAtOnceWhenItsKeyFreesAfterTheTimeout() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"));
    LeaseQueue queue = LeaseQueue.over(pool, timer, clock, new LeaseQueue.Settings(Duration.ofSeconds(10), 100));
    ApiKey only = Keys.many(1).get(0);
    Keys.send(pool, MODEL);
    List<CompletableFuture<Acquisition>> waiters = new ArrayList<>();
    waiters.add(queue.acquireKeyOrWait(MODEL, only.fingerprint()));
    assertThat(waiters.get(0)).isCompleted();
    assertThat(waiters.get(0).join()).isInstanceOfSatisfying(Acquisition.Refused.class,
        refused -> assertThat(refused.earliestMillis()).isEqualTo(clock.millis() + 60_000));
  }
}
