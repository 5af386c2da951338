package io.geminibalance.keypool;

import io.geminibalance.keypool.RateLimits.Limit;
import java.util.Arrays;

/** One key and model in memory; every method synchronised, each call a few comparisons. */
final class MemoryCell extends SlidingWindow implements QuotaCell {
  /**
   * Unlimited cells still remember this many sends, for the snapshot and for learning; a limited
   * cell remembers as many as its limit (one cache line at 5 RPM, not eight).
   */
  private static final int TRACKED_SENDS_WHEN_UNLIMITED = 64;
  /**
   * The latest Google is assumed to have counted an accepted probe after its lease: a generate
   * call is counted when it arrives, and its answer may come much later (generation time).
   */
  private static final long ARRIVAL_SLACK_MILLIS = 1_000;
  /** How long after a lease the shared take's answer is taken as that lease's (see {@link #sentBefore}). */
  private static final long SHARED_TAKE_SLACK_MILLIS = 5_000;

  private final String keyFingerprint;
  private final String model;
  private final InMemoryQuotaState.DayTracker days;
  private long day = Long.MIN_VALUE;
  private int usedToday;
  private int learnedRpm;
  /** Requests Google accepted within one minute without a 429 (a lower bound of its limit). */
  private int provenRpm;
  /** A request beyond the proven level is in flight. */
  private boolean probing;
  private Block block = Block.NONE;
  /** The day count across instances at the latest shared take, and its day (see {@link #noteShared}). */
  private int sharedToday;
  private long sharedDay = Long.MIN_VALUE;
  /** The minute's count across instances at the latest shared take (with it), and when it was answered. */
  private int sharedMinute = -1;
  private long sharedMinuteAt;
  /** Set while the shared authority is away; null otherwise (and always with one instance). */
  private Alone alone;

  /** When the authority went away, the own day count then, and what the priming added to it. */
  private record Alone(long sinceMillis, long day, int ownToday, int primed) {}

  MemoryCell(String keyFingerprint, String model, InMemoryQuotaState.DayTracker days) {
    super(1); // sized by the limit on first use
    this.keyFingerprint = keyFingerprint;
    this.model = model;
    this.days = days;
  }

  @Override
  public synchronized Take tryTake(Limit limit, long nowMillis) {
    long freeAt = nextFreeAt(limit, nowMillis);
    if (freeAt > nowMillis) {
      return new Take(false, freeAt, false);
    }
    boolean probe = beyondProven(limit, nowMillis);
    record(nowMillis);
    usedToday++;
    probing |= probe;
    return new Take(true, nextFreeAt(limit, nowMillis), probe);
  }

  @Override
  public synchronized void settleProbe(boolean accepted, long probeMillis, long answerMillis) {
    probing = false;
    if (accepted) {
      long countedAt = Math.min(answerMillis, probeMillis + ARRIVAL_SLACK_MILLIS);
      provenRpm = Math.max(provenRpm, countIn(countedAt - WINDOW_MILLIS, probeMillis));
    }
  }

  @Override
  public synchronized void giveBack(long takenAtMillis, long nowMillis) {
    PacificDay.Cached today = rollDay(nowMillis);
    forget(takenAtMillis);
    if (today.contains(takenAtMillis) && usedToday > 0) {
      usedToday--;
    }
  }

  @Override
  public synchronized int provenRpm() {
    return provenRpm;
  }

  @Override
  public synchronized void abandonProbe() {
    probing = false;
  }

  @Override
  public synchronized void forgetLearnedRpm() {
    learnedRpm = 0;
  }

  @Override
  public synchronized long nextFreeAt(Limit limit, long nowMillis) {
    PacificDay.Cached today = rollDay(nowMillis);
    int rpm = effectiveRpm(limit);
    int level = level(limit);
    if (limit.autoRpm()) {
      // Beyond the level every send is a probe, one at a time, so the window never holds more than
      // level + 1 sends: sized by that rather than by the far ceiling (memory at many keys).
      int needed = Math.min(rpm, level + 1);
      if (capacity() < needed) {
        grow(Math.min(rpm, Math.max(needed, capacity() * 2)));
      }
    } else {
      ensureCapacity(rpm > 0 ? rpm : TRACKED_SENDS_WHEN_UNLIMITED);
    }
    if (block.kind() == BlockKind.MODEL_DISABLED) {
      return NEVER;
    }
    long freeAt = block.activeAt(nowMillis) ? block.untilMillis() : Long.MIN_VALUE;
    if (!limit.rpdUnlimited() && usedToday >= limit.rpd()) {
      freeAt = Math.max(freeAt, today.endMillis());
    }
    if (rpm > 0) {
      int allowed = probing ? Math.min(level, rpm) : rpm;
      freeAt = Math.max(freeAt, allowed == 0 ? AFTER_PROBE : freeAt(allowed, limit));
    }
    return freeAt;
  }

