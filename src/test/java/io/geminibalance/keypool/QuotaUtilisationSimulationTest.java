package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.KeyOutcome.RateLimited;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Overload at twice the pool's capacity for several simulated minutes, through the wait queue,
 * against a fake Google that enforces the true per-minute limits. Pure: fake clock and timer.
 */
class QuotaUtilisationSimulationTest {
  private static final int KEYS = 20;
  private static final int MINUTES = 6;
  /** Minutes to prove a 10 RPM limit one 10-second probe at a time. */
  private static final int COLD_START_MINUTES = 2;
  private static final Map<String, Integer> TRUE_RPM = Map.of("gemini-2.5-flash", 10, "gemini-2.5-pro", 5);

  @Test
  void rightLimitsServeTheWholeCapacityWithoutA429() {
    Run run = new Run(TRUE_RPM, 1);
    run.overload();
    run.print("limits right");
    assertThat(run.upstream.refusals()).isZero();
    assertThat(run.served).isLessThanOrEqualTo(run.theoretical());
    assertThat(run.served).isGreaterThanOrEqualTo((long) Math.ceil(0.99 * run.theoretical()));
  }

  /**
   * Answers take 10 s here, so each key has several requests in flight when Google's first 429
   * comes: only the probe beyond the proven level may be refused. From a cold start (nothing
   * proven yet) each key sends one request at a time until it has proven its limit: 10 probes of
   * 10 s for a 10 RPM key, so the first two minutes serve fewer (measured: 94-96 % of the whole
   * run); after that the whole capacity is used.
   */
  @Test
  void slowAnswersAndLimitsTwiceTooHighStillCostAtMostOne429PerKeyAndModel() {
    Run run = new Run(TRUE_RPM, 2, 10_000);
    run.overload();
    run.print("limits 2x too high, 10 s answers");
    assertThat(run.upstream.mostRefusalsOfOneKeyAndModel()).isLessThanOrEqualTo(1);
    assertThat(run.servedAfterColdStart).isGreaterThanOrEqualTo((long) Math.ceil(0.99 * run.theoretical(MINUTES - COLD_START_MINUTES)));
  }

  @Test
  void slowAnswersAndRightLimitsServeTheWholeCapacityWithoutA429AfterTheColdStart() {
    Run run = new Run(TRUE_RPM, 1, 10_000);
    run.overload();
    run.print("limits right, 10 s answers");
    assertThat(run.upstream.refusals()).isZero();
    assertThat(run.servedAfterColdStart).isGreaterThanOrEqualTo((long) Math.ceil(0.99 * run.theoretical(MINUTES - COLD_START_MINUTES)));
  }

  @Test
  void limitsTwiceTooHighCostAtMostOne429PerKeyAndModel() {
    Run run = new Run(TRUE_RPM, 2);
    run.overload();
    run.print("limits 2x too high");
    assertThat(run.upstream.mostRefusalsOfOneKeyAndModel()).isLessThanOrEqualTo(1);
    assertThat(run.served).isGreaterThanOrEqualTo((long) Math.ceil(0.95 * run.theoretical()));
  }

  /** One simulated run: arrivals, the pool, its queue and the fake upstream. */
  private static final class Run {
    final FakeClock clock = FakeClock.at("2026-01-10T18:00:00Z");
    final FakeTimer timer = new FakeTimer(clock);
    final FakeUpstream upstream;
    final QuotaKeyPool pool;
    final LeaseQueue queue;
    final long start = clock.millis();
    final long latencyMillis;
    long served;
    /** Accepted sends from the third minute on. */
    long servedAfterColdStart;
    long refusedByGateway;

    Run(Map<String, Integer> trueRpm, int overstatement) {
      this(trueRpm, overstatement, 0);
    }

    /** {@code latencyMillis}: from the send (when Google counts it) to the answer. */
    Run(Map<String, Integer> trueRpm, int overstatement, long latencyMillis) {
      this.latencyMillis = latencyMillis;
      upstream = new FakeUpstream(trueRpm);
      String limits = "{\"gemini-2.5-flash\": [%d, 0], \"gemini-2.5-pro\": [%d, 0]}".formatted(
          trueRpm.get("gemini-2.5-flash") * overstatement, trueRpm.get("gemini-2.5-pro") * overstatement);
      pool = new QuotaKeyPool(Keys.many(KEYS), QuotaPolicy.fromEnv(Map.of("MODEL_RATE_LIMITS", limits)), clock);
      queue = LeaseQueue.over(pool, timer, clock, LeaseQueue.Settings.DEFAULTS);
    }

    long theoretical() {
      return theoretical(MINUTES);
    }

    long theoretical(int minutes) {
      return (long) KEYS * minutes * TRUE_RPM.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Arrivals at twice the capacity of each model, evenly spaced, interleaved. */
    void overload() {
      List<String> models = List.copyOf(TRUE_RPM.keySet());
      long end = start + MINUTES * 60_000L;
      for (String model : models) {
        long perMinute = 2L * KEYS * TRUE_RPM.get(model);
        long spacingMicros = 60_000_000L / perMinute;
        for (long at = 0; start + at / 1000 < end; at += spacingMicros) {
          long arrival = start + at / 1000;
          timer.schedule(arrival - start, () -> request(model, Set.of(), clock.millis() + 10_000));
        }
      }
      timer.advance(end - start - 1); // sends in [start, end): the theoretical window
    }

    void request(String model, Set<ApiKey> tried, long deadline) {
      queue.acquireOrWait(model, tried, deadline).thenAccept(a -> attempt(model, tried, deadline, a));
    }

    void attempt(String model, Set<ApiKey> tried, long deadline, Acquisition acquisition) {
      if (!(acquisition instanceof Acquisition.Granted granted)) {
        refusedByGateway++;
        return;
      }
      KeyLease lease = granted.lease();
      FakeUpstream.Answer answer = upstream.send(lease.key(), model, clock.millis());
      if (answer.accepted()) { // counted when Google accepts: answers of the run's last sends come after it
        served++;
        servedAfterColdStart += lease.acquiredAtMillis() >= start + COLD_START_MINUTES * 60_000L ? 1 : 0;
      }
      if (latencyMillis == 0) {
        answered(model, tried, deadline, lease, answer);
      } else {
        timer.schedule(latencyMillis, () -> answered(model, tried, deadline, lease, answer));
      }
    }

    void answered(String model, Set<ApiKey> tried, long deadline, KeyLease lease, FakeUpstream.Answer answer) {
      if (answer.accepted()) {
        pool.release(lease, KeyOutcome.SUCCESS);
        return;
      }
      pool.release(lease, new RateLimited(answer.retryDelay(), QuotaWindow.MINUTE, "GenerateRequestsPerMinute"));
      Set<ApiKey> next = new HashSet<>(tried);
      next.add(lease.key());
      if (next.size() < 3) {
        request(model, next, deadline);
      }
    }

    void print(String scenario) {
      System.out.printf("[simulation] %s: %d keys x 2 models, %d min at 2x capacity: served %d / theoretical %d"
              + " (%.2f %%), from minute %d: %.2f %%, upstream 429s %d (most for one key+model: %d),"
              + " refused by the gateway %d%n",
          scenario, KEYS, MINUTES, served, theoretical(), 100.0 * served / theoretical(),
          COLD_START_MINUTES + 1, 100.0 * servedAfterColdStart / theoretical(MINUTES - COLD_START_MINUTES),
          upstream.refusals(), upstream.mostRefusalsOfOneKeyAndModel(), refusedByGateway);
    }
  }
}
