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
   * {@link Take#nextFreeMillis()} when the cell frees only after the answer to its probe in
   * flight (nothing proven yet, so no request may go beside the probe).
   */
  long AFTER_PROBE = Long.MAX_VALUE - 1;

  /**
   * Takes one request slot if the minute window, the day count and any block allow it now.
   * A take beyond the cell's proven level (see {@link #settleProbe}) is a probe: while it is in
   * flight the cell lets only requests within the proven level through, so that a configured
   * limit that is too high costs at most the probe's one 429.
   *
   * @return whether a slot was taken, whether it is a probe, and when the next one will be free
   */
  Take tryTake(Limit limit, long nowMillis);

  /**
   * Ends the probe in flight. An accepted probe raises the proven level to the sends of the
   * minute that Google had counted when it accepted the probe: those up to and including the
   * probe that were less than 60 seconds old when it arrived (taken as at most 1 s after the
   * lease, or the answer if sooner). A refused or inconclusive one leaves the level as it was.
   */
  void settleProbe(boolean accepted, long probeMillis, long answerMillis);

  /** Requests Google accepted from this key within one minute without a 429, 0 if none yet. */
  int provenRpm();

  /**
   * Undoes the take made at {@code takenAtMillis}, which Google did not count (it answered 404):
   * that send leaves the minute window, and the day count drops by one if the take was today.
   * The window stays exact: its other sends are kept, and one a full window overwrote at the take
   * was already outside every limit the cell checks (the take needed it to be).
   */
  void giveBack(long takenAtMillis, long nowMillis);

  /** Forgets a probe whose answer will never be settled (the lanes were rebuilt). */
  void abandonProbe();

  /** Forgets a learned per-minute limit (the configured limit changed). */
  void forgetLearnedRpm();

  /** When a slot will next be free, without taking one. */
  long nextFreeAt(Limit limit, long nowMillis);

  /** Blocks the cell (cooldown, park, disable-for-model); a later block replaces an earlier one. */
  void block(Block block);

  /**
   * Holds the cell until {@code untilMillis} as a cooldown with {@code reason}, unless a block
   * that ends later (or a disable) is set: the other instances serving the pool used its quota.
   */
  void hold(long untilMillis, String reason, long nowMillis);

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

  /**
   * Lowers the per-minute limit below the configured one after Google proved it lower; the
   * proven level never stays above it.
   */
  void learnRpm(int rpm);

  /**
   * Sets the per-minute limit to what Google stated in a 429 ({@code QuotaFailure.quotaValue}):
   * it replaces a learned one, lower or higher, and requests up to it need no probe.
   */
  void statedRpm(int rpm);

  CellView view(Limit limit, long nowMillis);

  /**
   * Reads a little of the cell's state, unsynchronised and for no result, so that a lease a few
   * turns later finds it in the CPU cache; {@code window} reads the window's storage instead of
   * the cell itself. A shared implementation returns 0.
   */
  default int warm(boolean window) {
    return 0;
  }

  /**
   * What the shared count said at this instance's latest take, answered at {@code atMillis}:
   * {@code minute} sends in the last minute including the one taken ({@code -1} when nothing was
   * taken) and {@code today} sends on Pacific day {@code day}, across the instances. The minute
   * makes {@link #sentBefore} count the others' sends too (what Google counted when it refused);
   * the day is the start of the day's share should the authority go away.
   */
  void noteShared(int minute, int today, long day, long atMillis);

  /**
   * The shared authority went away at {@code nowMillis}: from now on this instance may send its
   * share of {@code rpd} (the configured per-day limit) of what the day has left. The day count is
   * primed so that {@code share(rpd)} minus it is this instance's share of what the last shared
   * count left ({@code share(rpd) - share(rpd - today)}); the sends made from now on are kept apart
   * for {@link #sentAlone}.
   */
  void goAlone(long nowMillis, int rpd, java.util.function.IntUnaryOperator share);

  /**
   * This instance's own sends for the authority to count: those made since {@link #goAlone}, or,
   * with {@code everything} (the authority lost its data), all of the minute and the day.
   */
  Sent sentAlone(long nowMillis, boolean everything);

  /** The authority is back and counts everything again: the day count loses its priming. */
  void goTogether(long nowMillis);

  /**
   * The sends made alone so far are counted by the authority now: a later {@link #sentAlone} has
   * only those made after this (should the authority go away again before {@link #goTogether}).
   */
  default void countedAlone(long nowMillis) {}

  /** Sends of a cell for the shared authority: their times (oldest first) and the day's count. */
  record Sent(long day, long[] sendsMillis, int today) {}

  QuotaRecord export(long nowMillis);

  void restore(QuotaRecord record);

  /** The result of {@link #tryTake}. */
  record Take(boolean taken, long nextFreeMillis, boolean probe) {}

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
  record CellView(int usedThisMinute, int usedToday, int effectiveRpm, int provenRpm, int learnedRpm,
      long nextFreeMillis, Block block) {}
}
