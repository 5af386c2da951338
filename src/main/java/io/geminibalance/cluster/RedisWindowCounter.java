package io.geminibalance.cluster;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * {@link WindowCounter} shared by the instances on one Redis: a key's count is a Redis counter
 * that expires with its window (INCR, and PEXPIRE on the first count, in one script: one round
 * trip). Every count is also kept in a {@link LocalWindowCounter}, and an answer is the stricter
 * of the two, so while Redis is away (or late) the local counts go on without a gap and nothing
 * waits longer than REDIS_TIMEOUT_MS. Keys live under {@code <REDIS_KEY_PREFIX><name>:}. Redis
 * holds no more keys than the local counter: a key beyond its cap is counted under one shared
 * {@link LocalWindowCounter#OVERFLOW} key in Redis too.
 */
public final class RedisWindowCounter implements WindowCounter {
  private static final RedisScript ADD = new RedisScript("""
      local n = redis.call('INCR', KEYS[1])
      local t = redis.call('PTTL', KEYS[1])
      if t < 0 then
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        t = tonumber(ARGV[1])
      end
      return {n, t}
      """);
  private static final RedisScript READ = new RedisScript("""
      local n = redis.call('GET', KEYS[1])
      if not n then
        return {0, 0}
      end
      return {tonumber(n), redis.call('PTTL', KEYS[1])}
      """);

  private final RedisLink link;
  private final String name;
  private final String windowMillis;
  private final LocalWindowCounter local;

  /**
   * @param name what is counted (part of the Redis key)
   * @param local this instance's counts, with the same window
   */
  public RedisWindowCounter(RedisLink link, String name, long windowMillis, LocalWindowCounter local) {
    this.link = link;
    this.name = name;
    this.windowMillis = Long.toString(windowMillis);
    this.local = local;
  }

  @Override
  public Future<Count> add(String key) {
    String bucket = local.bucket(key);
    Count here = local.addNow(key);
    if (!link.up()) {
      return Future.succeededFuture(here);
    }
    return ADD.run(link, List.of(redisKey(bucket)), List.of(windowMillis))
        .map(r -> count(r).max(here))
        .otherwise(here);
  }

  @Override
  public Future<Count> read(String key) {
    String bucket = local.bucket(key);
    Count here = local.readNow(key);
    if (!link.up()) {
      return Future.succeededFuture(here);
    }
    return READ.run(link, List.of(redisKey(bucket)), List.of())
        .map(r -> count(r).max(here))
        .otherwise(here);
  }

  @Override
  public void clear(String key) {
    local.clear(key);
    if (link.up()) {
      // Lost while Redis is away: the count then ends with its window, as it would have anyway.
      link.send(Request.cmd(Command.DEL).arg(redisKey(key)));
    }
  }

  private String redisKey(String key) {
    return link.key(name + ":" + key);
  }

  private static Count count(Response reply) {
    long count = reply.get(0).toLong();
    return count == 0 ? Count.NONE : new Count(count, Math.max(1, reply.get(1).toLong()));
  }
}
