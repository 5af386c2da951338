package io.geminibalance.admin;

import io.geminibalance.keypool.KeyDetail;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The pool's keys as {@code GET /api/keys} filters and sorts them ({@link KeyListing#index}), built
 * at most once per {@value #MAX_AGE_MILLIS} ms and dropped at once by every change made through
 * the admin API or by a change of a key's whole-key state (disabled, restored, a failure counted,
 * keys added or removed: the pool counts them). Reading every key's state for every model costs
 * O(keys x models) (about 300,000 cells at 100,000 keys and three models): without this each
 * keystroke in the page's search box would pay it. What traffic changes per model (a cooldown,
 * a day count) shows at most that much later.
 * Build it off the event loops: callers wait for a build under way rather than start their own.
 */
final class KeyIndexCache {
  static final long MAX_AGE_MILLIS = 2_000;
  private final Supplier<List<KeyDetail>> source;
  private final LongSupplier changes;
  private final LongSupplier clock;
  private KeyListing.Index index;
  private long builtAtMillis;
  private long builtAtChange;

  /**
   * @param changes a count that grows with every whole-key change ({@code QuotaKeyPool::wholeKeyChanges})
   */
  KeyIndexCache(Supplier<List<KeyDetail>> source, LongSupplier changes, LongSupplier clock) {
    this.source = source;
    this.changes = changes;
    this.clock = clock;
  }

  synchronized KeyListing.Index get() {
    long now = clock.getAsLong();
    long change = changes.getAsLong();
    if (index == null || now - builtAtMillis >= MAX_AGE_MILLIS || change != builtAtChange) {
      index = KeyListing.index(source.get());
      builtAtMillis = clock.getAsLong();
      builtAtChange = change;
    }
    return index;
  }

  synchronized void invalidate() {
    index = null;
  }
}
