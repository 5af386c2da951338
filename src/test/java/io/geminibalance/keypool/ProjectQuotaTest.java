package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.keypool.KeyOutcome.RateLimited;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import io.geminibalance.keypool.QuotaSnapshot.KeyModelRow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keys of one project share its quota per model, configured (KEY_PROJECTS) or learned from Google. */
class ProjectQuotaTest {
  private static final String MODEL = "gemini-2.5-flash";
  private static final List<ApiKey> KEYS = Keys.many(3);

  private final FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");

  private QuotaKeyPool pool(Map<String, String> env) {
    return new QuotaKeyPool(KEYS, QuotaPolicy.fromEnv(env), clock);
  }

  @Test
  void keysOfAConfiguredProjectShareOneMinute() {
    // Keys 0 and 1 in one project (by whole key and by last 8), key 2 alone; 4 a minute each owner.
    QuotaKeyPool pool = pool(Map.of("DEFAULT_RPM", "4", "DEFAULT_RPD", "0", "KEY_PROJECTS",
        "{\"team-a\": [\"" + KEYS.get(0).secret() + "\", \"" + KEYS.get(1).last8() + "\"]}"));
    int granted = 0;
    while (granted < 100 && pool.acquire(MODEL, Set.of()) instanceof Acquisition.Granted g) {
      pool.release(g.lease(), KeyOutcome.SUCCESS);
      granted++;
    }
    assertThat(granted).as("4 for the project's two keys, 4 for the key alone").isEqualTo(8);
    List<KeyModelRow> rows = pool.quotaSnapshot().keys();
    assertThat(rows).filteredOn(r -> r.fingerprint().equals(KEYS.get(0).fingerprint()))
        .singleElement().satisfies(r -> {
          assertThat(r.project()).isEqualTo("team-a");
          assertThat(r.usedThisMinute()).isEqualTo(4);
        });
    assertThat(rows).filteredOn(r -> r.fingerprint().equals(KEYS.get(2).fingerprint()))
        .singleElement().satisfies(r -> assertThat(r.project()).isNull());
    assertThat(pool.projectOf(KEYS.get(1))).isEqualTo("team-a");
  }

  @Test
  void aKeyHeldBackByItsProjectsProbeIsNotLeftOut() {
    List<ApiKey> two = KEYS.subList(0, 2);
    QuotaKeyPool pool = new QuotaKeyPool(two, QuotaPolicy.fromEnv(Map.of("DEFAULT_RPM", "4", "DEFAULT_RPD", "0",
        "KEY_PROJECTS", "{\"p\": [\"" + two.get(0).secret() + "\", \"" + two.get(1).secret() + "\"]}")), clock);
    KeyLease probe = Keys.lease(pool, MODEL);
    assertThat(Keys.refused(pool, MODEL).awaitingProbe()).as("the other key waits for the shared probe").isTrue();
    clock.advance(100);
    pool.release(probe, KeyOutcome.SUCCESS);
    int granted = 1;
    // Bounded: 10 s of tries, 100 ms apart, one request in flight at a time.
    for (int i = 0; i < 100 && granted < 4; i++) {
      if (pool.acquire(MODEL, Set.of()) instanceof Acquisition.Granted g) {
        pool.release(g.lease(), KeyOutcome.SUCCESS);
        granted++;
      } else {
        clock.advance(100);
      }
    }
    assertThat(granted).as("the project's minute is used by both keys").isEqualTo(4);
    assertThat(pool.quotaSnapshot().keys()).filteredOn(r -> r.model().equals(MODEL))
        .allSatisfy(r -> assertThat(r.usedThisMinute()).isEqualTo(4));
    assertThat(Keys.refused(pool, MODEL).awaitingProbe()).isFalse();
  }

