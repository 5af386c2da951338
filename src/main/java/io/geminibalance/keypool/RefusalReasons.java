package io.geminibalance.keypool;

import java.util.Set;

/**
 * The sentence a refused client reads. It says that the gateway's own pool refused, so that a
 * 429 from the gateway is not mistaken for Google's.
 */
final class RefusalReasons {
  private RefusalReasons() {}

  static String explain(ModelLane lane, Set<ApiKey> tried, long earliestMillis, long nowMillis) {
    String model = lane.model;
    if (nowMillis < lane.backoffUntil()) {
      return "Gateway paused requests for " + model + " briefly: Google refused several keys at once"
          + " (likely an IP-level throttle).";
    }
    if (!tried.isEmpty() && lane.readyCount() > 0) {
      return "Gateway key pool: every key that can serve " + model + " now was already tried for this request.";
    }
    if (lane.probing() > 0 && lane.readyCount() == 0) {
      return "Gateway key pool: every key that can serve " + model + " now is waiting for the answer"
          + " to a request beyond what Google has accepted from it so far (one such probe at a time"
          + " per key, so that a configured limit set too high costs at most one 429).";
    }
    if (earliestMillis < 0) {
      return "Gateway key pool: no enabled key can serve " + model + ".";
    }
    long seconds = Math.max(1, (earliestMillis - nowMillis + 999) / 1000);
    return "Gateway key pool limit reached for " + model + ": every key is at its per-minute or"
        + " per-day quota or cooling down; the next key frees in " + seconds + " s.";
  }
}
