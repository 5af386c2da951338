package io.geminibalance.keypool;

/**
 * Hears changes of a key's whole-key state in a {@link QuotaKeyPool}, so that they can be shared
 * beyond it (the instances on one Redis). Called on the thread that made the change, after it is
 * made; only real changes are heard (a disable of a disabled key is not), and a success is heard
 * only when it ended a run of failures, so the common request costs nothing.
 */
public interface KeyStateListener {
  /** One more failure in a row was counted for {@code key}, for this {@code reason}. */
  void failureCounted(ApiKey key, String reason);

  /** A success ended {@code key}'s run of failures. */
  void failuresCleared(ApiKey key);

  /** {@code key} was disabled as a whole. */
  void disabled(ApiKey key, String reason);

  /** {@code key} was put back in service (its failures forgotten). */
  void restored(ApiKey key);
}