  @Test
  void aProjectGoogleNamesMergesTheKeysCountsWithoutLosingOne() {
    QuotaKeyPool pool = pool(Map.of("DEFAULT_RPM", "10", "DEFAULT_RPD", "100"));
    for (int i = 0; i < 6; i++) {
      Keys.send(pool, MODEL); // two sends per key, round robin
    }
    pool.release(leaseOf(pool, KEYS.get(0)), limitedBy("projects/42"));
    pool.release(leaseOf(pool, KEYS.get(1)), limitedBy("projects/42"));
    KeyModelRow first = row(pool, KEYS.get(0));
    KeyModelRow second = row(pool, KEYS.get(1));
    assertThat(first.project()).isEqualTo("projects/42");
    assertThat(second.project()).isEqualTo("projects/42");
    assertThat(first.usedToday()).as("2 + 1 of key 0 and 2 + 1 of key 1").isEqualTo(6);
    assertThat(second.usedToday()).isEqualTo(6);
    assertThat(first.usedThisMinute()).isEqualTo(6);
    assertThat(row(pool, KEYS.get(2)).usedToday()).isEqualTo(2);
    assertThat(row(pool, KEYS.get(2)).project()).isNull();
  }

  @Test
  void projectsSurviveExportAndImport() {
    QuotaKeyPool before = pool(Map.of("DEFAULT_RPM", "10", "DEFAULT_RPD", "100"));
    Keys.send(before, MODEL);
    before.release(leaseOf(before, KEYS.get(1)), limitedBy("projects/7"));
    before.release(leaseOf(before, KEYS.get(2)), limitedBy("projects/7"));
    PoolState saved = before.exportState();
    assertThat(saved.quotas()).filteredOn(q -> "projects/7".equals(q.project())).hasSize(2);
    QuotaKeyPool after = pool(Map.of("DEFAULT_RPM", "10", "DEFAULT_RPD", "100"));
    after.importState(saved);
    assertThat(after.projectOf(KEYS.get(1))).isEqualTo("projects/7");
    assertThat(after.projectOf(KEYS.get(2))).isEqualTo("projects/7");
    assertThat(after.projectOf(KEYS.get(0))).isNull();
    assertThat(row(after, KEYS.get(1)).usedToday()).isEqualTo(row(before, KEYS.get(1)).usedToday());
    assertThat(row(after, KEYS.get(2)).usedToday()).isEqualTo(2);
  }

  @Test
  void keyProjectsIsValidatedWithoutQuotingAKey() {
    String key = KEYS.get(0).secret();
    assertThatThrownBy(() -> parse("{\"a\": [\"" + key + "\"], \"b\": [\"" + key + "\"]}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("one project").hasMessageNotContaining(key);
    assertThatThrownBy(() -> parse("{\"a\": \"" + key + "\"}"))
        .hasMessageContaining("KEY_PROJECTS").hasMessageNotContaining(key);
    assertThatThrownBy(() -> parse("{\"a\": [\"short\"]}")).hasMessageContaining("entry 0");
    assertThatThrownBy(() -> parse("{\"a|b\": [\"" + key + "\"]}")).hasMessageContaining("'|'");
    assertThatThrownBy(() -> parse("[\"" + key + "\"]")).hasMessageStartingWith("KEY_PROJECTS")
        .hasMessageNotContaining(key);
    assertThat(parse("{}").isEmpty()).isTrue();
    assertThat(parse("{\"p\": [\"" + KEYS.get(1).last8() + "\"]}").projectOf(KEYS.get(1))).isEqualTo("p");
  }

  private static KeyProjects parse(String json) {
    return KeyProjects.from(new ConfigValues(Map.of("KEY_PROJECTS", json)));
  }

  private static RateLimited limitedBy(String project) {
    return new RateLimited(Duration.ofSeconds(1), QuotaWindow.MINUTE, "PerMinute", 0, project);
  }

  private static KeyLease leaseOf(QuotaKeyPool pool, ApiKey key) {
    if (pool.acquireKey(MODEL, key.fingerprint()) instanceof Acquisition.Granted granted) {
      return granted.lease();
    }
    throw new AssertionError("no lease for the key");
  }

  private static KeyModelRow row(QuotaKeyPool pool, ApiKey key) {
    return pool.quotaSnapshot().keys().stream().filter(r -> r.fingerprint().equals(key.fingerprint())
        && r.model().equals(MODEL)).findFirst().orElseThrow();
  }
}
