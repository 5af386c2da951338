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
   */
  record Refused(long earliestMillis, String reason) implements Acquisition {
    public boolean permanent() {
      return earliestMillis < 0;
    }
  }
}
