package io.geminibalance.keypool;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Notices when several keys of one model are refused within a second although they sent little:
 * Google is then throttling the gateway's IP, not the keys, and cooling every key would empty
 * the pool for nothing. One detector per model; thread-safe.
 */
final class ThrottleDetector {
  static final long SPAN_MILLIS = 1_000;
  static final int DISTINCT_KEYS = 3;

  private record Refusal(long atMillis, ApiKey key) {}

  private final Deque<Refusal> recent = new ArrayDeque<>();
  private long quietUntil;

  /**
   * Records one low-count refusal.
   *
   * @return true once per episode, when the refusals look like an IP throttle
   */
  synchronized boolean refused(ApiKey key, long nowMillis, long backoffMillis) {
    recent.addLast(new Refusal(nowMillis, key));
    while (!recent.isEmpty() && recent.peekFirst().atMillis() <= nowMillis - SPAN_MILLIS) {
      recent.removeFirst();
    }
    if (nowMillis < quietUntil || distinctKeys() < DISTINCT_KEYS) {
      return false;
    }
    quietUntil = nowMillis + backoffMillis;
    recent.clear();
    return true;
  }

  private int distinctKeys() {
    Set<ApiKey> keys = new HashSet<>();
    recent.forEach(r -> keys.add(r.key()));
    return keys.size();
  }
}
