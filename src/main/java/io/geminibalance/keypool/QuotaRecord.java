package io.geminibalance.keypool;

import java.util.List;

/**
 * The persistent part of one key's quota for one model, for storage across restarts.
 *
 * @param keyFingerprint {@link ApiKey#fingerprint()}
 * @param model the base model
 * @param pacificDay the quota day {@code usedToday} belongs to (epoch day of the Pacific date)
 * @param usedToday requests sent on that day
 * @param recentSendsMillis send times in the last minute, oldest first
 * @param blockKind a {@link QuotaCell.BlockKind} name
 * @param blockedUntilMillis end of the cooldown or park; ignored for MODEL_DISABLED
 * @param reason why the cell is blocked
 * @param learnedRpm a per-minute limit Google proved lower than configured, 0 if none
 * @param provenRpm requests Google accepted within one minute, 0 if none yet
 * @param project the project whose quota the key shares (configured or learned), null if none:
 *     every key of a project carries the project's record
 */
public record QuotaRecord(String keyFingerprint, String model, long pacificDay, int usedToday,
    List<Long> recentSendsMillis, String blockKind, long blockedUntilMillis, String reason,
    int learnedRpm, int provenRpm, String project) {

  public QuotaRecord(String keyFingerprint, String model, long pacificDay, int usedToday,
      List<Long> recentSendsMillis, String blockKind, long blockedUntilMillis, String reason,
      int learnedRpm, int provenRpm) {
    this(keyFingerprint, model, pacificDay, usedToday, recentSendsMillis, blockKind, blockedUntilMillis, reason,
        learnedRpm, provenRpm, null);
  }

  /** This record as one key of {@code project} carries it. */
  QuotaRecord of(String key, String projectName) {
    return new QuotaRecord(key, model, pacificDay, usedToday, recentSendsMillis, blockKind, blockedUntilMillis,
        reason, learnedRpm, provenRpm, projectName);
  }

  /**
   * Whether the record holds anything worth keeping: a block in force (cooldown, park,
   * disable for this model), a minute limit Google taught today or a proven level, or today's use
   * against a finite daily limit. The pool stores only such records and drops a lane whose keys
   * have none (see {@link QuotaKeyPool#evictIdleLanes()}).
   *
   * @param today the current Pacific quota day ({@link PacificDay#dayOf})
   * @param dailyLimited whether the key has a finite daily limit for the model
   */
  public boolean holdsState(long nowMillis, long today, boolean dailyLimited) {
    boolean blocked = switch (QuotaCell.BlockKind.valueOf(blockKind)) {
      case NONE -> false;
      case MODEL_DISABLED -> true;
      case COOLDOWN, PARKED -> blockedUntilMillis > nowMillis;
    };
    boolean ofToday = pacificDay == today;
    return blocked || provenRpm > 0 || (ofToday && learnedRpm > 0)
        || (ofToday && dailyLimited && usedToday > 0);
  }
}
