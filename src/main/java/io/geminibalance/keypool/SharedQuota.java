package io.geminibalance.keypool;

import java.util.concurrent.CompletionStage;

/**
 * The authority on a pool's counts when several gateway instances serve it (Redis, wired by
 * {@code app} only when REDIS_URL is set). The local pool still decides which key a request gets;
 * this confirms that the key and model have room across all instances ({@link #take}), and hears
 * what the local pool learned about a key and model so that the other instances see it at their
 * next take. Cells are named by {@link QuotaState#owner}, so keys of one project count once.
 */
public interface SharedQuota {

  /** Whether takes are confirmed now; false while the authority is away (the pool then schedules alone). */
  boolean active();

  /** Takes one slot of the claim's cell if every instance's use together leaves room. */
  CompletionStage<Answer> take(Claim claim);

  /**
   * A block set by the local pool (cooldown, park, disable-for-model), for
   * {@code untilMillis - nowMillis} from now; a later end replaces an earlier one.
   */
  void block(String owner, String model, QuotaCell.BlockKind kind, long untilMillis, long nowMillis);

  /** The cell's blocks were lifted by an operator or a re-check. */
  void clearBlocks(String owner, String model);

  /** Google proved the cell's per-minute limit lower than configured, for the Pacific day {@code day}. */
  void learnRpm(String owner, String model, int rpm, long day);

  /** The take made for {@code claim} was not counted by Google (404): it leaves the shared counts. */
  void giveBack(Claim claim);

  /**
   * One lease's slot, as the local pool took it.
   *
   * @param rpm the cell's per-minute limit (configured, or lower when learned), 0 = unlimited
   * @param rpd the per-day limit, 0 = unlimited
   * @param day the Pacific day of the take (an epoch day)
   * @param dayEndMillis when that day ends, on the pool's clock
   * @param takenAtMillis when the local pool granted the lease, on its clock
   */
  record Claim(String owner, String model, int rpm, int rpd, long day, long dayEndMillis, long takenAtMillis) {}

  /**
   * One cell's sends made by this instance alone (the authority away), for the authority to count
   * when it is back: their times on this instance's clock, oldest first, and the day's count.
   */
  record Sent(String owner, String model, long day, long[] sendsMillis, int today) {}

  /** The answer to a {@link #take}. */
  sealed interface Answer {
    /** Taken: {@code minute} sends in the last 60 s and {@code today} today, across instances, this one included. */
    record Taken(int minute, int today) implements Answer {}

    /** No room across instances until {@code untilMillis} (pool clock): a block's end, a window's or the day's. */
    record Full(long untilMillis, int minute, int today) implements Answer {}

    /** The authority did not answer in time: nothing is known. */
    record Unavailable() implements Answer {}
  }
}
