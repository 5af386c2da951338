package io.geminibalance.storage;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Key-pool state across restarts; written behind by {@link KeyStateWriteBehind}. */
public interface KeyStateStore {
  CompletableFuture<List<KeyState>> loadAll();

  /** Replaces the stored state of each given key; model rows not named in a state are kept. */
  CompletableFuture<Void> upsert(Collection<KeyState> states);
}
