package io.geminibalance.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.Acquisition;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.keypool.KeyOutcome.RateLimited;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.QuotaPolicy;
import io.geminibalance.keypool.QuotaRecord;
import io.geminibalance.storage.KeyStateWriteBehind;
import io.geminibalance.storage.KeyState;
import io.geminibalance.storage.ModelState;
import io.geminibalance.storage.Storage;
import io.geminibalance.storage.support.SqliteTestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What a key's quota row keeps across a restart, including what Google taught about its minute. */
class KeyStateSyncTest {

  @Test
  void learnedAndProvenMinuteLimitsSurviveTheStoredRow() {
    QuotaRecord saved = new QuotaRecord("fp", "gemini-2.5-flash", 20_000, 7, List.of(1_000L, 2_000L),
        "COOLDOWN", 9_000, "GenerateRequestsPerMinute|quota", 4, 4);
    QuotaRecord restored = KeyStateSync.toRecord("fp", KeyStateSync.toModelState(saved));
    assertThat(restored.learnedRpm()).isEqualTo(4);
    assertThat(restored.provenRpm()).isEqualTo(4);
    assertThat(restored.reason()).isEqualTo("GenerateRequestsPerMinute|quota");
    assertThat(restored.usedToday()).isEqualTo(7);
    assertThat(restored.recentSendsMillis()).containsExactly(2_000L, 2_000L);
  }

  @Test
  void theProjectOfAKeySurvivesTheStoredRow() {
    for (String project : List.of("projects/123456789012", "team a/eu")) {
      QuotaRecord saved = new QuotaRecord("fp", "gemini-2.5-flash", 20_000, 7, List.of(), "NONE", 0,
          "a|reason", 0, 0, project);
      QuotaRecord restored = KeyStateSync.toRecord("fp", KeyStateSync.toModelState(saved));
      assertThat(restored.project()).isEqualTo(project);
      assertThat(restored.reason()).isEqualTo("a|reason");
      assertThat(restored.provenRpm()).isZero();
    }
    QuotaRecord alone = new QuotaRecord("fp", "m", 20_000, 1, List.of(), "NONE", 0, "", 3, 5);
    assertThat(KeyStateSync.toRecord("fp", KeyStateSync.toModelState(alone)).project()).isNull();
  }

  @Test
  void aRowWrittenBeforeProvenLevelsExistedReadsAsNothingProven() {
    ModelState old = new ModelState("gemini-2.5-flash", null, "NONE|5|0@0|", LocalDate.ofEpochDay(20_000), 3);
    QuotaRecord restored = KeyStateSync.toRecord("fp", old);
    assertThat(restored.learnedRpm()).isEqualTo(5);
    assertThat(restored.provenRpm()).isZero();
  }

  @Test
  void aRowIsStoredOnlyWhileItHoldsSomethingAndDeletedOnceItHoldsNothing() throws Exception {
    AtomicLong now = new AtomicLong(Instant.parse("2026-01-10T12:00:00Z").toEpochMilli());
    InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    List<ApiKey> keys = List.of(new ApiKey("AIzaSySyncTest_000000000000000000000001"),
        new ApiKey("AIzaSySyncTest_000000000000000000000002"));
    QuotaKeyPool pool = new QuotaKeyPool(keys, QuotaPolicy.fromEnv(Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "0",
        "MODEL_RATE_LIMITS", "{\"day-limited\": [0, 100]}")), clock);
    try (SqliteTestDatabase database = new SqliteTestDatabase(); Storage storage = Storage.open(database.config())) {
      KeyStateWriteBehind writer = storage.newKeyStateWriteBehind(Duration.ofHours(1));
      KeyStateSync sync = new KeyStateSync(pool, writer);
      pool.release(lease(pool, "unlimited"), KeyOutcome.SUCCESS);
      pool.release(lease(pool, "day-limited"), KeyOutcome.SUCCESS);
      pool.release(lease(pool, "cooling"), new RateLimited(Duration.ofSeconds(30), QuotaWindow.MINUTE, "PerMinute"));
      assertThat(stored(sync, writer, storage)).containsExactlyInAnyOrder("day-limited", "cooling");

      now.addAndGet(31_000); // the cooldown is over
      assertThat(stored(sync, writer, storage)).containsExactly("day-limited");

      now.addAndGet(Duration.ofDays(1).toMillis()); // a new Pacific day: yesterday's use counts no more
      assertThat(stored(sync, writer, storage)).isEmpty();
      // The rows of keys that held something stay (a key that never did has none).
      assertThat(storage.keyStates().loadAll().join()).isNotEmpty();
    }
  }

  private static io.geminibalance.keypool.KeyLease lease(QuotaKeyPool pool, String model) {
    return ((Acquisition.Granted) pool.acquire(model, Set.of())).lease();
  }

  /** Syncs, writes, and lists the stored model rows. */
  /** 100,000 keys added at once would otherwise be 100,000 rows saying nothing. */
  @Test
  void keysInTheDefaultStateGetNoRowButAStoredRowFollowsItsKey() throws Exception {
    ApiKey idle = new ApiKey("AIzaSySyncTest_000000000000000000000003");
    ApiKey stored = new ApiKey("AIzaSySyncTest_000000000000000000000004");
    QuotaKeyPool pool = new QuotaKeyPool(List.of(idle, stored), QuotaPolicy.fromEnv(Map.of()), InstantSource.system());
    try (SqliteTestDatabase database = new SqliteTestDatabase(); Storage storage = Storage.open(database.config())) {
      KeyStateWriteBehind writer = storage.newKeyStateWriteBehind(Duration.ofHours(1));
      pool.disable(stored, "dead");
      KeyStateSync first = new KeyStateSync(pool, writer);
      first.sync();
      writer.flush();
      assertThat(storage.keyStates().loadAll().join()).extracting(KeyState::fingerprint)
          .containsExactly(stored.fingerprint());

      // A restart: the stored row is known, so putting the key back in service updates it.
      QuotaKeyPool restarted = new QuotaKeyPool(List.of(idle, stored), QuotaPolicy.fromEnv(Map.of()),
          InstantSource.system());
      List<KeyState> loaded = KeyStateSync.restore(restarted, storage.keyStates());
      KeyStateSync second = new KeyStateSync(restarted, writer, loaded);
      restarted.restore(stored);
      second.sync();
      writer.flush();
      assertThat(storage.keyStates().loadAll().join()).singleElement()
          .satisfies(state -> assertThat(state.disabled()).isFalse());
    }
  }

  private static List<String> stored(KeyStateSync sync, KeyStateWriteBehind writer, Storage storage) {
    sync.sync();
    writer.flush();
    return storage.keyStates().loadAll().join().stream().flatMap(state -> state.models().stream())
        .map(ModelState::model).toList();
  }
}
