package io.geminibalance.upstream;

import io.geminibalance.keypool.Acquisition;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyPool;
import io.vertx.core.Future;
import java.util.Set;

/** Obtains a key for one attempt; may wait for capacity, never blocks a thread. */
public interface Leaser {
  /** Any usable key for {@code model} but those already tried. */
  Future<Acquisition> lease(String model, Set<ApiKey> alreadyTried);

  /**
   * The key with this fingerprint (the key that created a resource the request names), waiting
   * while it cools or is at its limit; refused permanently when it is disabled or gone.
   */
  Future<Acquisition> leaseKey(String model, String keyFingerprint);

  /** Answers at once from the pool, without waiting. */
  static Leaser immediate(KeyPool pool) {
    return new Leaser() {
      @Override
      public Future<Acquisition> lease(String model, Set<ApiKey> alreadyTried) {
        return Future.succeededFuture(pool.acquire(model, alreadyTried));
      }

      @Override
      public Future<Acquisition> leaseKey(String model, String keyFingerprint) {
        return Future.succeededFuture(pool.acquireKey(model, keyFingerprint));
      }
    };
  }
}
