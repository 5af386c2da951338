package io.geminibalance.bench;

import io.geminibalance.keypool.Acquisition;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.QuotaPolicy;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One lease and its release, the pool's cost per upstream attempt, at growing pool sizes. The
 * fake clock advances per operation so that requests arrive at 90 % of the pool's capacity
 * (5 RPM per key), whatever the pool's size: the minute windows fill and free as in real
 * traffic; in steady state about half the keys wait in the due queue for their window and the
 * rest take turns in the ready ring, and each lease moves about one key each way.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LeaseReleaseBenchmark {

  private static final int RPM = 5;
  private static final double LOAD = 0.9;

  @Param({"1000", "10000", "100000"})
  public int keys;

  /** Per-minute limit per key; {@code -p rpm=0} measures the ready ring alone (no waiting keys). */
  @Param({"5"})
  public int rpm;

  private TickingClock clock;
  private QuotaKeyPool pool;
  private long refusals;

  @Setup(Level.Trial)
  public void setUp() {
    List<ApiKey> apiKeys = IntStream.range(0, keys)
        .mapToObj(i -> new ApiKey("AIzaSyBENCH-%08d".formatted(i))).toList();
    long stepMicros = (long) Math.ceil(60_000_000.0 / (keys * RPM * LOAD));
    clock = new TickingClock(Instant.parse("2026-01-10T18:00:00Z").toEpochMilli(), stepMicros);
    pool = new QuotaKeyPool(apiKeys, QuotaPolicy.fromEnv(Map.of("DEFAULT_RPM", Integer.toString(rpm), "DEFAULT_RPD", "0")), clock);
  }

  @Benchmark
  public Acquisition leaseAndRelease() {
    clock.tick();
    Acquisition acquisition = pool.acquire("gemini-2.5-flash", Set.of());
    if (acquisition instanceof Acquisition.Granted granted) {
      pool.release(granted.lease(), KeyOutcome.SUCCESS);
    } else {
      refusals++;
    }
    return acquisition;
  }

  /** Should stay 0 at 90 % load: a refusal would mean the benchmark measured the wrong path. */
  @TearDown(Level.Trial)
  public void reportRefusals() {
    System.out.println("refusals at " + keys + " keys: " + refusals);
  }

  /** Moves a fixed step per operation; only the benchmark thread reads it. */
  static final class TickingClock implements InstantSource {
    private final long stepMicros;
    private long nowMicros;

    TickingClock(long startMillis, long stepMicros) {
      this.nowMicros = startMillis * 1_000;
      this.stepMicros = stepMicros;
    }

    void tick() {
      nowMicros += stepMicros;
    }

    @Override
    public long millis() {
      return nowMicros / 1_000;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }
  }
}
