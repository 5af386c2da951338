package io.geminibalance.keypool;

/**
 * The whole-key state shared by every model: disabled or not, and failures in a row. Plain
 * volatile fields rather than atomics: one object, so one cache line per lease.
 */
final class KeyEntry {
  final ApiKey key;
  private volatile int failures;
  private volatile boolean disabled;
  private volatile String disabledReason = "";
  /** The last problem the key caused (kept in memory only, for the admin's key list). */
  private volatile KeyProblem lastProblem;

  /** A problem and when it happened. */
  record KeyProblem(String reason, long atMillis) {}

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
    return failures;
  }

  /** True when the key was in service until now. */
  synchronized boolean disable(String reason) {
    disabledReason = reason == null ? "" : reason;
    boolean was = disabled;
    disabled = true;
    return !was;
  }

  /** True when this changed anything: the key was disabled, or had failures. */
  synchronized boolean enable() {
    boolean was = disabled || failures != 0;
    failures = 0;
    disabled = false;
    disabledReason = "";
    return was;
  }

  /** Counts one failure; true when it reaches {@code maxFailures}. */
  synchronized boolean fail(int maxFailures) {
    failures = failures + 1;
    return failures >= maxFailures;
  }

  /** Read first: the common case (no failures) then writes nothing. True when failures were reset. */
  boolean succeeded() {
    if (failures != 0) {
      synchronized (this) {
        failures = 0;
      }
      return true;
    }
    return false;
  }

  void noteProblem(String reason, long nowMillis) {
    lastProblem = new KeyProblem(reason, nowMillis);
  }

  KeyProblem lastProblem() {
    return lastProblem;
  }

  synchronized void restoreFailures(int count) {
    failures = count;
  }
}
