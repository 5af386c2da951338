package io.geminibalance.keypool;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/** Test keys and small helpers for leasing. */
final class Keys {
  private Keys() {}

  static List<ApiKey> many(int count) {
    return IntStream.range(0, count).mapToObj(i -> new ApiKey("AIzaSyTEST-%08d".formatted(i))).toList();
  }

  static QuotaKeyPool pool(int keys, FakeClock clock, Map<String, String> env) {
    return new QuotaKeyPool(many(keys), QuotaPolicy.fromEnv(env), clock);
  }

  static KeyLease lease(KeyPool pool, String model) {
    Acquisition acquisition = pool.acquire(model, Set.of());
    if (acquisition instanceof Acquisition.Granted granted) {
      return granted.lease();
    }
    throw new AssertionError("expected a key, got " + acquisition);
  }

  /**
   * Leases and releases with success at once: one request that Google accepted. Tests of the
   * windows use it, since a lease still in flight beyond the proven level holds its key back.
   */
  static KeyLease send(KeyPool pool, String model) {
    KeyLease lease = lease(pool, model);
    pool.release(lease, KeyOutcome.SUCCESS);
    return lease;
  }

  static Acquisition.Refused refused(KeyPool pool, String model) {
    Acquisition acquisition = pool.acquire(model, Set.of());
    if (acquisition instanceof Acquisition.Refused refused) {
      return refused;
    }
    throw new AssertionError("expected a refusal, got " + acquisition);
  }
}
