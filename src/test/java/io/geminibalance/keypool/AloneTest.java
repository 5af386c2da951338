package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A pool whose shared authority (Redis) went away: it waits out the others' last minute, then
 * sends its share of each limit, keeps its sends apart for the authority, and takes the whole
 * limits again when told.
 */
class AloneTest {
  private static final String MODEL = "gemini-2.5-flash";
  /** Rank 0 of 3: the first share of a limit (10 -> 4, 100 -> 34). */
  private static final IntUnaryOperator FIRST_OF_THREE = limit -> limit / 3 + (0 < limit % 3 ? 1 : 0);

  private final FakeClock clock = FakeClock.at("2026-03-02T12:00:00Z");
  private final QuotaKeyPool pool = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "10", "DEFAULT_RPD", "100"));

  private int sendsUntilRefused() {
    int sent = 0;
    while (pool.acquire(MODEL, Set.of()) instanceof Acquisition.Granted granted) {
      pool.release(granted.lease(), KeyOutcome.SUCCESS);
      sent++;
    }
    return sent;
  }

  @Test
  void waitsOutTheLastSharedMinuteThenSendsItsShareAndKeepsItsSendsApart() {
    KeyLease before = Keys.send(pool, MODEL);
    pool.noteShared(before, -1, 40, PacificDay.dayOf(clock.millis())); // the others sent 39 today
    long away = clock.millis() + 1_000;
    clock.set(away);
    pool.scheduleAlone(FIRST_OF_THREE);
    assertThat(pool.alone()).isTrue();
    Acquisition.Refused waiting = Keys.refused(pool, MODEL);
    assertThat(waiting.earliestMillis()).isEqualTo(away + 60_000);

    clock.set(away + 60_000);
    assertThat(sendsUntilRefused()).as("the minute's share: 4 of 10").isEqualTo(4);
    List<io.geminibalance.keypool.SharedQuota.Sent> sent = pool.sentAlone(false);
    assertThat(sent).singleElement().satisfies(cell -> {
      assertThat(cell.model()).isEqualTo(MODEL);
      assertThat(cell.sendsMillis()).hasSize(4).containsOnly(away + 60_000);
      assertThat(cell.today()).isEqualTo(4);
    });
    assertThat(pool.sentAlone(true)).singleElement()
        .satisfies(cell -> assertThat(cell.today()).as("everything: the day's own sends").isEqualTo(5));

    pool.scheduleShared();
    assertThat(pool.alone()).isFalse();
    clock.set(away + 120_001);
    assertThat(sendsUntilRefused()).as("the whole minute again").isEqualTo(10);
  }

  /**
   * The day: 40 sent across instances when it went away leaves 60, of which this instance's share
   * (rank 0 of 3) is 20; over a few minutes it sends no more than that.
   */
  @Test
  void sendsItsShareOfWhatTheDayHadLeft() {
    KeyLease before = Keys.send(pool, MODEL);
    pool.noteShared(before, -1, 40, PacificDay.dayOf(clock.millis()));
    pool.scheduleAlone(FIRST_OF_THREE);
    int sent = 0;
    for (int minute = 1; minute <= 10; minute++) {
      clock.set(clock.millis() + 61_000);
      sent += sendsUntilRefused();
    }
    assertThat(sent).isEqualTo(20);
  }

  /**
   * Auto limits (the default) have a far ceiling that only probing climbs to. Across instances the
   * shared count keeps to the table's figure (10 for Flash), a probe one beyond; alone, an instance
   * keeps to its share of that figure, never of the ceiling.
   */
  @Test
  void autoLimitsKeepToTheTablesFigureAcrossInstancesAndToTheirShareOfItAlone() {
    QuotaKeyPool auto = Keys.pool(1, clock, Map.of());
    KeyLease lease = Keys.lease(auto, MODEL);
    assertThat(auto.claim(lease).rpm()).as("the shared minute limit of a lease within the level").isEqualTo(10);
    auto.release(lease, KeyOutcome.SUCCESS);

    auto.scheduleAlone(FIRST_OF_THREE);
    clock.set(clock.millis() + 61_000);
    int sent = 0;
    while (auto.acquire(MODEL, Set.of()) instanceof Acquisition.Granted granted) {
      auto.release(granted.lease(), KeyOutcome.SUCCESS);
      if (++sent > 100) {
        break;
      }
    }
    assertThat(sent).as("rank 0 of 3: its share of the table's 10").isEqualTo(4);
  }

  /**
   * Redis away for a moment: once it confirms takes again, the cells stop waiting out the minute
   * (every take counts everyone's sends there), keeping their share until scheduled shared again.
   */
  @Test
  void aShortOutageDoesNotHoldTheKeysForAMinute() {
    pool.scheduleAlone(FIRST_OF_THREE);
    assertThat(Keys.refused(pool, MODEL).earliestMillis()).isEqualTo(clock.millis() + 60_000);
    clock.set(clock.millis() + 1_000);
    pool.liftAwayHolds();
    assertThat(sendsUntilRefused()).as("its share at once: 4 of 10").isEqualTo(4);
  }

  /** Sends counted on Redis at its return are not handed over again if it goes away once more. */
  @Test
  void sendsCountedAtTheReturnAreNotCountedTwice() {
    pool.scheduleAlone(FIRST_OF_THREE, false);
    assertThat(sendsUntilRefused()).isEqualTo(4);
    assertThat(pool.sentAlone(false)).singleElement().satisfies(cell -> assertThat(cell.today()).isEqualTo(4));
    pool.countedAlone();
    assertThat(pool.sentAlone(false)).as("nothing new since the count").isEmpty();
    clock.set(clock.millis() + 61_000);
    assertThat(sendsUntilRefused()).isEqualTo(4);
    assertThat(pool.sentAlone(false)).singleElement().satisfies(cell -> {
      assertThat(cell.today()).isEqualTo(4);
      assertThat(cell.sendsMillis()).hasSize(4);
    });
  }

  /** Alone from the start (Redis never answered): nothing of the others' last minute to wait out. */
  @Test
  void aloneFromTheStartServesItsShareAtOnce() {
    pool.scheduleAlone(FIRST_OF_THREE, false);
    assertThat(sendsUntilRefused()).isEqualTo(4);
  }

  /** A restarted instance asks Redis again: the holds that came from it are not restored. */
  @Test
  void holdsFromTheSharedCountsAreNotRestoredAfterARestart() {
    Keys.send(pool, MODEL);
    pool.scheduleAlone(FIRST_OF_THREE);
    assertThat(Keys.refused(pool, MODEL).earliestMillis()).isGreaterThan(clock.millis());
    QuotaKeyPool restarted = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "10", "DEFAULT_RPD", "100"));
    restarted.importState(pool.exportState());
    assertThat(restarted.acquire(MODEL, Set.of())).isInstanceOf(Acquisition.Granted.class);
  }

  @Test
  void aKeyWithoutAShareWaitsUntilTheAuthorityIsBack() {
    QuotaKeyPool small = Keys.pool(1, clock, Map.of("DEFAULT_RPM", "1", "DEFAULT_RPD", "0"));
    small.scheduleAlone(limit -> limit / 3); // rank 2 of 3: no share of 1
    clock.set(clock.millis() + 61_000);
    assertThat(small.acquire(MODEL, Set.of())).isInstanceOf(Acquisition.Refused.class);
    small.scheduleShared();
    assertThat(small.acquire(MODEL, Set.of())).isInstanceOf(Acquisition.Granted.class);
  }
}
