package io.geminibalance.keypool;

import io.geminibalance.keypool.RateLimits.Limit;

/** One key's place in one model's lane. Fields other than the finals are guarded by the lane. */
final class Slot {
  enum Place { READY, DUE, OUT }

  final KeyEntry entry;
  final QuotaCell cell;
  final Limit limit;
  /** The project whose cell this is, shared with the project's other keys; null: the key's own. */
  final String project;
  Place place = Place.OUT;
  /** Bumped on every move, so a heap entry of an earlier move is recognised as stale. */
  int moves;
  /** This slot's number in its lane's {@link DueHeap}. */
  int id = -1;
  boolean detached;
  /** The lease of this slot's probe in flight, compared by identity; null if none. */
  KeyLease probe;

  Slot(KeyEntry entry, QuotaCell cell, Limit limit) {
    this(entry, cell, limit, null);
  }

  Slot(KeyEntry entry, QuotaCell cell, Limit limit, String project) {
    this.entry = entry;
    this.cell = cell;
    this.limit = limit;
    this.project = project;
  }

  boolean live() {
    return !detached && !entry.disabled();
  }
}
