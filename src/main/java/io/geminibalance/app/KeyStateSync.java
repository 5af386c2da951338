package io.geminibalance.app;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyPool;
import io.geminibalance.keypool.PoolSnapshot;
import io.geminibalance.storage.KeyState;
import io.geminibalance.storage.KeyStateStore;
import io.geminibalance.storage.KeyStateWriteBehind;
import io.geminibalance.storage.ModelState;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps the pool's key state in storage: restores it at start, then periodically writes the keys
 * whose state changed (write-behind; the final flush happens when storage closes, also on
 * SIGTERM). Comparing snapshots keeps the pool free of persistence concerns.
 */
final class KeyStateSync {
  /** The pseudo-model under which a whole-key cooldown is stored. */
  static final String ALL_MODELS = "*";

  private final KeyPool pool;
  private final KeyStateWriteBehind writer;
  private final Map<String, PoolSnapshot.KeyStatus> lastWritten = new HashMap<>();

  KeyStateSync(KeyPool pool, KeyStateWriteBehind writer) {
    this.pool = pool;
    this.writer = writer;
  }

  /** Puts stored state back into the pool: disabled keys stay disabled, cooldowns keep running. */
  static void restore(KeyPool pool, KeyStateStore store, long nowMillis) {
    Map<String, KeyState> byFingerprint = new HashMap<>();
    store.loadAll().join().forEach(s -> byFingerprint.put(s.fingerprint(), s));
    for (PoolSnapshot.KeyStatus status : pool.snapshot().keys()) {
      KeyState saved = byFingerprint.get(status.key().fingerprint());
      if (saved != null) {
        pool.importState(status.key(), saved.disabled(), saved.disabledReason(), saved.failureCount(),
            coolingUntil(saved, nowMillis));
      }
    }
  }

  private static long coolingUntil(KeyState saved, long nowMillis) {
    return saved.models().stream()
        .filter(m -> ALL_MODELS.equals(m.model()) && m.parkedUntil() != null)
        .mapToLong(m -> m.parkedUntil().toEpochMilli())
        .filter(until -> until > nowMillis)
        .max().orElse(0);
  }

  /** Records every key whose state differs from what was last written. */
  synchronized void sync() {
    for (PoolSnapshot.KeyStatus status : pool.snapshot().keys()) {
      String fingerprint = status.key().fingerprint();
      if (!Objects.equals(lastWritten.get(fingerprint), status)) {
        writer.record(toState(status.key(), status));
        lastWritten.put(fingerprint, status);
      }
    }
  }

  private static KeyState toState(ApiKey key, PoolSnapshot.KeyStatus status) {
    List<ModelState> models = status.coolingUntilMillis() > 0
        ? List.of(new ModelState(ALL_MODELS, Instant.ofEpochMilli(status.coolingUntilMillis()), "cooldown",
            null, 0))
        : List.of();
    return new KeyState(key.fingerprint(), status.disabled(),
        status.disabledReason() == null ? "" : status.disabledReason(), status.failures(), models, Instant.now());
  }
}
