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

/**
 * The proven level of a key and model, and the probes beyond it: requests within what Google has
 * accepted from the key in one minute go freely, at most one beyond it is in flight.
 */
class ProbeTest {
  private static final String MODEL = "gemini-2.5-flash";
  private static final Map<String, String> RPM_6 = Map.of("DEFAULT_RPM", "6", "DEFAULT_RPD", "0");

  private final FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
  private final FakeTimer timer = new FakeTimer(clock);

  @Test
  void aFreshKeySendsOneRequestAtATimeUntilItHasProvenALevel() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    KeyLease probe = Keys.lease(pool, MODEL);
    Acquisition.Refused refused = Keys.refused(pool, MODEL);
    assertThat(refused.awaitingProbe()).isTrue();
    assertThat(refused.reason()).contains("probe");
    clock.advance(100);
    pool.release(probe, KeyOutcome.SUCCESS);
    assertThat(provenRpm(pool)).isEqualTo(1);
    for (int proven = 2; proven <= 6; proven++) {
      KeyLease next = Keys.lease(pool, MODEL);
      assertThat(Keys.refused(pool, MODEL).awaitingProbe()).isTrue();
      clock.advance(100);
      pool.release(next, KeyOutcome.SUCCESS);
      assertThat(provenRpm(pool)).isEqualTo(proven);
    }
    assertThat(Keys.refused(pool, MODEL).awaitingProbe()).as("at the configured limit").isFalse();
  }

  @Test
  void withinTheProvenLevelRequestsGoInParallelAndOneProbeBesideThem() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    prove(pool, 3);
    clock.advance(60_000);
    List<KeyLease> parallel = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      parallel.add(Keys.lease(pool, MODEL)); // 3 proven + the probe for the 4th
    }
    assertThat(Keys.refused(pool, MODEL).awaitingProbe()).isTrue();
    clock.advance(500);
    parallel.forEach(lease -> pool.release(lease, KeyOutcome.SUCCESS));
    assertThat(provenRpm(pool)).isEqualTo(4);
    KeyLease probe = Keys.lease(pool, MODEL);
    assertThat(Keys.refused(pool, MODEL).awaitingProbe()).isTrue();
    pool.release(probe, KeyOutcome.SUCCESS);
    assertThat(provenRpm(pool)).isEqualTo(5);
  }

  @Test
  void aRefusedProbeTeachesTheLimitAndCoolsTheKeyWithoutAnyOtherRequestSent() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    prove(pool, 3);
    clock.advance(60_000);
    List<KeyLease> inFlight = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inFlight.add(Keys.lease(pool, MODEL));
    }
    clock.advance(10);
    KeyLease probe = Keys.lease(pool, MODEL);
    clock.advance(10);
    pool.release(probe, new RateLimited(Duration.ofSeconds(50), QuotaWindow.MINUTE, "PerMinute"));
    inFlight.forEach(lease -> pool.release(lease, KeyOutcome.SUCCESS));
    QuotaSnapshot.KeyModelRow row = row(pool);
    assertThat(row.rpm()).as("learned").isEqualTo(3);
    assertThat(row.provenRpm()).isEqualTo(3);
    assertThat(Keys.refused(pool, MODEL).awaitingProbe()).isFalse();
    clock.advance(60_000);
    for (int i = 0; i < 3; i++) {
      Keys.lease(pool, MODEL); // the learned limit, all at once: no probe left to make
    }
    assertThat(Keys.refused(pool, MODEL).awaitingProbe()).isFalse();
  }

  @Test
  void aRefusedProbeLearnsTheProvenLevelEvenWhenEverySendSharesItsMillisecond() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    for (int i = 0; i < 3; i++) {
      Keys.send(pool, MODEL); // the clock does not move: the window cannot order these sends
    }
    assertThat(provenRpm(pool)).isEqualTo(3);
    pool.release(Keys.lease(pool, MODEL), new RateLimited(Duration.ofSeconds(50), QuotaWindow.MINUTE, "PerMinute"));
    assertThat(row(pool).rpm()).isEqualTo(3);
  }

  @Test
  void anInconclusiveProbeFreesTheKeyWithoutRaisingTheLevel() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    pool.release(Keys.lease(pool, MODEL), KeyOutcome.NEUTRAL);
    assertThat(provenRpm(pool)).isZero();
    KeyLease again = Keys.lease(pool, MODEL);
    pool.release(again, KeyOutcome.SUCCESS);
    assertThat(provenRpm(pool)).as("the inconclusive send counts: the window cannot tell which sends Google counted").isEqualTo(2);
  }

  @Test
  void onlyTheSendsStillInTheMinuteAtTheAnswerCountAsProven() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    prove(pool, 2); // at t0, t0+1
    clock.advance(59_000);
    KeyLease probe = Keys.lease(pool, MODEL); // third send of the minute at lease time ...
    clock.advance(5_000);
    pool.release(probe, KeyOutcome.SUCCESS); // ... but when Google answered, the first two had left it
    assertThat(provenRpm(pool)).isEqualTo(2);
  }

  @Test
  void a429WithinTheProvenLevelLowersIt() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    prove(pool, 4);
    clock.advance(60_000);
    for (int i = 0; i < 2; i++) {
      Keys.send(pool, MODEL);
      clock.advance(10);
    }
    pool.release(Keys.lease(pool, MODEL), new RateLimited(Duration.ofSeconds(30), QuotaWindow.MINUTE, "PerMinute"));
    assertThat(row(pool).rpm()).isEqualTo(2);
    assertThat(provenRpm(pool)).isEqualTo(2);
  }

  @Test
  void theProvenLevelSurvivesARestartAndANewDayButALearnedLimitOnlyTheRestart() {
    QuotaKeyPool before = Keys.pool(1, clock, RPM_6);
    prove(before, 3);
    before.release(Keys.lease(before, MODEL), new RateLimited(Duration.ofSeconds(30), QuotaWindow.MINUTE, "PerMinute"));
    QuotaKeyPool after = Keys.pool(1, clock, RPM_6);
    after.importState(before.exportState());
    assertThat(row(after).provenRpm()).isEqualTo(3);
    assertThat(row(after).rpm()).isEqualTo(3);
    clock.advance(24 * 3_600_000L);
    assertThat(row(after).provenRpm()).isEqualTo(3);
    assertThat(row(after).rpm()).as("a new Pacific day forgets the learned limit").isEqualTo(6);
    for (int i = 0; i < 4; i++) {
      Keys.lease(after, MODEL); // 3 proven at once, and one probe
    }
    assertThat(Keys.refused(after, MODEL).awaitingProbe()).isTrue();
  }

  @Test
  void changingTheConfiguredLimitForgetsTheLearnedOneButNotTheProvenLevel() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    prove(pool, 2);
    pool.release(Keys.lease(pool, MODEL), new RateLimited(Duration.ofSeconds(1), QuotaWindow.MINUTE, "PerMinute"));
    assertThat(row(pool).rpm()).isEqualTo(2);
    pool.updatePolicy(QuotaPolicy.fromEnv(RPM_6));
    assertThat(row(pool).rpm()).as("same configuration: still learned").isEqualTo(2);
    pool.updatePolicy(QuotaPolicy.fromEnv(Map.of("DEFAULT_RPM", "8", "DEFAULT_RPD", "0")));
    assertThat(row(pool).rpm()).isEqualTo(8);
    assertThat(provenRpm(pool)).isEqualTo(2);
  }

  @Test
  void aProbeInFlightWhenTheLanesAreRebuiltDoesNotHoldTheKeyForever() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    KeyLease probe = Keys.lease(pool, MODEL);
    pool.updatePolicy(QuotaPolicy.fromEnv(RPM_6));
    KeyLease next = Keys.lease(pool, MODEL);
    pool.release(probe, KeyOutcome.SUCCESS);
    pool.release(next, KeyOutcome.SUCCESS);
    assertThat(provenRpm(pool)).isEqualTo(2);
  }

  @Test
  void unlimitedKeysNeverProbe() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "0"));
    for (int i = 0; i < 100; i++) {
      Keys.lease(pool, MODEL);
    }
  }

  @Test
  void aWaiterHeldBackByAProbeWaitsForItsAnswerEvenWithoutAQueueTimeout() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    LeaseQueue queue = LeaseQueue.over(pool, timer, clock, new LeaseQueue.Settings(Duration.ZERO, 100));
    KeyLease probe = Keys.lease(pool, MODEL);
    CompletableFuture<Acquisition> waiter = queue.acquireOrWait(MODEL, Set.of());
    assertThat(waiter).isNotDone();
    timer.advance(300);
    pool.release(probe, KeyOutcome.SUCCESS);
    assertThat(waiter).isCompleted();
    assertThat(waiter.join()).isInstanceOf(Acquisition.Granted.class);
  }

  @Test
  void aWaiterHeldBackByAProbeGivesUpAfterTheProbeWait() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    LeaseQueue queue = LeaseQueue.over(pool, timer, clock, new LeaseQueue.Settings(Duration.ZERO, 100));
    Keys.lease(pool, MODEL);
    CompletableFuture<Acquisition> waiter = queue.acquireOrWait(MODEL, Set.of());
    timer.advance(LeaseQueue.PROBE_WAIT.toMillis() - 1);
    assertThat(waiter).isNotDone();
    timer.advance(1);
    assertThat(waiter.join()).isInstanceOfSatisfying(Acquisition.Refused.class,
        refused -> assertThat(refused.reason()).contains("probe"));
  }

  @Test
  void aRefusedProbeAnswersTheWaitersBehindItAtOnceWhenNoKeyWillFreeInTime() {
    QuotaKeyPool pool = Keys.pool(1, clock, RPM_6);
    LeaseQueue queue = LeaseQueue.over(pool, timer, clock, new LeaseQueue.Settings(Duration.ZERO, 100));
    KeyLease probe = Keys.lease(pool, MODEL);
    CompletableFuture<Acquisition> waiter = queue.acquireOrWait(MODEL, Set.of());
    pool.release(probe, new RateLimited(Duration.ofSeconds(40), QuotaWindow.MINUTE, "PerMinute"));
    assertThat(waiter).isCompleted();
    assertThat(((Acquisition.Refused) waiter.join()).awaitingProbe()).isFalse();
  }

  /** Proves {@code level} requests in the current minute, one probe after another. */
  private void prove(QuotaKeyPool pool, int level) {
    for (int i = 0; i < level; i++) {
      Keys.send(pool, MODEL);
      clock.advance(1);
    }
    assertThat(provenRpm(pool)).isEqualTo(level);
  }

  private static int provenRpm(QuotaKeyPool pool) {
    return row(pool).provenRpm();
  }

  private static QuotaSnapshot.KeyModelRow row(QuotaKeyPool pool) {
    return pool.quotaSnapshot().keys().stream().filter(r -> r.model().equals(MODEL)).findFirst().orElseThrow();
  }
}
