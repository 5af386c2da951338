package io.geminibalance.keypool;

import io.geminibalance.keypool.RateLimits.Limit;

/**
 * The quota state of one key for one base model. Every method is atomic, so that a shared
 * implementation (e.g. a Redis script per call) can enforce one limit across gateway instances.
 */
public interface QuotaCell {
  /** {@link Take#nextFreeMillis()} when the cell never frees without an operator. */
  long NEVER = Long.MAX_VALUE;

  /**
   * Takes one request slot if the minute window, the day count and any block allow it now.
   *
   * @return whether a slot was taken, and when the next one will be free
   */
  Take tryTake(Limit limit, long nowMillis);

  /** When a slot will next be free, without taking one. */
  long nextFreeAt(Limit limit, long nowMillis);

  /** Blocks the cell (cooldown, park, disable-for-model); a later block replaces an earlier one. */
  void block(Block block);

  /**
   * Lifts a cooldown or park that was set at or before {@code leaseAcquiredMillis}: a success on
   * a lease granted after the block proves the block is over; one granted before proves nothing.
   *
   * @return whether a block was lifted
   */
  boolean clearBlockSetBefore(long leaseAcquiredMillis);

  /** Lifts any block including a disable-for-model (re-check passed, operator). */
  void clearAllBlocks();

  /** Sends in the 60 seconds before {@code millis}, for learning the real per-minute limit. */
  int sentBefore(long millis);

  /** Lowers the per-minute limit below the configured one after Google proved it lower. */
  void learnRpm(int rpm);

  CellView view(Limit limit, long nowMillis);

  QuotaRecord export(long nowMillis);

  void restore(QuotaRecord record);

  /** The result of {@link #tryTake}. */
  record Take(boolean taken, long nextFreeMillis) {}

  /** Why a cell refuses until a time. */
  enum BlockKind { NONE, COOLDOWN, PARKED, MODEL_DISABLED }

  /** A block, with when it was set so that only later successes lift it. */
  record Block(BlockKind kind, long untilMillis, String reason, long setAtMillis) {
    public static final Block NONE = new Block(BlockKind.NONE, 0, "", 0);

    public boolean activeAt(long nowMillis) {
      return kind == BlockKind.MODEL_DISABLED || (kind != BlockKind.NONE && untilMillis > nowMillis);
    }
  }

  /** Read-only state for snapshots. */
  record CellView(int usedThisMinute, int usedToday, int effectiveRpm, long nextFreeMillis, Block block) {}
}
