package io.geminibalance.cluster;

import io.vertx.core.Future;

/**
 * Counts events per key in fixed windows: a key's window starts with its first count and lasts
 * {@code windowMillis}; the next count after that starts a new one. What admin-login throttling
 * counts failures with, and what per-client limits can count requests with: {@link
 * LocalWindowCounter} in one instance, {@link RedisWindowCounter} across the instances on one Redis
 * (local while Redis is away). Answers never fail: a counter that cannot reach Redis answers from
 * its local counts.
 */
public interface WindowCounter {
  /** A key's count in its current window, and the milliseconds until that window ends (0: none). */
  record Count(long count, long millisLeft) {
    public static final Count NONE = new Count(0, 0);

    /** The stricter of two views of one key: the higher count, with its window's end. */
    Count max(Count other) {
      return other.count > count ? other : this;
    }
  }

  /** Counts one event for {@code key}; completes with the count including it. */
  Future<Count> add(String key);

  /** The count of {@code key} now, without counting. */
  Future<Count> read(String key);

  /** Forgets {@code key}'s window (its next count starts a new one). */
  void clear(String key);
}
