package io.geminibalance.keypool;

import java.util.List;

/**
 * Where quota counts live. The scheduler asks for a cell once per key and model and then only
 * uses the cell's atomic operations, so a Redis implementation needs one script per operation.
 */
public interface QuotaState {

  /**
   * Whose quota a key's requests count against: Google counts limits per project, so keys of one
   * known project share it. The key's own fingerprint when its project is unknown. A shared
   * implementation names its records by this, so that every instance counts a project once.
   */
  default String owner(String keyFingerprint) {
    return keyFingerprint;
  }

  /** The cell for this key and base model, created empty on first use. */
  QuotaCell cell(String keyFingerprint, String model);

  /** Drops the cells of a key removed from the pool. */
  void forget(String keyFingerprint);

  /** Drops every key's cell of a model the pool no longer keeps state for. */
  void forgetModel(String model);

  /** Every cell, for persistence. */
  List<QuotaRecord> export(long nowMillis);

  /** Loads cells saved by {@link #export}; records of other days keep only their blocks. */
  void restore(List<QuotaRecord> records);
}