  /** Whether a request now would be beyond the proven level, under a finite limit. */
  private boolean beyondProven(Limit limit, long nowMillis) {
    int rpm = effectiveRpm(limit);
    int level = level(limit);
    if (rpm == 0 || level >= rpm) {
      return false;
    }
    return level == 0 || freeAt(level, limit) > nowMillis;
  }

  /**
   * When a send frees under a limit of {@code sends} a minute. An auto limit works at Google's
   * own figure (stated, learned or proven), where Google refuses a send that arrives before the
   * one a minute earlier has left its window; it counts a send when it arrives, later than the
   * lease the window records, so a send frees here {@link #ARRIVAL_SLACK_MILLIS} late. A
   * configured limit is the operator's and frees on the minute.
   */
  private long freeAt(int sends, Limit limit) {
    long at = freeAt(sends);
    return limit.autoRpm() && at != Long.MIN_VALUE ? at + ARRIVAL_SLACK_MILLIS : at;
  }

  /**
   * Requests per minute that go without a probe: what Google accepted, or with an auto limit the
   * free-tier figure, which every key is granted.
   */
  private int level(Limit limit) {
    return Math.max(provenRpm, limit.trustedRpm());
  }

  @Override
  public synchronized void block(Block newBlock) {
    if (block.kind() == BlockKind.MODEL_DISABLED && newBlock.kind() != BlockKind.MODEL_DISABLED) {
      return; // only a re-check or an operator lifts a disable
    }
    block = newBlock;
  }

  @Override
  public synchronized void hold(long untilMillis, String reason, long nowMillis) {
    if (untilMillis <= nowMillis || block.kind() == BlockKind.MODEL_DISABLED
        || (block.activeAt(nowMillis) && block.untilMillis() >= untilMillis)) {
      return;
    }
    block = new Block(BlockKind.COOLDOWN, untilMillis, reason, nowMillis);
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
    for (long send : recent(millis)) {
      if (send < millis) {
        sent++;
      }
    }
    // Shared with other instances: the count of the take answered right after this lease (the
    // lease's own, or one a moment later, which can only count more) includes the others' sends.
    if (sharedMinute > 0 && sharedMinuteAt >= millis && sharedMinuteAt <= millis + SHARED_TAKE_SLACK_MILLIS) {
      sent = Math.max(sent, sharedMinute - 1);
    }
    return sent;
  }

  @Override
  public synchronized void statedRpm(int rpm) {
    learnedRpm = rpm;
    provenRpm = rpm;
  }

  @Override
  public synchronized void learnRpm(int rpm) {
    learnedRpm = learnedRpm == 0 ? rpm : Math.min(learnedRpm, rpm);
    provenRpm = Math.min(provenRpm, learnedRpm);
  }

  @Override
  public synchronized void noteShared(int minute, int today, long day, long atMillis) {
    sharedToday = today;
    sharedDay = day;
    if (minute >= 0) {
      sharedMinute = minute;
      sharedMinuteAt = atMillis;
    }
  }

  @Override
  public synchronized void goAlone(long nowMillis, int rpd, java.util.function.IntUnaryOperator share) {
    if (alone != null) {
      return;
    }
    rollDay(nowMillis);
    int primed = 0;
    if (rpd > 0 && sharedDay == day) {
      int target = share.applyAsInt(rpd) - share.applyAsInt(Math.max(0, rpd - sharedToday));
      primed = Math.max(0, target - usedToday);
    }
    alone = new Alone(nowMillis, day, usedToday, primed);
    usedToday += primed;
  }

