package io.geminibalance.alerts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides what the next POST carries and when it may go: alerts wait together for a short
 * gathering time after the first of them (one POST for a burst), and two POSTs are at least the
 * minimum interval apart; what arrives in between goes in the next one. Alerts of one subject
 * are merged while they wait. At most {@code maxPending} subjects wait; an alert beyond them is
 * dropped and counted, and the next POST says how many were ({@link Batch#omitted()}).
 * Thread-safe (one lock, held briefly); pure: the caller passes the time.
 */
final class AlertBatcher {
  /** What one POST carries. */
  record Batch(List<Alert> alerts, long omitted) {}

  private final int maxPending;
  private final long gatherMillis;
  private final Map<String, Alert> pending = new LinkedHashMap<>();
  private long firstPendingAtMillis;
  private long lastTakenAtMillis = Long.MIN_VALUE / 2;
  private long omitted;
  private long omittedTotal;

  AlertBatcher(int maxPending, long gatherMillis) {
    this.maxPending = maxPending;
    this.gatherMillis = gatherMillis;
  }

  /** Queues an alert; false when it was dropped (too many subjects waiting). */
  synchronized boolean add(Alert alert, long nowMillis) {
    Alert before = pending.get(alert.subject());
    if (before != null) {
      pending.put(alert.subject(), before.mergedWith(alert));
      return true;
    }
    if (pending.size() >= maxPending) {
      omitted++;
      omittedTotal++;
      return false;
    }
    if (pending.isEmpty()) {
      firstPendingAtMillis = nowMillis;
    }
    pending.put(alert.subject(), alert);
    return true;
  }

  /**
   * The alerts to send now, or null when none is due: nothing waits, the gathering time since the
   * first has not passed, or the last POST was less than {@code minIntervalMillis} ago.
   */
  synchronized Batch takeDue(long nowMillis, long minIntervalMillis) {
    if (pending.isEmpty() && omitted == 0) {
      return null;
    }
    if (nowMillis - firstPendingAtMillis < gatherMillis || nowMillis - lastTakenAtMillis < minIntervalMillis) {
      return null;
    }
    Batch batch = new Batch(List.copyOf(pending.values()), omitted);
    pending.clear();
    omitted = 0;
    lastTakenAtMillis = nowMillis;
    return batch;
  }

  /** Everything waiting, due or not (at close, for the log). */
  synchronized Batch drain() {
    Batch batch = new Batch(List.copyOf(pending.values()), omitted);
    pending.clear();
    omitted = 0;
    return batch;
  }

  /** Alerts dropped since start because too many subjects were waiting. */
  synchronized long omittedTotal() {
    return omittedTotal;
  }
}
