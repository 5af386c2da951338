package io.geminibalance.upstream;

import io.geminibalance.keypool.Acquisition;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyPool;
import io.vertx.core.Future;
import java.util.Set;

/** Obtains a key for one attempt; may wait for capacity, never blocks a thread. */
@FunctionalInterface
public interface Leaser {
  Future<Acquisition> lease(String model, Set<ApiKey> alreadyTried);

  /** Answers at once from the pool, without waiting. */
  static Leaser immediate(KeyPool pool) {
    return (model, tried) -> Future.succeededFuture(pool.acquire(model, tried));
  }
}