  @Override
  public synchronized Sent sentAlone(long nowMillis, boolean everything) {
    rollDay(nowMillis);
    if (alone == null && !everything) {
      return new Sent(day, new long[0], 0);
    }
    long since = everything ? Long.MIN_VALUE : alone.sinceMillis();
    long[] sends = Arrays.stream(recent(nowMillis)).filter(t -> t >= since).toArray();
    boolean sameDay = alone != null && alone.day() == day;
    int own = usedToday - (sameDay ? alone.primed() : 0);
    int today = everything || !sameDay ? own : own - alone.ownToday();
    return new Sent(day, sends, Math.max(0, today));
  }

  @Override
  public synchronized void countedAlone(long nowMillis) {
    if (alone == null) {
      return;
    }
    rollDay(nowMillis);
    boolean sameDay = alone.day() == day;
    int primed = sameDay ? alone.primed() : 0;
    // Sends of this very millisecond were in the count just made: the next one starts after it.
    alone = new Alone(nowMillis + 1, day, usedToday - primed, primed);
  }

  @Override
  public synchronized void goTogether(long nowMillis) {
    rollDay(nowMillis);
    if (alone != null && alone.day() == day) {
      usedToday = Math.max(0, usedToday - alone.primed());
    }
    alone = null;
  }

  @Override
  public int warm(boolean window) {
    return window ? (int) nextToReplace() : usedToday;
  }

  @Override
  public synchronized CellView view(Limit limit, long nowMillis) {
    long nextFree = nextFreeAt(limit, nowMillis);
    return new CellView(usedAt(nowMillis), usedToday, effectiveRpm(limit), provenRpm, learnedRpm, nextFree, block);
  }

  @Override
  public synchronized QuotaRecord export(long nowMillis) {
    rollDay(nowMillis);
    long[] recent = recent(nowMillis);
    return new QuotaRecord(keyFingerprint, model, day, usedToday,
        Arrays.stream(recent).boxed().toList(), block.kind().name(), block.untilMillis(),
        block.reason(), learnedRpm, provenRpm);
  }

  /**
   * Adds the counts of a cell whose key joins this cell's project: its sends of the minute, its
   * use today, the longer block (a disable for the model first), the lower learned limit and the
   * higher proven level (both were measured against the same project's quota).
   */
  synchronized void absorb(QuotaRecord other, long nowMillis) {
    rollDay(nowMillis);
    if (other.pacificDay() == day) {
      usedToday += other.usedToday();
      if (other.learnedRpm() > 0) {
        learnedRpm = learnedRpm == 0 ? other.learnedRpm() : Math.min(learnedRpm, other.learnedRpm());
      }
    }
    provenRpm = Math.max(provenRpm, other.provenRpm());
    if (learnedRpm > 0) {
      provenRpm = Math.min(provenRpm, learnedRpm);
    }
    long[] mine = all();
    long[] merged = java.util.stream.LongStream.concat(Arrays.stream(mine),
        other.recentSendsMillis().stream().mapToLong(Long::longValue)).sorted().toArray();
    ensureCapacity(merged.length);
    restoreSends(merged);
    BlockKind kind = BlockKind.valueOf(other.blockKind());
    boolean stronger = block.kind() != BlockKind.MODEL_DISABLED && kind != BlockKind.NONE
        && (kind == BlockKind.MODEL_DISABLED || other.blockedUntilMillis() > block.untilMillis());
    if (stronger) {
      block = new Block(kind, other.blockedUntilMillis(), other.reason(), Long.MIN_VALUE);
    }
  }

  @Override
  public synchronized void restore(QuotaRecord record) {
    day = record.pacificDay();
    usedToday = record.usedToday();
    learnedRpm = record.learnedRpm();
    provenRpm = record.provenRpm();
    long[] sends = record.recentSendsMillis().stream().mapToLong(Long::longValue).toArray();
    ensureCapacity(sends.length);
    restoreSends(sends);
    BlockKind kind = BlockKind.valueOf(record.blockKind());
    block = kind == BlockKind.NONE ? Block.NONE
        : new Block(kind, record.blockedUntilMillis(), record.reason(), Long.MIN_VALUE);
  }

  /**
   * A new Pacific day forgets the day count and the learned upper bound of the minute limit; the
   * proven level stays (a tier rarely shrinks, and a 429 lowers it again if it did).
   */
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
    if (capacity() < sends) {
      grow(sends);
    }
  }
}
