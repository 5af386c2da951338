package io.geminibalance.keypool;

import java.util.List;

/**
 * The pool's quota state for {@code GET /api/pool}: totals per model, then one row per key and
 * model. Plain records of strings and numbers, so Jackson serialises it as it is; keys appear
 * masked only. Limits and remaining amounts of -1 mean unlimited.
 *
 * @param sharedLanes totals of the lanes shared by models without quota state of their own:
 *     {@code (unlisted models)} and {@code (models beyond MAX_MODELS)} (see {@link QuotaKeyPool})
 */
public record QuotaSnapshot(long atMillis, List<ModelTotals> models, List<KeyModelRow> keys,
    List<ModelTotals> sharedLanes) {

  /** What a key can do for a model right now. */
  public enum CellState { USABLE, COOLING, PARKED, DISABLED }

  /**
   * @param usable keys that can take a request now
   * @param cooling keys at their minute limit or in a cooldown after a 429
   * @param parked keys at their day limit or parked by Google until the Pacific midnight
   * @param disabled keys disabled as a whole or for this model
   * @param remainingToday requests the usable and cooling keys may still send today (-1: unlimited)
   * @param backoffUntilMillis a model-wide pause after a suspected IP throttle, 0 if none
   */
  public record ModelTotals(String model, int keys, int usable, int cooling, int parked,
      int disabled, long rpmCapacity, long rpdCapacity, long remainingToday, long backoffUntilMillis) {}

  /** Where a limit in force comes from. */
  public enum LimitSource {
    /** A number in DEFAULT_RPM / DEFAULT_RPD, MODEL_RATE_LIMITS or KEY_RATE_LIMITS. */
    CONFIGURED,
    /** Google's published free-tier figure (auto limits; see FreeTierLimits). */
    TABLE,
    /** What the key proved Google accepts, above the table's figure (auto limits). */
    PROVEN,
    /** What Google taught with a 429: the value it stated, or what the key had sent. */
    LEARNED
  }

  /**
   * @param key the masked key
   * @param rpm the per-minute limit in force: the configured one (or with auto limits the table's
   *     figure or the level the key proved), or lower if Google taught so; see {@code rpmSource}
   * @param provenRpm requests Google accepted from this key within one minute; requests beyond
   *     it go one at a time (probes) until it reaches {@code rpm} (with auto limits: with no end
   *     but Google's 429)
   * @param rpd the per-day limit: configured (enforced) or the table's figure (shown, not enforced)
   * @param untilMillis when a cooling or parked cell frees, 0 if usable, -1 if disabled
   * @param project the key's project when configured (KEY_PROJECTS) or learned from Google's
   *     errors, null when unknown: keys of one project share one quota per model
   */
  public record KeyModelRow(String key, String fingerprint, String model, CellState state,
      int usedThisMinute, int rpm, int provenRpm, int usedToday, int rpd, long untilMillis, String reason,
      LimitSource rpmSource, LimitSource rpdSource, String project) {}
}
