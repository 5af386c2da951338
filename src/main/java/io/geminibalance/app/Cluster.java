package io.geminibalance.app;

import io.geminibalance.auth.LocalTokenLimiter;
import io.geminibalance.auth.TokenLimiter;
import io.geminibalance.cluster.ClusterMembers;
import io.geminibalance.cluster.RedisLink;
import io.geminibalance.cluster.RedisQuota;
import io.geminibalance.cluster.RedisTokenLimiter;
import io.geminibalance.cluster.SharedKeyState;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.SharedQuota;
import io.geminibalance.upstream.Leaser;
import io.geminibalance.upstream.SharedQuotaLeaser;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance among the others on one Redis (REDIS_URL), or alone without it: the link, the
 * members, the shared counts the pools confirm their leases with, the pool's shared key state,
 * and the {@code config} channel on which an instance that changed the configuration (settings,
 * keys, the generated admin token, managed client tokens) tells the others to reload it from the
 * database. Without REDIS_URL every method is a no-op, the mode is {@code single}, and nothing on
 * the request path changes.
 */
final class Cluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
  private static final String CONFIG_CHANNEL = "config";
  /** How long a starting instance waits for Redis's first answer before serving alone. */
  private static final long STARTUP_WAIT_MILLIS = 3_000;
  /** How long after Redis's return an instance keeps its share as well (see {@link #back}). */
  static final long TOGETHER_AFTER_MILLIS = 5_000;

  private final Vertx vertx;
  /** Null without REDIS_URL, and so are {@link #members} and {@link #quota}. */
  private final RedisLink link;
  private final ClusterMembers members;
  private final RedisQuota quota;
  private final String id;
  private final LongSupplier clock;
  private final List<QuotaKeyPool> pools = new CopyOnWriteArrayList<>();
  private final Promise<Void> ready = Promise.promise();
  private SharedKeyState keyState;
  /** Redis's life as last seen (see {@link RedisQuota#epoch}); null before it first answered. */
  private volatile String epoch;

  private Cluster(Vertx vertx, RedisLink link, ClusterMembers members, String id, LongSupplier clock) {
    this.vertx = vertx;
    this.link = link;
    this.members = members;
    this.id = id;
    this.clock = clock;
    this.quota = link == null ? null : new RedisQuota(link, id, clock);
  }

  /**
   * The cluster REDIS_URL names, listening for Redis's state; a cluster of one without REDIS_URL.
   * The link starts down, so the listener hears Redis's first answer as it coming back.
   */
  static Cluster open(Vertx vertx, GatewayConfig config, LongSupplier clock) {
    Optional<RedisLink> opened = RedisLink.open(vertx, config.values());
    if (opened.isEmpty()) {
      Cluster single = new Cluster(vertx, null, null, ClusterMembers.newId(), clock);
      single.ready.complete();
      return single;
    }
    RedisLink link = opened.get();
    ClusterMembers members = new ClusterMembers(vertx, link);
    Cluster cluster = new Cluster(vertx, link, members, members.id(), clock);
    link.onStateChange(up -> {
      if (up) {
        cluster.back();
      } else {
        cluster.away();
      }
    });
    // The link pings as it opens: an answer that came before the listener was there is heard here.
    if (link.up()) {
      cluster.back();
    }
    members.start().onFailure(e -> LOG.debug("First heartbeat failed: {}", e.toString()));
    vertx.setTimer(STARTUP_WAIT_MILLIS, t -> cluster.startedWithoutRedis());
    return cluster;
  }

  Optional<RedisLink> link() {
    return Optional.ofNullable(link);
  }

  /**
   * Completes once Redis first answered and this instance confirms its leases there, or after a
   * few seconds without an answer (then it schedules alone until Redis answers); at once without
   * REDIS_URL.
   */
  Future<Void> ready() {
    return ready.future();
  }

  /** Shares {@code pool}'s counts: the leaser that confirms its leases, over {@code local}. */
  Leaser share(QuotaKeyPool pool, Leaser local) {
    if (link == null) {
      return local;
    }
    pool.share(quota);
    pools.add(pool);
    return new SharedQuotaLeaser(vertx, local, pool, quota, clock);
  }

  /**
   * The managed tokens' limiter: in memory alone; with REDIS_URL, counted on Redis, and while Redis
   * is away locally with each limit cut to this instance's 1/N.
   */
  TokenLimiter tokenLimiter() {
    if (link == null) {
      return new LocalTokenLimiter(clock);
    }
    return new RedisTokenLimiter(vertx, link, members::view, clock, RedisTokenLimiter.LEASE_MILLIS);
  }

  /** Shares {@code pool}'s whole-key state; then calls {@code reload} on each configuration change elsewhere. */
  void start(QuotaKeyPool pool, Runnable reload) {
    if (link == null) {
      return;
    }
    keyState = new SharedKeyState(vertx, link, id, pool, "gemini");
    keyState.start();
    link.subscribe(CONFIG_CHANNEL, payload -> {
      try {
        if (!id.equals(new JsonObject(payload).getString("from"))) {
          reload.run();
        }
      } catch (DecodeException e) {
        LOG.warn("Ignoring an unreadable message on Redis channel {}", CONFIG_CHANNEL);
      }
    });
  }

  /**
   * Tells the other instances that the configuration in the database changed. Lost while Redis
   * is away: they then keep theirs until the next change (or restart).
   */
  void configChanged() {
    if (link != null && link.up()) {
      link.publish(CONFIG_CHANNEL, new JsonObject().put("from", id).encode());
    }
  }

  /**
   * Redis went away: every pool schedules alone with this instance's 1/N of each limit (N and the
   * rank as last seen), and only then do takes stop going to Redis, so that no lease slips through
   * at the whole limits in between (a take meanwhile fails and is leased again from the pool).
   */
  private void away() {
    ClusterMembers.View view = members.view();
    pools.forEach(pool -> pool.scheduleAlone(view::share));
    quota.confirming(false);
  }

  /**
   * Redis did not answer within a few seconds of the start: the pools schedule alone (their sends
   * kept apart, to be counted on Redis when it answers) with the share of the instances last seen,
   * which at start is this one alone: N is not known before Redis answers.
   */
  private void startedWithoutRedis() {
    if (ready.future().isComplete()) {
      return;
    }
    ClusterMembers.View view = members.view();
    pools.forEach(pool -> pool.scheduleAlone(view::share, false));
    quota.confirming(false);
    ready.tryComplete();
  }

  /**
   * Redis answers again: first the sends made while it was away are counted there (all of the
   * minute and the day when it came back without its data), then takes go to Redis again, and
   * after {@link #TOGETHER_AFTER_MILLIS} the pools drop their shares for the whole limits. In
   * between an instance applies both its share and Redis's count, so that the instances that
   * noticed Redis's return a moment later (their ping is once a second), and have not counted
   * their own sends there yet, are still within their shares.
   */
  private void back() {
    quota.epoch().compose(current -> {
      boolean lost = epoch != null && !epoch.equals(current);
      epoch = current;
      List<SharedQuota.Sent> sent = new ArrayList<>();
      pools.forEach(pool -> sent.addAll(pool.sentAlone(lost)));
      if (lost || !sent.isEmpty()) {
        LOG.info("Counting in Redis this instance's sends of {} key x model cell(s) made while it was away{}",
            sent.size(), lost ? " (Redis came back without its data: all of the minute and the day)" : "");
      }
      return quota.seed(sent);
    }).onFailure(e -> {
      // An error reply (Redis loading, out of memory): the pools stay as they are and it is tried again.
      LOG.warn("Redis answers but the instance cannot rejoin the shared counts yet ({}); trying again", e.toString());
      vertx.setTimer(1_000, t -> {
        if (link.up() && !quota.active()) {
          back();
        }
      });
    }).onSuccess(cells -> {
      pools.forEach(QuotaKeyPool::countedAlone);
      quota.confirming(true);
      pools.forEach(QuotaKeyPool::liftAwayHolds);
      ready.tryComplete();
      if (pools.stream().anyMatch(QuotaKeyPool::alone)) {
        vertx.setTimer(TOGETHER_AFTER_MILLIS, t -> {
          if (quota.active()) {
            pools.forEach(QuotaKeyPool::scheduleShared);
          }
        });
      }
    });
  }

  /**
   * The {@code cluster} object of {@code GET /api/pool} and {@code GET /api/cluster}: {@code mode}
   * ({@code single} without REDIS_URL, {@code shared} while leases are confirmed on Redis,
   * {@code local-1/N} with the number N while this instance schedules alone), the Redis address
   * (never its credentials) and whether it is up, the instances alive, this one's rank and id.
   */
  JsonObject report() {
    if (link == null) {
      return new JsonObject().put("mode", "single").putNull("redis").put("instances", 1).put("rank", 0)
          .put("instance", id);
    }
    ClusterMembers.View view = members.view();
    boolean alone = pools.stream().anyMatch(QuotaKeyPool::alone) || !quota.active();
    return new JsonObject().put("mode", alone ? "local-1/" + view.count() : "shared")
        .put("redis", new JsonObject().put("address", link.address()).put("up", link.up()))
        .put("instances", view.count()).put("rank", view.rank()).put("instance", id);
  }

  @Override
  public void close() {
    if (link == null) {
      return;
    }
    if (keyState != null) {
      keyState.close();
    }
    members.close(); // leaves the set of instances, so that the others' N drops at once
    // The link closes a moment later, so that the leave is sent rather than dropped with it.
    vertx.setTimer(Math.max(1, Math.min(link.timeoutMillis(), 500)), t -> link.close());
  }
}
