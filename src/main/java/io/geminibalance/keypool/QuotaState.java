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

  /**
   * Counts a key's quota under {@code project} from now on, or under its own fingerprint again
   * with null. What the key counted alone (window, day count, blocks, learned limits) joins the
   * project's, so no count is lost; cells handed over are stale, so the caller asks for the key's
   * cells again. A state without projects keeps every key on its own (the default).
   *
   * @return whether the key's owner changed
   */
  default boolean assignProject(String keyFingerprint, String project, long nowMillis) {
    return false;
  }

  /** The project the key counts under, or null when it counts on its own. */
  default String project(String keyFingerprint) {
    return null;
  }

  /** The cell for this key and base model (its owner's), created empty on first use. */
  QuotaCell cell(String keyFingerprint, String model);

  /** Drops the cells of a key removed from the pool. */
  void forget(String keyFingerprint);

  /** Drops every key's cell of a model the pool no longer keeps state for. */
  void forgetModel(String model);

  /** Every cell, for persistence: a project's cells once per key of it (see {@link QuotaRecord#project}). */
  List<QuotaRecord> export(long nowMillis);

  /** Loads cells saved by {@link #export}; records of other days keep only their blocks. */
  void restore(List<QuotaRecord> records);
}
