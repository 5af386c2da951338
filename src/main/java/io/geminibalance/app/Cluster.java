package io.geminibalance.app;

import io.geminibalance.cluster.ClusterMembers;
import io.geminibalance.cluster.RedisLink;
import io.geminibalance.cluster.RedisQuota;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.SharedQuota;
import io.geminibalance.upstream.Leaser;
import io.geminibalance.upstream.SharedQuotaLeaser;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several instances as one pool (REDIS_URL): the link, this instance among the others, and the
 * shared counts the pools confirm their leases with. Absent without REDIS_URL, and then nothing
 * on the request path changes.
 */
final class Cluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
  /** How long a starting instance waits for Redis's first answer before serving alone. */
  private static final long STARTUP_WAIT_MILLIS = 3_000;
  /** How long after Redis's return an instance keeps its share as well (see {@link #back}). */
  static final long TOGETHER_AFTER_MILLIS = 5_000;

  private final Vertx vertx;
  private final RedisLink link;
  private final ClusterMembers members;
  private final RedisQuota quota;
  private final LongSupplier clock;
  private final List<QuotaKeyPool> pools = new CopyOnWriteArrayList<>();
  private final Promise<Void> ready = Promise.promise();
  /** Redis's life as last seen (see {@link RedisQuota#epoch}); null before it first answered. */
  private volatile String epoch;

  private Cluster(Vertx vertx, RedisLink link, LongSupplier clock) {
    this.vertx = vertx;
    this.link = link;
    this.clock = clock;
    this.members = new ClusterMembers(vertx, link);
    this.quota = new RedisQuota(link, members.id(), clock);
  }

  /**
   * The link REDIS_URL names, listening for Redis's state, or empty without REDIS_URL. The link
   * starts down, so the listener hears Redis's first answer as it coming back.
   */
  static Optional<Cluster> open(Vertx vertx, GatewayConfig config, LongSupplier clock) {
    return RedisLink.open(vertx, config.values()).map(link -> {
      Cluster cluster = new Cluster(vertx, link, clock);
      link.onStateChange(up -> {
        if (up) {
          cluster.back();
        } else {
          cluster.away();
        }
      });
      cluster.members.start();
      vertx.setTimer(STARTUP_WAIT_MILLIS, t -> cluster.ready.tryComplete());
      return cluster;
    });
  }

  /**
   * Completes once Redis first answered and this instance confirms its leases there, or after a
   * few seconds without an answer (then it schedules alone until Redis answers).
   */
  Future<Void> ready() {
    return ready.future();
  }

  /** Shares {@code pool}'s counts: the leaser that confirms its leases, over {@code local}. */
  Leaser share(QuotaKeyPool pool, Leaser local) {
    pool.share(quota);
    pools.add(pool);
    return new SharedQuotaLeaser(vertx, local, pool, quota, clock);
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
    }).onSuccess(cells -> {
      quota.confirming(true);
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

  /** For {@code GET /api/pool}: whether the pool is shared now, among how many, and this instance's rank. */
  JsonObject report() {
    ClusterMembers.View view = members.view();
    boolean alone = pools.stream().anyMatch(QuotaKeyPool::alone) || !quota.active();
    return report(alone ? "local-1/" + view.count() : "shared", view.count(), view.rank());
  }

  static JsonObject single() {
    return report("single", 1, 0);
  }

  private static JsonObject report(String mode, int instances, int rank) {
    return new JsonObject().put("mode", mode).put("instances", instances).put("rank", rank);
  }

  @Override
  public void close() {
    members.close(); // leaves the set of instances, so that the others' N drops at once
    // The link closes a moment later, so that the leave is sent rather than dropped with it.
    vertx.setTimer(Math.max(1, Math.min(link.timeoutMillis(), 500)), t -> link.close());
  }
}
