package io.geminibalance.admin;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyDetail;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.QuotaSnapshot.KeyModelRow;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The pool's keys as {@code GET /api/keys} filters and sorts them ({@link KeyListing#index}).
 * Each key's whole-key state (disabled, failures, last error) is read fresh for every request: that
 * is one pass over the keys. Its state per model costs O(keys x models) cell reads (300,000 at
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
  private Map<ApiKey, String> lowerCase = new HashMap<>();
  private volatile Map<ApiKey, List<KeyModelRow>> modelRows;
  private volatile long builtAtMillis;
  private boolean rebuilding;

  KeyIndexCache(QuotaKeyPool pool, LongSupplier clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** The index now; {@code background} runs a rebuild of the per-model state when due. */
  KeyListing.Index get(Executor background) {
    Map<ApiKey, List<KeyModelRow>> rows = modelRows;
    if (rows == null) {
      rows = rebuild();
    } else if (clock.getAsLong() - builtAtMillis >= MODEL_MAX_AGE_MILLIS && startRebuild()) {
      background.execute(this::rebuild);
    }
    List<KeyDetail> keys = pool.keyDetails(rows);
    return KeyListing.index(keys, lowerCased(keys));
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
    Map<ApiKey, String> next = new HashMap<>(keys.size() * 2);
    for (KeyDetail key : keys) {
      String lower = lowerCase.get(key.key());
      next.put(key.key(), lower != null ? lower : key.key().secret().toLowerCase(Locale.ROOT));
    }
    lowerCase = next;
    return next;
  }

  /** The next request rebuilds the per-model state before it answers. */
  void invalidate() {
    modelRows = null;
  }
}
