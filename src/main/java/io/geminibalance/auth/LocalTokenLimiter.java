package io.geminibalance.auth;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * {@link TokenLimiter} in this instance's memory: per token, the current minute's and day's counts
 * and the requests in progress, under the token's own lock. With {@code share}, each limit is cut
 * to this instance's part of it (1/N while Redis is away, as the pool does). Holds one entry per
 * managed token with a limit: tokens are few and made by the admin.
 */
public final class LocalTokenLimiter implements TokenLimiter {
  private final LongSupplier clock;
  private final LongUnaryOperator share;
  private final Map<String, Counts> counts = new ConcurrentHashMap<>();

  private static final class Counts {
    long minute = Long.MIN_VALUE;
    long day = Long.MIN_VALUE;
    long requestsMinute;
    long requestsDay;
    long tokensMinute;
    long tokensDay;
    long inProgress;

    void roll(long now) {
      long m = LimitWindows.minute(now);
      if (m != minute) {
        minute = m;
        requestsMinute = 0;
        tokensMinute = 0;
      }
      long d = LimitWindows.day(now);
      if (d != day) {
        day = d;
        requestsDay = 0;
        tokensDay = 0;
      }
    }
  }

  /** The whole limits, for an instance alone. */
  public LocalTokenLimiter(LongSupplier clockMillis) {
    this(clockMillis, LongUnaryOperator.identity());
  }

  /** @param share this instance's part of a limit (at least 0) */
  public LocalTokenLimiter(LongSupplier clockMillis, LongUnaryOperator share) {
    this.clock = clockMillis;
    this.share = share;
  }

  @Override
  public Future<Admission> admit(ClientToken token) {
    return Future.succeededFuture(admitNow(token));
  }

  /** {@link #admit} without a future. */
  public Admission admitNow(ClientToken token) {
    TokenLimits limits = token.limits();
    Counts c = counts.computeIfAbsent(token.id(), id -> new Counts());
    long now = clock.getAsLong();
    synchronized (c) {
      c.roll(now);
      TokenRefusal refusal = over(token, LimitWindows.Limit.REQUESTS_PER_MINUTE, limits.requestsPerMinute(),
          c.requestsMinute, now);
      refusal = refusal != null ? refusal
          : over(token, LimitWindows.Limit.REQUESTS_PER_DAY, limits.requestsPerDay(), c.requestsDay, now);
      refusal = refusal != null ? refusal
          : over(token, LimitWindows.Limit.TOKENS_PER_MINUTE, limits.tokensPerMinute(), c.tokensMinute, now);
      refusal = refusal != null ? refusal
          : over(token, LimitWindows.Limit.TOKENS_PER_DAY, limits.tokensPerDay(), c.tokensDay, now);
      Integer concurrent = limits.maxConcurrent();
      if (refusal == null && concurrent != null && c.inProgress >= share.applyAsLong(concurrent)) {
        // A slot frees when a request ends, which no clock says: try again soon.
        refusal = LimitWindows.Limit.CONCURRENT.refusal(token, concurrent, share.applyAsLong(concurrent), 1);
      }
      if (refusal != null) {
        return new OverLimit(refusal);
      }
      c.requestsMinute++;
      c.requestsDay++;
      if (concurrent == null) {
        return new Admitted(Slot.NONE);
      }
      c.inProgress++;
    }
    AtomicBoolean released = new AtomicBoolean();
    return new Admitted(() -> {
      if (released.compareAndSet(false, true)) {
        synchronized (c) {
          c.inProgress--;
        }
      }
    });
  }

  private TokenRefusal over(ClientToken token, LimitWindows.Limit limit, Long value, long count, long now) {
    if (value == null) {
      return null;
    }
    long allowed = share.applyAsLong(value);
    return count < allowed ? null
        : limit.refusal(token, value, allowed, LimitWindows.secondsLeft(now, limit.windowMillis()));
  }

  @Override
  public void charge(ClientToken token, long tokens) {
    Counts c = counts.computeIfAbsent(token.id(), id -> new Counts());
    long now = clock.getAsLong();
    synchronized (c) {
      c.roll(now);
      c.tokensMinute += tokens;
      c.tokensDay += tokens;
    }
  }

  /** Tokens charged to {@code tokenId} today, by this instance's clock (tests, reports). */
  public long tokensToday(String tokenId) {
    Counts c = counts.get(tokenId);
    if (c == null) {
      return 0;
    }
    synchronized (c) {
      c.roll(clock.getAsLong());
      return c.tokensDay;
    }
  }

  /** Requests of {@code tokenId} in progress now (tests, reports). */
  public long inProgress(String tokenId) {
    Counts c = counts.get(tokenId);
    if (c == null) {
      return 0;
    }
    synchronized (c) {
      return c.inProgress;
    }
  }
}
