package io.geminibalance.admin;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyDetail;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.QuotaSnapshot.KeyModelRow;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The pool's keys as {@code GET /api/keys} filters and sorts them ({@link KeyListing#index}).
 * Each key's whole-key state (disabled, failures, last error) is read again whenever a key was
 * disabled, restored, added, removed or counted a failure (one pass over the keys), so those
 * always show at once; a key's last error otherwise follows with the per-model state. Its state per model costs O(keys x models) cell reads (300,000 at
 * 100,000 keys and three models, seconds on a busy machine), so it is rebuilt at most every
 * {@value #MODEL_MAX_AGE_MILLIS} ms, in the background while requests keep using the previous
 * build: what traffic changes per model (a cooldown, a day count) shows a few seconds late. A
 * change through the admin API ({@link #invalidate}) makes the next request wait for a fresh
 * build, so the page shows its own change at once. Call {@link #get} off the event loops.
 */
final class KeyIndexCache {
  static final long MODEL_MAX_AGE_MILLIS = 5_000;
  private final QuotaKeyPool pool;
  private final LongSupplier clock;
  /** Keys lower-cased for search, kept across builds: keys never change. Guarded by this. */
  private Map<ApiKey, String> lowerCase = new ConcurrentHashMap<>();
  private volatile Map<ApiKey, List<KeyModelRow>> modelRows;
  private volatile long builtAtMillis;
  private boolean rebuilding;
  /** The last index, and what it was built from. Guarded by this. */
  private KeyListing.Index index;
  private Map<ApiKey, List<KeyModelRow>> indexRows;
  private long indexChange;

  KeyIndexCache(QuotaKeyPool pool, LongSupplier clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /**
   * The index now; {@code background} runs a rebuild of the per-model state when due. The index
   * itself is reused while neither the per-model state nor any key's whole-key state changed
   * ({@link QuotaKeyPool#wholeKeyChanges}).
   */
  KeyListing.Index get(Executor background) {
    Map<ApiKey, List<KeyModelRow>> rows = modelRows;
    if (rows == null) {
      rows = rebuild();
    } else if (clock.getAsLong() - builtAtMillis >= MODEL_MAX_AGE_MILLIS && startRebuild()) {
      background.execute(this::rebuild);
    }
    long change = pool.wholeKeyChanges();
    synchronized (this) {
      if (index != null && indexRows == rows && indexChange == change) {
        return index;
      }
    }
    List<KeyDetail> keys = pool.keyDetails(rows);
    KeyListing.Index built = KeyListing.index(keys, lowerCased(keys));
    synchronized (this) {
      index = built;
      indexRows = rows;
      indexChange = change;
    }
    return built;
  }

  private synchronized boolean startRebuild() {
    if (rebuilding) {
      return false;
    }
    rebuilding = true;
    return true;
  }

  private synchronized Map<ApiKey, List<KeyModelRow>> rebuild() {
    try {
      Map<ApiKey, List<KeyModelRow>> rows = pool.modelRows();
      modelRows = rows;
      builtAtMillis = clock.getAsLong();
      return rows;
    } finally {
      rebuilding = false;
    }
  }

  private synchronized Map<ApiKey, String> lowerCased(List<KeyDetail> keys) {
    if (lowerCase.size() > 2 * keys.size() + 1024) {
      lowerCase = new ConcurrentHashMap<>(); // many keys removed: forget theirs
    }
    for (KeyDetail key : keys) {
      lowerCase.computeIfAbsent(key.key(), k -> k.secret().toLowerCase(Locale.ROOT));
    }
    return lowerCase;
  }

  /** The next request rebuilds the per-model state before it answers. */
  void invalidate() {
    modelRows = null;
  }
}
