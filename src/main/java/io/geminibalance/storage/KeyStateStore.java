package io.geminibalance.storage;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Key-pool state across restarts; written behind by {@link KeyStateWriteBehind}. */
public interface KeyStateStore {
  CompletableFuture<List<KeyState>> loadAll();

  /**
   * Replaces the stored state of each given key, model rows included: after it, a key's model
   * rows are exactly those its state names (the pool stores only rows that hold something, so a
   * row whose cooldown, park or day is over is deleted rather than left stale).
   */
  CompletableFuture<Void> upsert(Collection<KeyState> states);
}
