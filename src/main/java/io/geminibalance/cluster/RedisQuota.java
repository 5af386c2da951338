package io.geminibalance.cluster;

import io.geminibalance.keypool.QuotaCell;
import io.geminibalance.keypool.SharedQuota;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The pool's shared counts in Redis: per owner (a key, or its project) and model, the sends of the
 * last minute (a sorted set scored by Redis's clock), the sends of each Pacific day (a counter that
 * expires after two days) and a small hash (block end, learned per-minute limit). A take is one
 * script (EVALSHA): one round trip, atomic across instances; everything else this hears is sent
 * without waiting for the answer. Times cross the wire as durations, never as one machine's clock,
 * so instances whose clocks differ a little still agree. A failure or a late answer is {@link
 * Answer.Unavailable}: the link is down then, and the pool schedules alone.
 */
public final class RedisQuota implements SharedQuota {
  static final RedisScript TAKE = RedisScript.resource("/redis/take.lua");
  static final RedisScript BLOCK = RedisScript.resource("/redis/block.lua");
  static final RedisScript LEARN = RedisScript.resource("/redis/learn.lua");
  static final RedisScript GIVE_BACK = RedisScript.resource("/redis/giveback.lua");
  static final RedisScript SEED = RedisScript.resource("/redis/seed.lua");
  static final RedisScript EPOCH = RedisScript.resource("/redis/epoch.lua");
  /** How long a disable-for-model holds the key on the other instances: a re-check lifts it sooner. */
  private static final long DISABLE_MILLIS = 86_400_000;
  private static final Answer UNAVAILABLE = new Answer.Unavailable();

  private final RedisLink link;
  private final String instance;
  private final LongSupplier clock;
  /** Makes every send's member unique, also for takes of one cell in one millisecond. */
  private final AtomicLong sends = new AtomicLong();
  /**
   * Whether takes go to Redis: off until Redis first answers, off from the moment it goes away until
   * this instance's sends of the outage are counted there again (see {@link #seed}).
   */
  private volatile boolean confirming;

  public RedisQuota(RedisLink link, String instance, LongSupplier clock) {
    this.link = link;
    this.instance = instance;
    this.clock = clock;
  }

  @Override
  public boolean active() {
    return confirming;
  }

  /** Starts or stops confirming takes (the cluster wiring decides, on Redis's state changes). */
  public void confirming(boolean on) {
    confirming = on;
  }

  /**
   * Counts in Redis the sends this instance made while Redis was away (one script per cell, sent
   * at once), so that no key exceeds its limits across the outage.
   */
  public Future<Integer> seed(List<Sent> sent) {
    List<Future<Response>> seeded = new ArrayList<>(sent.size());
    long now = clock.getAsLong();
    for (Sent cell : sent) {
      String name = cell(cell.owner(), cell.model());
      List<String> args = new ArrayList<>(cell.sendsMillis().length + 2);
      args.add(Integer.toString(cell.today()));
      args.add(instance + ":seed:" + sends.incrementAndGet() + ":");
      for (long at : cell.sendsMillis()) {
        args.add(Long.toString(Math.max(0, now - at)));
      }
      seeded.add(SEED.run(link, List.of(link.key(name + ":m"), link.key(name + ":d:" + cell.day())), args));
    }
    return Future.all(seeded).map(all -> sent.size());
  }

  /** The name of Redis's current life (see epoch.lua): a new one after Redis lost its data. */
  public Future<String> epoch() {
    return EPOCH.run(link, List.of(link.key("epoch")), List.of(UUID.randomUUID().toString())).map(Response::toString);
  }

  @Override
  public CompletionStage<Answer> take(Claim claim) {
    long now = clock.getAsLong();
    String cell = cell(claim.owner(), claim.model());
    String member = memberPrefix(claim) + sends.incrementAndGet();
    return TAKE.run(link, List.of(link.key(cell + ":m"), link.key(cell + ":d:" + claim.day()), link.key(cell + ":s")),
            List.of(Integer.toString(claim.rpm()), Integer.toString(claim.rpd()), Long.toString(claim.day()),
                Long.toString(Math.max(1, claim.dayEndMillis() - now)), member))
        .map(this::answer)
        .otherwise(UNAVAILABLE)
        .toCompletionStage();
  }

  private Answer answer(Response reply) {
    int minute = reply.get(2).toInteger();
    int today = reply.get(3).toInteger();
    if (reply.get(0).toInteger() == 1) {
      return new Answer.Taken(minute, today);
    }
    return new Answer.Full(clock.getAsLong() + reply.get(1).toLong(), minute, today);
  }

  @Override
  public void block(String owner, String model, QuotaCell.BlockKind kind, long untilMillis, long nowMillis) {
    long lasts = kind == QuotaCell.BlockKind.MODEL_DISABLED ? DISABLE_MILLIS : untilMillis - nowMillis;
    if (lasts > 0) {
      BLOCK.run(link, List.of(link.key(cell(owner, model) + ":s")), List.of(Long.toString(lasts), kind.name()));
    }
  }

  @Override
  public void clearBlocks(String owner, String model) {
    link.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HDEL)
        .arg(link.key(cell(owner, model) + ":s")).arg("blockedUntil").arg("blockKind"));
  }

  @Override
  public void learnRpm(String owner, String model, int rpm, long day) {
    LEARN.run(link, List.of(link.key(cell(owner, model) + ":s")), List.of(Integer.toString(rpm), Long.toString(day)));
  }

  @Override
  public void giveBack(Claim claim) {
    String cell = cell(claim.owner(), claim.model());
    GIVE_BACK.run(link, List.of(link.key(cell + ":m"), link.key(cell + ":d:" + claim.day())),
        List.of(memberPrefix(claim)));
  }

  /** This instance's sends of a claim's take time: the member's prefix, a counter follows. */
  private String memberPrefix(Claim claim) {
    return instance + ":" + claim.takenAtMillis() + ":";
  }

  /**
   * A cell's keys share one hash tag (braces), so that they live on one node of a Redis Cluster
   * and one script may touch them all.
   */
  static String cell(String owner, String model) {
    return "q{" + owner + "|" + model + "}";
  }
}
