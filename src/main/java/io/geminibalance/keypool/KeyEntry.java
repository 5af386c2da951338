package io.geminibalance.keypool;

import java.util.concurrent.atomic.AtomicInteger;

/** The whole-key state shared by every model: disabled or not, and failures in a row. */
final class KeyEntry {
  final ApiKey key;
  private final AtomicInteger failures = new AtomicInteger();
  private volatile boolean disabled;
  private volatile String disabledReason = "";

  KeyEntry(ApiKey key) {
    this.key = key;
  }

  boolean disabled() {
    return disabled;
  }

  String disabledReason() {
    return disabledReason;
  }

  int failures() {
    return failures.get();
  }

  void disable(String reason) {
    disabledReason = reason == null ? "" : reason;
    disabled = true;
  }

  void enable() {
    failures.set(0);
    disabled = false;
    disabledReason = "";
  }

  /** Counts one failure; true when it reaches {@code maxFailures}. */
  boolean fail(int maxFailures) {
    return failures.incrementAndGet() >= maxFailures;
  }

  void succeeded() {
    if (failures.get() != 0) {
      failures.set(0);
    }
  }

  void restoreFailures(int count) {
    failures.set(count);
  }
}
