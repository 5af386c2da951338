package io.geminibalance.keypool;

import java.util.Arrays;

/**
 * The send times of the last {@code capacity} requests, so that "at most N requests in ANY
 * 60-second window" can be checked exactly in O(1): a new request may go at {@code t} when the
 * N-th most recent send is at or before {@code t - 60 s}. A token bucket starting full would let
 * 2N through across a window boundary; this cannot. Not thread-safe: the owner locks.
 *
 * <p>Extended by {@link MemoryCell} rather than referenced from it: one object less to fetch per
 * lease, which at 100,000 keys is one cache miss less.
 */
class SlidingWindow {
  static final long WINDOW_MILLIS = 60_000;

  private long[] sends;
  private int next;
  private int count;

  SlidingWindow(int capacity) {
    this.sends = new long[Math.max(capacity, 1)];
  }

  int capacity() {
    return sends.length;
  }

  /** Makes room for {@code capacity} sends, keeping the most recent ones. */
  void grow(int capacity) {
    long[] kept = all();
    sends = new long[Math.max(capacity, 1)];
    restoreSends(kept);
  }

  /** The earliest time a request may go with at most {@code limit} per window (limit <= capacity). */
  long freeAt(int limit) {
    if (count < limit) {
      return Long.MIN_VALUE;
    }
    return nthMostRecent(limit) + WINDOW_MILLIS;
  }

  void record(long millis) {
    sends[next] = millis;
    next = (next + 1) % sends.length;
    count = Math.min(count + 1, sends.length);
  }

  /**
   * Removes one send made at {@code millis} (the most recent such), moving the later ones back a
   * place, so the window holds what it would had that send never been made.
   *
   * @return false when no remembered send was made then
   */
  boolean forget(long millis) {
    int found = 0;
    for (int n = 1; n <= count && found == 0; n++) {
      if (nthMostRecent(n) == millis) {
        found = n;
      }
    }
    if (found == 0) {
      return false;
    }
    for (int n = found; n > 1; n--) {
      sends[Math.floorMod(next - n, sends.length)] = nthMostRecent(n - 1);
    }
    next = Math.floorMod(next - 1, sends.length);
    sends[next] = 0;
    count--;
    return true;
  }

  /** Sends in (now - 60 s, now]. */
  int usedAt(long now) {
    int used = 0;
    for (int n = 1; n <= count; n++) {
      if (nthMostRecent(n) > now - WINDOW_MILLIS) {
        used++;
      } else {
        break;
      }
    }
    return used;
  }

  /**
   * The send the next {@link #record} replaces, which is also the one {@link #freeAt} reads at
   * the full limit; see {@link QuotaCell#warm}.
   */
  long nextToReplace() {
    long[] current = sends; // read without the owner's lock: the array may grow meanwhile
    return current[next % current.length];
  }

  /** Sends in (afterMillis, untilMillis]. */
  int countIn(long afterMillis, long untilMillis) {
    int counted = 0;
    for (int n = 1; n <= count; n++) {
      long send = nthMostRecent(n);
      if (send <= afterMillis) {
        break;
      }
      if (send <= untilMillis) {
        counted++;
      }
    }
    return counted;
  }

  /** Oldest first, for export. */
  long[] recent(long now) {
    int used = usedAt(now);
    long[] out = new long[used];
    for (int n = 1; n <= used; n++) {
      out[used - n] = nthMostRecent(n);
    }
    return out;
  }

  /** Every remembered send, oldest first. */
  long[] all() {
    long[] out = new long[count];
    for (int n = 1; n <= count; n++) {
      out[count - n] = nthMostRecent(n);
    }
    return out;
  }

  void restoreSends(long[] oldestFirst) {
    Arrays.fill(sends, 0);
    next = 0;
    count = 0;
    int from = Math.max(0, oldestFirst.length - sends.length);
    for (int i = from; i < oldestFirst.length; i++) {
      record(oldestFirst[i]);
    }
  }

  private long nthMostRecent(int n) {
    int index = Math.floorMod(next - n, sends.length);
    return sends[index];
  }
}
