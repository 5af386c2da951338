package io.geminibalance.cluster;

import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.LimitWindows;
import io.geminibalance.auth.LocalTokenLimiter;
import io.geminibalance.auth.TokenLimiter;
import io.geminibalance.auth.TokenLimits;
import io.geminibalance.auth.TokenRefusal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@link TokenLimiter} shared by the instances on one Redis: exact across them. Requests and tokens
 * are counted in fixed windows keyed by the token's id and the window's number (one round trip per
 * admission, a script that checks every limit and counts only when all allow); requests in
 * progress are leases in a sorted set scored by their expiry on Redis's clock, pruned as they
 * expire, so an instance that dies holding some frees them after {@link #leaseMillis}; a longer
 * request renews its lease every half of it.
 *
 * <p>While Redis is away (or late: REDIS_TIMEOUT_MS) an instance counts alone with each limit cut
 * to its share among the N instances last seen ({@link ClusterMembers.View#share}), as the pool
 * does; a slot is given back where it was taken, and what a late script took for a request this
 * instance refused (its lease, its request counts) is given back on Redis.
 */
public final class RedisTokenLimiter implements TokenLimiter {
  /** A lease's time to live: far longer than most requests; streams renew theirs. */
  public static final long LEASE_MILLIS = 10 * 60_000;
  private static final RedisScript ADMIT = RedisScript.resource("/redis/token_admit.lua");
  private static final RedisScript CHARGE = RedisScript.resource("/redis/token_charge.lua");
  private static final RedisScript RENEW = RedisScript.resource("/redis/token_renew.lua");
  private static final RedisScript UNCOUNT = RedisScript.resource("/redis/token_uncount.lua");
  /** Past a window's end, so that a key outlives the window even with instances' clocks apart. */
  private static final long SLACK_MILLIS = 60_000;
  private static final String NONE = "-1";
  private static final LimitWindows.Limit[] BY_SCRIPT_CODE = {null, LimitWindows.Limit.REQUESTS_PER_MINUTE,
      LimitWindows.Limit.REQUESTS_PER_DAY, LimitWindows.Limit.TOKENS_PER_MINUTE, LimitWindows.Limit.TOKENS_PER_DAY,
      LimitWindows.Limit.CONCURRENT};

  private final Vertx vertx;
  private final RedisLink link;
  private final LongSupplier clock;
  private final long leaseMillis;
  private final LocalTokenLimiter alone;

  /**
   * @param view the instances as last seen: their number cuts the limits while Redis is away
   * @param leaseMillis a lease's time to live ({@link #LEASE_MILLIS}; shorter in tests)
   */
  public RedisTokenLimiter(Vertx vertx, RedisLink link, Supplier<ClusterMembers.View> view,
      LongSupplier clockMillis, long leaseMillis) {
    this.vertx = vertx;
    this.link = link;
    this.clock = clockMillis;
    this.leaseMillis = leaseMillis;
    this.alone = new LocalTokenLimiter(clockMillis, limit -> share(view.get(), limit));
  }

  /** This instance's part of {@code limit} among the instances of {@code view}. */
  static long share(ClusterMembers.View view, long limit) {
    return limit <= Integer.MAX_VALUE ? view.share((int) limit) : limit / view.count();
  }

  @Override
  public Future<Admission> admit(ClientToken token) {
    if (!link.up()) {
      return Future.succeededFuture(alone.admitNow(token));
    }
    TokenLimits limits = token.limits();
    long now = clock.getAsLong();
    String lease = UUID.randomUUID().toString();
    List<String> args = List.of(limit(limits.requestsPerMinute()), limit(limits.requestsPerDay()),
        limit(limits.tokensPerMinute()), limit(limits.tokensPerDay()),
        limits.maxConcurrent() == null ? NONE : Long.toString(limits.maxConcurrent()),
        Long.toString(ttl(now, LimitWindows.MINUTE_MILLIS)), Long.toString(ttl(now, LimitWindows.DAY_MILLIS)),
        lease, Long.toString(leaseMillis));
    List<String> windows = keys(token.id(), now);
    RedisLink.Sent sent = ADMIT.runKeepingReply(link, windows, args);
    return sent.answer().map(reply -> {
      int code = reply.toInteger();
      if (code == 0) {
        return (Admission) new Admitted(limits.maxConcurrent() == null ? Slot.NONE : slot(token.id(), lease));
      }
      return new OverLimit(refusal(token, BY_SCRIPT_CODE[code], now));
    }).otherwise(failure -> {
      Admission local = alone.admitNow(token);
      uncountIfRefused(local, sent.reply(), countedWindows(limits, windows));
      return limits.maxConcurrent() == null ? local : withLateLeaseGivenBack(local, token.id(), lease);
    });
  }

  /**
   * A late answer does not stop the script, which may still count the request on Redis. When this
   * instance refused it on its own counts, the request is never served: the script's count is
   * taken back once its reply says it counted. An admitted request keeps it: it was served, and
   * Redis's count is what the other instances share (this instance's own count serves only its
   * decisions while Redis is late or away).
   */
  private void uncountIfRefused(Admission local, Future<Response> scriptReply, List<String> counted) {
    switch (local) {
      case Admitted admitted -> { }
      case OverLimit over -> scriptReply.onSuccess(reply -> {
        if (reply.toInteger() == 0 && !counted.isEmpty() && link.up()) {
          UNCOUNT.run(link, counted, List.of());
        }
      });
    }
  }

  /** The request windows of {@code windows} that the admission script counts in: those with a limit. */
  private static List<String> countedWindows(TokenLimits limits, List<String> windows) {
    List<String> counted = new ArrayList<>(2);
    if (limits.requestsPerMinute() != null) {
      counted.add(windows.get(0));
    }
    if (limits.requestsPerDay() != null) {
      counted.add(windows.get(1));
    }
    return counted;
  }

  /**
   * A late answer (REDIS_TIMEOUT_MS) does not stop the script, which may still take {@code lease}
   * on Redis: the local answer's slot removes it too when released, or the token would be a
   * request short until the lease expired. A local refusal removes it at once.
   */
  private Admission withLateLeaseGivenBack(Admission local, String tokenId, String lease) {
    return switch (local) {
      case Admitted admitted -> {
        AtomicBoolean released = new AtomicBoolean();
        yield new Admitted(() -> {
          if (released.compareAndSet(false, true)) {
            admitted.slot().release();
            forget(tokenId, lease);
          }
        });
      }
      case OverLimit over -> {
        forget(tokenId, lease);
        yield over;
      }
    };
  }

  /** Removes {@code lease} from the token's requests in progress; lost while Redis is away (it expires). */
  private void forget(String tokenId, String lease) {
    if (link.up()) {
      link.send(Request.cmd(Command.ZREM).arg(inProgressKey(tokenId)).arg(lease));
    }
  }

  private static TokenRefusal refusal(ClientToken token, LimitWindows.Limit limit, long now) {
    TokenLimits limits = token.limits();
    long value = switch (limit) {
      case REQUESTS_PER_MINUTE -> limits.requestsPerMinute();
      case REQUESTS_PER_DAY -> limits.requestsPerDay();
      case TOKENS_PER_MINUTE -> limits.tokensPerMinute();
      case TOKENS_PER_DAY -> limits.tokensPerDay();
      case CONCURRENT -> limits.maxConcurrent();
    };
    long retryAfter = limit == LimitWindows.Limit.CONCURRENT ? 1 : LimitWindows.secondsLeft(now, limit.windowMillis());
    return limit.refusal(token, value, value, retryAfter);
  }

  @Override
  public void charge(ClientToken token, long tokens) {
    if (!link.up()) {
      alone.charge(token, tokens);
      return;
    }
    long now = clock.getAsLong();
    List<String> windows = keys(token.id(), now);
    CHARGE.run(link, windows.subList(2, 4), List.of(Long.toString(tokens),
        Long.toString(ttl(now, LimitWindows.MINUTE_MILLIS)), Long.toString(ttl(now, LimitWindows.DAY_MILLIS))))
        .onFailure(e -> alone.charge(token, tokens));
  }

  /** A lease on Redis, renewed while held, removed once when released. */
  private Slot slot(String tokenId, String lease) {
    String key = inProgressKey(tokenId);
    AtomicBoolean released = new AtomicBoolean();
    long timer = vertx.setPeriodic(leaseMillis / 2, t -> {
      if (link.up()) {
        RENEW.run(link, List.of(key), List.of(lease, Long.toString(leaseMillis)));
      }
    });
    return () -> {
      if (released.compareAndSet(false, true)) {
        vertx.cancelTimer(timer);
        forget(tokenId, lease);
      }
    };
  }

  private List<String> keys(String tokenId, long now) {
    String base = base(tokenId);
    long minute = LimitWindows.minute(now);
    long day = LimitWindows.day(now);
    return List.of(base + "rpm:" + minute, base + "rpd:" + day, base + "tpm:" + minute, base + "tpd:" + day,
        inProgressKey(tokenId));
  }

  /** The token's keys share a hash tag, so that one script may touch them all on a Redis Cluster too. */
  private String base(String tokenId) {
    return link.key("token:{" + tokenId + "}:");
  }

  private String inProgressKey(String tokenId) {
    return base(tokenId) + "busy";
  }

  private static String limit(Long value) {
    return value == null ? NONE : Long.toString(value);
  }

  /** Until the window holding {@code now} ends, and a minute beyond. */
  private static long ttl(long now, long windowMillis) {
    return (Math.floorDiv(now, windowMillis) + 1) * windowMillis - now + SLACK_MILLIS;
  }
}
