package io.geminibalance.keypool;

/** The answer to one non-blocking {@link KeyPool#acquire} call. */
public sealed interface Acquisition {

  /** A key that may be used now. */
  record Granted(KeyLease lease) implements Acquisition {}

  /**
   * No key can take the request now.
   *
   * @param earliestMillis when the earliest key frees up (pool clock), or -1 if none ever will
   *     without an operator (all disabled)
   * @param reason a short human sentence for the client's error message
   * @param awaitingProbe a probe is in flight whose answer may free a key before {@code
   *     earliestMillis}: worth waiting for even when the wait queue would not wait for quota
   */
  record Refused(long earliestMillis, String reason, boolean awaitingProbe) implements Acquisition {
    public Refused(long earliestMillis, String reason) {
      this(earliestMillis, reason, false);
    }

    public boolean permanent() {
      return earliestMillis < 0;
    }
  }
}
