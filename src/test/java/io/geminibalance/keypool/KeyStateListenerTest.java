package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pool tells its key-state listeners of real changes only, and a plain success costs nothing. */
class KeyStateListenerTest {
  private static final String MODEL = "gemini-2.5-flash";

  private final FakeClock clock = FakeClock.at("2026-01-10T12:00:00Z");
  private final List<String> heard = new ArrayList<>();

  private QuotaKeyPool pool() {
    QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "0", "MAX_FAILURES", "3"));
    pool.onKeyState(new KeyStateListener() {
      @Override
      public void failureCounted(ApiKey key, String reason) {
        heard.add("failure " + reason);
      }

      @Override
      public void failuresCleared(ApiKey key) {
        heard.add("cleared");
      }

      @Override
      public void disabled(ApiKey key, String reason) {
        heard.add("disabled");
      }

      @Override
      public void restored(ApiKey key) {
        heard.add("restored");
      }
    });
    return pool;
  }

  @Test
  void failuresSuccessesDisablesAndRestoresAreHeardOnlyWhenTheyChangeSomething() {
    QuotaKeyPool pool = pool();
    ApiKey key = Keys.many(1).get(0);
    pool.release(Keys.lease(pool, MODEL), KeyOutcome.SUCCESS);
    assertThat(heard).as("a success without failures before it").isEmpty();

    pool.release(Keys.lease(pool, MODEL), new KeyOutcome.KeyFailure("boom"));
    pool.release(Keys.lease(pool, MODEL), KeyOutcome.SUCCESS);
    pool.release(Keys.lease(pool, MODEL), KeyOutcome.SUCCESS);
    assertThat(heard).containsExactly("failure boom", "cleared");

    heard.clear();
    for (int i = 0; i < 3; i++) {
      pool.release(Keys.lease(pool, MODEL), new KeyOutcome.KeyFailure("boom"));
    }
    assertThat(heard).containsExactly("failure boom", "failure boom", "failure boom", "disabled");
    pool.disable(key, "again");
    assertThat(heard).as("already disabled").hasSize(4);

    heard.clear();
    pool.restore(key);
    pool.restore(key);
    assertThat(heard).as("the second restore changes nothing").containsExactly("restored");
  }

  @Test
  void aDisableDecidedElsewhereIsAppliedButHeardByNoListenerSoNoAlertIsSentTwice() {
    QuotaKeyPool pool = pool();
    pool.onDisabled(event -> heard.add("alert"));
    ApiKey key = Keys.many(1).get(0);
    pool.disableDecidedElsewhere(key, "API_KEY_INVALID (on another instance)");
    assertThat(pool.snapshot().disabled()).isEqualTo(1);
    assertThat(pool.snapshot().keys().get(0).disabledReason()).contains("another instance");
    assertThat(heard).isEmpty();
    pool.restore(key);
    pool.disable(key, "here");
    assertThat(heard).containsExactly("restored", "disabled", "alert");
  }

  @Test
  void failuresSetFromElsewhereAreNotHeardButTheSuccessThatEndsThemIs() {
    QuotaKeyPool pool = pool();
    ApiKey key = Keys.many(1).get(0);
    assertThat(pool.keyOf(key.fingerprint())).isEqualTo(key);
    assertThat(pool.keyOf("no-such-fingerprint")).isNull();
    pool.setFailures(key, 2);
    assertThat(heard).isEmpty();
    assertThat(pool.snapshot().keys().get(0).failures()).isEqualTo(2);
    pool.release(Keys.lease(pool, MODEL), KeyOutcome.SUCCESS);
    assertThat(heard).containsExactly("cleared");
    assertThat(pool.snapshot().keys().get(0).failures()).isZero();
  }
}
