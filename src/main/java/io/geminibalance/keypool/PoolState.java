package io.geminibalance.keypool;

import java.util.List;

/**
 * Everything the pool learned that should survive a restart, for the storage layer: whole-key
 * disables and failure counts, and the quota of each key and model.
 */
public record PoolState(List<KeyRecord> keys, List<QuotaRecord> quotas) {

  /** One key's whole-key state, by {@link ApiKey#fingerprint()}. */
  public record KeyRecord(String keyFingerprint, boolean disabled, String disabledReason, int failures) {}
}
