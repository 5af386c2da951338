package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.KeyOutcome.RateLimited;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LeaseQueueTest {
  private static final String MODEL = "gemini-2.5-flash";

  private final FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
  private final FakeTimer timer = new FakeTimer(clock);

  private LeaseQueue queue(QuotaKeyPool pool) {
    return LeaseQueue.over(pool, timer, clock, new LeaseQueue.Settings(Duration.ofSeconds(120), 100));
  }

  @Test
  void waitersAreServedInArrivalOrderAsSlotsFree() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"));
    LeaseQueue queue = queue(pool);
    Keys.send(pool, MODEL);
    List<CompletableFuture<Acquisition>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(queue.acquireOrWait(MODEL, Set.of(), clock.millis() + 200_000));
      clock.advance(1);
    }
    assertThat(waiters).noneMatch(CompletableFuture::isDone);
    timer.advance(60_000);
    assertThat(waiters.stream().map(CompletableFuture::isDone)).containsExactly(true, false, false);
    timer.advance(60_000);
    assertThat(waiters.stream().map(CompletableFuture::isDone)).containsExactly(true, true, false);
    assertThat(waiters.get(1).join()).isInstanceOf(Acquisition.Granted.class);
    assertThat(queue.waiting(MODEL)).isEqualTo(1);
  }

  @Test
  void refusedAtOnceWhenTheEarliestKeyFreesAfterTheDeadline() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"));
    Keys.send(pool, MODEL);
    CompletableFuture<Acquisition> waiter = queue(pool).acquireOrWait(MODEL, Set.of(), clock.millis() + 10_000);
    assertThat(waiter).isCompleted();
    Acquisition.Refused refused = (Acquisition.Refused) waiter.join();
    assertThat(refused.earliestMillis()).isEqualTo(clock.millis() + 60_000);
    assertThat(refused.reason()).contains("Gateway key pool limit reached");
  }

  @Test
  void aWaiterOvertakenByEarlierOnesTimesOutAsSoonAsItCannotMakeIt() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"));
    LeaseQueue queue = queue(pool);
    Keys.send(pool, MODEL);
    CompletableFuture<Acquisition> first = queue.acquireOrWait(MODEL, Set.of(), clock.millis() + 70_000);
    CompletableFuture<Acquisition> second = queue.acquireOrWait(MODEL, Set.of(), clock.millis() + 70_000);
    timer.advance(60_000);
    assertThat(first.join()).isInstanceOf(Acquisition.Granted.class);
    assertThat(second).isCompleted();
    assertThat(second.join()).isInstanceOf(Acquisition.Refused.class);
    assertThat(timer.pending()).isZero();
  }

  @Test
  void zeroTimeoutMeansNoWaiting() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"));
    LeaseQueue queue = LeaseQueue.over(pool, timer, clock,
        LeaseQueue.Settings.fromEnv(Map.of("QUEUE_TIMEOUT_SECONDS", "0")));
    Acquisition first = queue.acquireOrWait(MODEL, Set.of()).join();
    pool.release(((Acquisition.Granted) first).lease(), KeyOutcome.SUCCESS);
    assertThat(queue.acquireOrWait(MODEL, Set.of()).join()).isInstanceOf(Acquisition.Refused.class);
  }

  @Test
  void aLiftedBlockWakesTheWaiterWithoutWaitingForTheTimer() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "100", "DEFAULT_RPD", "0"));
    LeaseQueue queue = queue(pool);
    KeyLease lease = Keys.lease(pool, MODEL);
    pool.release(lease, new RateLimited(Duration.ofSeconds(50), QuotaWindow.MINUTE, "PerMinute"));
    CompletableFuture<Acquisition> waiter = queue.acquireOrWait(MODEL, Set.of(), clock.millis() + 60_000);
    assertThat(waiter).isNotDone();
    pool.restore(lease.key());
    assertThat(waiter.join()).isInstanceOf(Acquisition.Granted.class);
  }

  @Test
  void aCancelledWaiterIsSkippedAndItsTurnGoesToTheNext() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"));
    LeaseQueue queue = queue(pool);
    Keys.send(pool, MODEL);
    CompletableFuture<Acquisition> gone = queue.acquireOrWait(MODEL, Set.of(), clock.millis() + 200_000);
    CompletableFuture<Acquisition> next = queue.acquireOrWait(MODEL, Set.of(), clock.millis() + 200_000);
    gone.cancel(false);
    timer.advance(60_000);
    assertThat(next.join()).isInstanceOf(Acquisition.Granted.class);
  }

  @Test
  void aRetryThatTriedTheOnlyFreeKeyDoesNotBlockFreshRequests() {
    QuotaKeyPool pool = Keys.pool(2, clock, Map.of("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"));
    LeaseQueue queue = queue(pool);
    KeyLease used = Keys.send(pool, MODEL);
    ApiKey free = Keys.many(2).get(1);
    CompletableFuture<Acquisition> retry = queue.acquireOrWait(MODEL, Set.of(free), clock.millis() + 200_000);
    assertThat(retry).isNotDone();
    CompletableFuture<Acquisition> fresh = queue.acquireOrWait(MODEL, Set.of(), clock.millis() + 200_000);
    assertThat(((Acquisition.Granted) fresh.join()).lease().key()).isEqualTo(free);
    timer.advance(60_000);
    assertThat(((Acquisition.Granted) retry.join()).lease().key()).isEqualTo(used.key());
  }

  @Test
  void badTimeoutSettingIsExplained() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> LeaseQueue.Settings.fromEnv(Map.of("QUEUE_TIMEOUT_SECONDS", "-1")))
        .hasMessage("QUEUE_TIMEOUT_SECONDS: '-1' (expected: a whole number from 0 to 86400)");
  }
}
