package io.geminibalance.alerts;

import java.util.function.LongSupplier;

/**
 * Turns a log writer's count of dropped rows into an alert when it grew since the last check.
 * Not thread-safe: one checker calls it.
 */
final class DropWatch {
  private final String log;
  private final LongSupplier droppedTotal;
  private long seen;

  /**
   * @param log the log's name in the alert: {@code request} or {@code error}
   * @param droppedTotal the writer's count of rows dropped since start
   */
  DropWatch(String log, LongSupplier droppedTotal) {
    this.log = log;
    this.droppedTotal = droppedTotal;
  }

  /** An alert for the rows dropped since the last call, or null when none was. */
  Alert check(long nowMillis) {
    long total = droppedTotal.getAsLong();
    long dropped = total - seen;
    seen = total;
    return dropped > 0 ? new Alert.LogRowsDropped(log, dropped, total, nowMillis) : null;
  }
}
