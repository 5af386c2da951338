package io.geminibalance.keypool;

import io.geminibalance.keypool.RateLimits.Limit;
import java.util.Arrays;

/** One key and model in memory; every method synchronised, each call a few comparisons. */
final class MemoryCell implements QuotaCell {
  /** Unlimited cells still remember this many sends, for the snapshot and for learning. */
  private static final int TRACKED_SENDS_WHEN_UNLIMITED = 64;

  private final String keyFingerprint;
  private final String model;
  private final InMemoryQuotaState.DayTracker days;
  private SlidingWindow window;
  private long day = Long.MIN_VALUE;
  private int usedToday;
  private int learnedRpm;
  private Block block = Block.NONE;

  MemoryCell(String keyFingerprint, String model, InMemoryQuotaState.DayTracker days) {
    this.keyFingerprint = keyFingerprint;
    this.model = model;
    this.days = days;
    this.window = new SlidingWindow(TRACKED_SENDS_WHEN_UNLIMITED);
  }

  @Override
  public synchronized Take tryTake(Limit limit, long nowMillis) {
    long freeAt = nextFreeAt(limit, nowMillis);
    if (freeAt > nowMillis) {
      return new Take(false, freeAt);
    }
    window.record(nowMillis);
    usedToday++;
    return new Take(true, nextFreeAt(limit, nowMillis));
  }

  @Override
  public synchronized long nextFreeAt(Limit limit, long nowMillis) {
    PacificDay.Cached today = rollDay(nowMillis);
    if (block.kind() == BlockKind.MODEL_DISABLED) {
      return NEVER;
    }
    long freeAt = block.activeAt(nowMillis) ? block.untilMillis() : Long.MIN_VALUE;
    if (!limit.rpdUnlimited() && usedToday >= limit.rpd()) {
      freeAt = Math.max(freeAt, today.endMillis());
    }
    int rpm = effectiveRpm(limit);
    if (rpm > 0) {
      ensureCapacity(rpm);
      freeAt = Math.max(freeAt, window.freeAt(rpm));
    }
    return freeAt;
  }

  @Override
  public synchronized void block(Block newBlock) {
    if (block.kind() == BlockKind.MODEL_DISABLED && newBlock.kind() != BlockKind.MODEL_DISABLED) {
      return; // only a re-check or an operator lifts a disable
    }
    block = newBlock;
  }

  @Override
  public synchronized boolean clearBlockSetBefore(long leaseAcquiredMillis) {
    boolean liftable = block.kind() == BlockKind.COOLDOWN || block.kind() == BlockKind.PARKED;
    if (liftable && block.setAtMillis() <= leaseAcquiredMillis) {
      block = Block.NONE;
      return true;
    }
    return false;
  }

  @Override
  public synchronized void clearAllBlocks() {
    block = Block.NONE;
  }

  @Override
  public synchronized int sentBefore(long millis) {
    int sent = 0;
    for (long send : window.recent(millis)) {
      if (send < millis) {
        sent++;
      }
    }
    return sent;
  }

  @Override
  public synchronized void learnRpm(int rpm) {
    learnedRpm = learnedRpm == 0 ? rpm : Math.min(learnedRpm, rpm);
  }

  @Override
  public synchronized CellView view(Limit limit, long nowMillis) {
    long nextFree = nextFreeAt(limit, nowMillis);
    return new CellView(window.usedAt(nowMillis), usedToday, effectiveRpm(limit), nextFree, block);
  }

  @Override
  public synchronized QuotaRecord export(long nowMillis) {
    rollDay(nowMillis);
    long[] recent = window.recent(nowMillis);
    return new QuotaRecord(keyFingerprint, model, day, usedToday,
        Arrays.stream(recent).boxed().toList(), block.kind().name(), block.untilMillis(),
        block.reason(), learnedRpm);
  }

  @Override
  public synchronized void restore(QuotaRecord record) {
    day = record.pacificDay();
    usedToday = record.usedToday();
    learnedRpm = record.learnedRpm();
    long[] sends = record.recentSendsMillis().stream().mapToLong(Long::longValue).toArray();
    ensureCapacity(sends.length);
    window.restore(sends);
    BlockKind kind = BlockKind.valueOf(record.blockKind());
    block = kind == BlockKind.NONE ? Block.NONE
        : new Block(kind, record.blockedUntilMillis(), record.reason(), Long.MIN_VALUE);
  }

  /** A new Pacific day forgets the day count and what was learned about the minute limit. */
  private PacificDay.Cached rollDay(long nowMillis) {
    PacificDay.Cached today = days.at(nowMillis);
    if (today.day() != day) {
      day = today.day();
      usedToday = 0;
      learnedRpm = 0;
    }
    return today;
  }

  private int effectiveRpm(Limit limit) {
    if (learnedRpm == 0) {
      return limit.rpm();
    }
    return limit.rpmUnlimited() ? learnedRpm : Math.min(limit.rpm(), learnedRpm);
  }

  private void ensureCapacity(int sends) {
    if (window.capacity() < sends) {
      SlidingWindow larger = new SlidingWindow(sends);
      larger.restore(window.all());
      window = larger;
    }
  }
}
