package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.KeyOutcome.RateLimited;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import io.geminibalance.testing.LogEvents;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Quota state is kept only for models known to exist, at most MAX_MODELS of them, and idle lanes
 * with nothing worth keeping are dropped: a stream of made-up model names leaves nothing behind.
 */
class ModelStateBoundsTest {
  private static final String KNOWN = "gemini-2.5-flash";
  private static final ModelAdmission LISTED = Set.of(KNOWN, "gemini-2.5-pro")::contains;
  private static final Map<String, String> UNLIMITED = Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "0");

  private final FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
  private final FakeTimer timer = new FakeTimer(clock);

  private QuotaKeyPool pool(int keys, Map<String, String> env, ModelAdmission admission) {
    return new QuotaKeyPool(Keys.many(keys), QuotaPolicy.fromEnv(env), new InMemoryQuotaState(), clock, admission);
  }

  private LeaseQueue queue(QuotaKeyPool pool) {
    return LeaseQueue.over(pool, timer, clock, new LeaseQueue.Settings(Duration.ofSeconds(120), 100));
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private static KeyLease granted(CompletableFuture<Acquisition> acquisition) {
    assertThat(acquisition).isCompleted();
    return ((Acquisition.Granted) acquisition.join()).lease();
  }

  @Test
  void threeHundredUnknownNamesAnswered404LeaveNoLaneCellRecordOrQueueLine() {
    QuotaKeyPool pool = pool(3, env("DEFAULT_RPM", "0", "DEFAULT_RPD", "1000"), LISTED);
    LeaseQueue queue = queue(pool);
    for (int i = 1; i <= 300; i++) {
      KeyLease lease = granted(queue.acquireOrWait("models/zz-random-" + i, Set.of()));
      assertThat(lease.lane()).isEqualTo(QuotaKeyPool.UNLISTED);
      assertThat(lease.model()).isEqualTo("zz-random-" + i);
      pool.release(lease, KeyOutcome.NEUTRAL); // Google's 404
    }
    assertThat(pool.models()).isEmpty();
    assertThat(pool.exportState().quotas()).isEmpty();
    assertThat(pool.quotaSnapshot().keys()).isEmpty();
    assertThat(pool.modelDisables()).isEmpty();
    assertThat(queue.lineCount()).isEqualTo(1); // the one line of the shared lane
    assertThat(pool.quotaSnapshot().sharedLanes()).extracting(QuotaSnapshot.ModelTotals::model)
        .containsExactly(QuotaKeyPool.UNLISTED, QuotaKeyPool.OVERFLOW);
  }

  @Test
  void aListedModelGetsItsOwnLaneWithFullQuotaScheduling() {
    QuotaKeyPool pool = pool(2, env("DEFAULT_RPM", "1", "DEFAULT_RPD", "10"), LISTED);
    KeyLease first = Keys.send(pool, KNOWN + "-search");
    assertThat(first.lane()).isEqualTo(KNOWN);
    Keys.send(pool, KNOWN);
    assertThat(Keys.refused(pool, KNOWN).reason()).contains(KNOWN).contains("per-minute");
    assertThat(pool.models()).containsExactly(KNOWN);
    assertThat(pool.exportState().quotas()).extracting(QuotaRecord::model).containsOnly(KNOWN).hasSize(2);
    clock.advance(60_000);
    assertThat(Keys.lease(pool, KNOWN).lane()).isEqualTo(KNOWN);
  }

  @Test
  void unknownNamesTogetherGetWhatOneModelWouldUnderTheDefaultLimits() {
    QuotaKeyPool pool = pool(2, env("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"), LISTED);
    pool.release(Keys.lease(pool, "zz-random-1"), KeyOutcome.NEUTRAL);
    pool.release(Keys.lease(pool, "zz-random-2"), KeyOutcome.NEUTRAL);
    Acquisition.Refused refused = Keys.refused(pool, "zz-random-3");
    assertThat(refused.reason()).contains(QuotaKeyPool.UNLISTED);
    assertThat(refused.earliestMillis()).isEqualTo(clock.millis() + 60_000);
    // A listed model is not held back by them.
    assertThat(Keys.lease(pool, KNOWN).lane()).isEqualTo(KNOWN);
    clock.advance(60_000);
    assertThat(Keys.lease(pool, "zz-random-4").lane()).isEqualTo(QuotaKeyPool.UNLISTED);
  }

  @Test
  void googles404sForMadeUpNamesLeaveTheSharedLanesMinuteAndDayAsTheyWere() {
    QuotaKeyPool pool = pool(3, env("DEFAULT_RPM", "5", "DEFAULT_RPD", "100"), LISTED);
    for (int i = 1; i <= 100; i++) { // far beyond 5 RPM x 3 keys: each is given back
      KeyLease lease = Keys.lease(pool, "zz-made-up-" + i);
      assertThat(lease.lane()).isEqualTo(QuotaKeyPool.UNLISTED);
      pool.release(lease, KeyOutcome.NOT_FOUND);
    }
    assertThat(unlisted(pool)).satisfies(lane -> {
      assertThat(lane.usable()).isEqualTo(3);
      assertThat(lane.remainingToday()).isEqualTo(300);
    });
    // A request Google did count still counts, in the shared lane as in the model's own.
    pool.release(Keys.lease(pool, "gemini-unlisted-preview"), KeyOutcome.SUCCESS);
    assertThat(unlisted(pool).remainingToday()).isEqualTo(299);
    pool.release(Keys.lease(pool, "zz-server-error"), KeyOutcome.NEUTRAL);
    assertThat(unlisted(pool).remainingToday()).isEqualTo(298);
  }

  @Test
  void a404InAModelsOwnLaneIsGivenBackToo() {
    QuotaKeyPool pool = pool(1, env("DEFAULT_RPM", "1", "DEFAULT_RPD", "10"), LISTED);
    Keys.send(pool, KNOWN);
    clock.advance(60_000);
    for (int i = 0; i < 5; i++) {
      pool.release(Keys.lease(pool, KNOWN), KeyOutcome.NOT_FOUND); // retired by Google meanwhile
    }
    assertThat(pool.quotaSnapshot().keys()).singleElement().satisfies(row -> {
      assertThat(row.usedThisMinute()).isZero();
      assertThat(row.usedToday()).isEqualTo(1);
    });
  }

  private static QuotaSnapshot.ModelTotals unlisted(QuotaKeyPool pool) {
    return pool.quotaSnapshot().sharedLanes().stream()
        .filter(lane -> lane.model().equals(QuotaKeyPool.UNLISTED)).findFirst().orElseThrow();
  }

  @Test
  void aModelThatAnswers2xxGetsItsOwnLane() {
    QuotaKeyPool pool = pool(2, UNLIMITED, LISTED);
    KeyLease first = Keys.lease(pool, "gemini-unlisted-preview");
    assertThat(first.lane()).isEqualTo(QuotaKeyPool.UNLISTED);
    pool.release(first, KeyOutcome.SUCCESS);
    assertThat(pool.models()).containsExactly("gemini-unlisted-preview");
    assertThat(Keys.lease(pool, "gemini-unlisted-preview").lane()).isEqualTo("gemini-unlisted-preview");
  }

  @Test
  void theRequestThatProvedAModelCountsAgainstItsOwnLane() {
    QuotaKeyPool pool = pool(1, env("DEFAULT_RPM", "2", "DEFAULT_RPD", "10"), LISTED);
    pool.release(Keys.lease(pool, "gemini-new"), KeyOutcome.SUCCESS);
    assertThat(Keys.send(pool, "gemini-new").lane()).isEqualTo("gemini-new");
    assertThat(Keys.refused(pool, "gemini-new").reason()).contains("gemini-new");
    assertThat(pool.quotaSnapshot().keys()).singleElement().satisfies(row -> {
      assertThat(row.usedToday()).isEqualTo(2);
      assertThat(row.provenRpm()).isEqualTo(2);
    });
  }

  @Test
  void whatGoogleSaysAboutOneUnknownModelOnlyCoolsTheKeyInTheSharedLaneBriefly() {
    QuotaKeyPool pool = pool(1, UNLIMITED, LISTED);
    pool.release(Keys.lease(pool, "zz-a"), new RateLimited(null, QuotaWindow.DAY, "PerDay"));
    Acquisition.Refused refused = Keys.refused(pool, "zz-b");
    assertThat(refused.earliestMillis()).isEqualTo(clock.millis() + 60_000); // not the Pacific midnight
    clock.advance(60_000);
    pool.release(Keys.lease(pool, "zz-b"), new KeyOutcome.ModelUnavailable("limit: 0"));
    assertThat(pool.modelDisables()).isEmpty();
    assertThat(Keys.refused(pool, "zz-c").permanent()).isFalse();
    clock.advance(60_000);
    assertThat(Keys.lease(pool, "zz-c").lane()).isEqualTo(QuotaKeyPool.UNLISTED);
    assertThat(pool.models()).isEmpty();
  }

  @Test
  void aDeadKeyIsDisabledWhicheverLaneFoundOut() {
    QuotaKeyPool pool = pool(2, UNLIMITED, LISTED);
    KeyLease lease = Keys.lease(pool, "zz-random-1");
    pool.release(lease, new KeyOutcome.KeyInvalid("API_KEY_INVALID"));
    assertThat(pool.snapshot().disabledKeys()).containsExactly(lease.key());
    assertThat(Keys.lease(pool, KNOWN).key()).isNotEqualTo(lease.key());
  }

  @Test
  void beyondMaxModelsKnownModelsAreServedRoundRobinWithoutState() {
    QuotaKeyPool pool = pool(2, env("MAX_MODELS", "2", "DEFAULT_RPM", "1", "DEFAULT_RPD", "0"),
        ModelAdmission.EVERY_MODEL);
    Keys.send(pool, "model-a");
    Keys.send(pool, "model-b");
    for (int i = 0; i < 6; i++) { // far beyond 1 RPM x 2 keys: never refused by a count
      KeyLease lease = Keys.lease(pool, "model-c");
      assertThat(lease.lane()).isEqualTo(QuotaKeyPool.OVERFLOW);
      pool.release(lease, i == 0 ? new RateLimited(Duration.ofSeconds(30), QuotaWindow.MINUTE, "PerMinute")
          : KeyOutcome.SUCCESS);
    }
    assertThat(pool.models()).containsExactly("model-a", "model-b");
    assertThat(pool.exportState().quotas()).extracting(QuotaRecord::model).doesNotContain("model-c");
    // Models known by a 2xx while no lane was free go there too, not to the counted lane.
    QuotaKeyPool listed = pool(1, env("MAX_MODELS", "1", "DEFAULT_RPM", "1", "DEFAULT_RPD", "0"), LISTED);
    Keys.send(listed, KNOWN);
    KeyLease unknown = Keys.lease(listed, "gemini-new");
    assertThat(unknown.lane()).isEqualTo(QuotaKeyPool.UNLISTED);
    listed.release(unknown, KeyOutcome.SUCCESS);
    assertThat(Keys.lease(listed, "gemini-new").lane()).isEqualTo(QuotaKeyPool.OVERFLOW);
  }

  @Test
  void reachingMaxModelsIsWarnedAtOnceThenAtMostOnceAMinute() {
    QuotaKeyPool pool = pool(2, env("MAX_MODELS", "2", "DEFAULT_RPM", "0", "DEFAULT_RPD", "0"),
        ModelAdmission.EVERY_MODEL);
    try (LogEvents log = LogEvents.of(QuotaKeyPool.class)) {
      Keys.send(pool, "model-a");
      Keys.send(pool, "model-b");
      assertThat(log.warnings()).isEmpty();
      for (int i = 0; i < 46; i++) {
        assertThat(Keys.send(pool, "beyond-" + i).lane()).isEqualTo(QuotaKeyPool.OVERFLOW);
      }
      assertThat(log.warnings()).singleElement().asString()
          .startsWith("MAX_MODELS (2) models have quota state").contains("beyond-0 ");
      clock.advance(59_999);
      Keys.send(pool, "beyond-46");
      assertThat(log.warnings()).hasSize(1);
      clock.advance(1);
      Keys.send(pool, "beyond-47");
      assertThat(log.warnings()).hasSize(2).last().asString()
          .contains("beyond-47 ").endsWith("(46 similar warnings suppressed)");
    }
  }

  @Test
  void idleLanesWithNothingToKeepAreDroppedAndMakeRoom() {
    QuotaKeyPool pool = pool(2, env("MAX_MODELS", "2", "DEFAULT_RPM", "0", "DEFAULT_RPD", "0",
        "MODEL_RATE_LIMITS", "{\"configured-model\": [0, 0]}"), ModelAdmission.EVERY_MODEL);
    LeaseQueue queue = queue(pool);
    pool.release(granted(queue.acquireOrWait("model-a", Set.of())), KeyOutcome.SUCCESS);
    assertThat(queue.lineCount()).isEqualTo(1);
    assertThat(Keys.lease(pool, "model-b").lane()).isEqualTo(QuotaKeyPool.OVERFLOW); // configured + a
    clock.advance(QuotaKeyPool.LANE_IDLE.toMillis() - 1);
    assertThat(pool.evictIdleLanes()).isEmpty();
    clock.advance(1);
    assertThat(pool.evictIdleLanes()).containsExactly("model-a"); // the configured lane stays
    assertThat(queue.lineCount()).isZero();
    assertThat(pool.models()).containsExactly("configured-model");
    assertThat(Keys.lease(pool, "model-b").lane()).isEqualTo("model-b");
  }

  @Test
  void aLaneIsKeptWhileALeaseIsOutOrItsKeysHoldState() {
    QuotaKeyPool pool = pool(1, UNLIMITED, ModelAdmission.EVERY_MODEL);
    KeyLease out = Keys.lease(pool, "in-flight");
    pool.release(Keys.lease(pool, "parked"), new RateLimited(null, QuotaWindow.DAY, "PerDay"));
    pool.release(Keys.lease(pool, "disabled"), new KeyOutcome.ModelUnavailable("limit: 0"));
    pool.release(Keys.lease(pool, "cooled"), new RateLimited(Duration.ofSeconds(30), QuotaWindow.UNKNOWN, "429"));
    clock.advance(QuotaKeyPool.LANE_IDLE.toMillis());
    assertThat(pool.evictIdleLanes()).containsExactly("cooled"); // its cooldown is over
    pool.release(out, KeyOutcome.SUCCESS);
    assertThat(pool.evictIdleLanes()).isEmpty(); // in use until now
    clock.advance(QuotaKeyPool.LANE_IDLE.toMillis());
    assertThat(pool.evictIdleLanes()).containsExactly("in-flight");
    assertThat(pool.models()).containsExactlyInAnyOrder("parked", "disabled");
    assertThat(pool.modelDisables()).extracting(ModelDisable::model).containsExactly("disabled");
  }

  @Test
  void aLaneIsKeptWhileRequestsWaitForIt() {
    QuotaKeyPool pool = pool(1, env("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"), ModelAdmission.EVERY_MODEL);
    LeaseQueue queue = queue(pool);
    pool.release(granted(queue.acquireOrWait("model-a", Set.of())), KeyOutcome.NEUTRAL);
    CompletableFuture<Acquisition> waiter = queue.acquireOrWait("model-a", Set.of(), clock.millis() + 900_000);
    assertThat(waiter).isNotDone();
    clock.advance(QuotaKeyPool.LANE_IDLE.toMillis()); // the clock only: the waiter's wake-up does not run
    assertThat(pool.evictIdleLanes()).isEmpty();
    assertThat(pool.models()).containsExactly("model-a");
    waiter.cancel(false);
    assertThat(pool.evictIdleLanes()).containsExactly("model-a");
    assertThat(queue.lineCount()).isZero();
    assertThat(timer.pending()).isZero();
  }

  @Test
  void aDroppedLaneComesBackWithTheNextRequest() {
    QuotaKeyPool pool = pool(1, UNLIMITED, ModelAdmission.EVERY_MODEL);
    LeaseQueue queue = queue(pool);
    pool.release(granted(queue.acquireOrWait("model-a", Set.of())), KeyOutcome.SUCCESS);
    clock.advance(QuotaKeyPool.LANE_IDLE.toMillis());
    assertThat(pool.evictIdleLanes()).containsExactly("model-a");
    KeyLease again = granted(queue.acquireOrWait("model-a", Set.of()));
    assertThat(again.lane()).isEqualTo("model-a");
    pool.release(again, KeyOutcome.SUCCESS);
    assertThat(pool.models()).containsExactly("model-a");
    assertThat(queue.lineCount()).isEqualTo(1);
  }

  @Test
  void onlyRecordsThatHoldSomethingAreExportedAndRestored() {
    QuotaKeyPool pool = pool(2, env("DEFAULT_RPM", "0", "DEFAULT_RPD", "0",
        "MODEL_RATE_LIMITS", "{\"day-limited\": [0, 100]}"), ModelAdmission.EVERY_MODEL);
    Keys.send(pool, "unlimited");
    Keys.send(pool, "day-limited");
    pool.release(Keys.lease(pool, "cooling"), new RateLimited(Duration.ofSeconds(30), QuotaWindow.MINUTE, "PerMinute"));
    assertThat(pool.exportState().quotas()).extracting(QuotaRecord::model)
        .containsExactlyInAnyOrder("day-limited", "cooling");
    clock.advance(31_000);
    assertThat(pool.exportState().quotas()).extracting(QuotaRecord::model).containsExactly("day-limited");
    clock.advance(Duration.ofDays(1).toMillis());
    assertThat(pool.exportState().quotas()).isEmpty();
  }

  @Test
  void restoringRecordsCreatesLanesUpToMaxModelsAndSkipsThoseHoldingNothing() {
    long today = PacificDay.dayOf(clock.millis());
    String key = Keys.many(1).get(0).fingerprint();
    List<QuotaRecord> saved = List.of(
        new QuotaRecord(key, "parked", today, 3, List.of(), "PARKED", clock.millis() + 3_600_000, "PerDay", 0, 0),
        new QuotaRecord(key, "proven", today - 5, 0, List.of(), "NONE", 0, "", 0, 4),
        new QuotaRecord(key, "stale", today - 1, 7, List.of(), "COOLDOWN", clock.millis() - 1, "", 3, 0),
        new QuotaRecord(key, "beyond-cap", today, 0, List.of(), "MODEL_DISABLED", 0, "limit: 0", 0, 0),
        new QuotaRecord(key, QuotaKeyPool.UNLISTED, today, 0, List.of(), "MODEL_DISABLED", 0, "", 0, 0));
    QuotaKeyPool pool = pool(1, env("MAX_MODELS", "2", "DEFAULT_RPD", "100"), ModelAdmission.EVERY_MODEL);
    pool.importState(new PoolState(List.of(), saved));
    assertThat(pool.models()).containsExactly("parked", "proven");
    assertThat(Keys.refused(pool, "parked").earliestMillis()).isEqualTo(clock.millis() + 3_600_000);
    assertThat(pool.exportState().quotas()).extracting(QuotaRecord::model).containsExactlyInAnyOrder("parked", "proven");
  }

  @Test
  void waitersForUnknownNamesShareOneLineAndAreServedWhenTheSharedLaneFrees() {
    QuotaKeyPool pool = pool(1, env("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"), LISTED);
    LeaseQueue queue = queue(pool);
    pool.release(granted(queue.acquireOrWait("zz-1", Set.of())), KeyOutcome.NEUTRAL);
    CompletableFuture<Acquisition> second = queue.acquireOrWait("zz-2", Set.of(), clock.millis() + 100_000);
    CompletableFuture<Acquisition> third = queue.acquireOrWait("zz-3", Set.of(), clock.millis() + 100_000);
    assertThat(second).isNotDone();
    assertThat(third).isNotDone();
    assertThat(queue.lineCount()).isEqualTo(1);
    timer.advance(60_000);
    assertThat(granted(second).model()).isEqualTo("zz-2");
    assertThat(third).isNotDone();
  }

  @Test
  void maxModelsIsValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> QuotaPolicy.fromEnv(Map.of("MAX_MODELS", "0")))
        .hasMessage("MAX_MODELS: '0' (expected: a whole number from 1 to 100000)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> QuotaPolicy.fromEnv(Map.of("MAX_MODELS", "many")))
        .hasMessage("MAX_MODELS: 'many' (expected: a whole number from 1 to 100000)");
    assertThat(QuotaPolicy.fromEnv(Map.of()).maxModels()).isEqualTo(256);
  }
}
