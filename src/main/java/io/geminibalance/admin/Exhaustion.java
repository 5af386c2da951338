package io.geminibalance.admin;

/**
 * When a model's remaining requests for today run out at the rate of the last hour.
 *
 * @param atMillis the moment they run out, or null when they do not before the quota day ends
 *     (unlimited, no calls, or enough left)
 * @param outlastsDay true when what is left lasts until Google's reset at the Pacific midnight
 */
record Exhaustion(Long atMillis, boolean outlastsDay) {
  /**
   * @param remaining requests left today, -1 for unlimited
   * @param callsLastHour calls in the last 60 minutes
   */
  static Exhaustion of(long remaining, long callsLastHour, long nowMillis, long resetMillis) {
    if (remaining < 0 || callsLastHour <= 0) {
      return new Exhaustion(null, true);
    }
    long at = nowMillis + (long) Math.ceil(remaining * 3_600_000.0 / callsLastHour);
    return at >= resetMillis ? new Exhaustion(null, true) : new Exhaustion(at, false);
  }
}
