package io.geminibalance.keypool;

import java.util.Collection;
import java.util.Set;

/**
 * The pool of upstream keys. Every method is thread-safe and non-blocking: the data plane calls
 * it from event-loop threads.
 */
public interface KeyPool {

  /**
   * Takes one usable key for {@code model}, skipping the keys this request already tried.
   * Never blocks and never hands out a disabled or cooling key.
   */
  Acquisition acquire(String model, Set<ApiKey> alreadyTried);

  /**
   * Takes the key with fingerprint {@code keyFingerprint} for {@code model} if it can take a
   * request now: a stateful resource (a file, a cache, a batch) is reachable only with the key
   * that created it. Refused with the time it frees when cooling or at its limit, and permanently
   * ({@link Acquisition.Refused#permanent()}) when it is disabled or no longer in the pool.
   */
  Acquisition acquireKey(String model, String keyFingerprint);

  /** Whether a key with this fingerprint is in the pool (disabled or not). */
  boolean holdsKey(String keyFingerprint);

  /**
   * The name of the lane that serves {@code model}: requests that wait for a key wait per lane.
   * By default each base model is its own lane; a pool may make models share one.
   */
  default String laneOf(String model) {
    return ModelNames.base(model);
  }

  /** Reports how the attempt went; exactly once per granted lease. */
  void release(KeyLease lease, KeyOutcome outcome);

  /** Replaces the key set (live settings), keeping the state of keys that remain. */
  void replaceKeys(Collection<ApiKey> keys);

  /** All keys with their current state, for health, admin and the periodic re-check. */
  PoolSnapshot snapshot();

  /** Puts a key back in service (re-check passed, admin reset). */
  void restore(ApiKey key);

  /** Takes a key out of service until restored. */
  void disable(ApiKey key, String reason);

  int size();
}
