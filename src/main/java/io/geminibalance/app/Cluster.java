package io.geminibalance.app;

import io.geminibalance.cluster.ClusterMembers;
import io.geminibalance.cluster.RedisLink;
import io.geminibalance.cluster.RedisQuota;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.upstream.Leaser;
import io.geminibalance.upstream.SharedQuotaLeaser;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Several instances as one pool (REDIS_URL): the link, this instance among the others, and the
 * shared counts the pools confirm their leases with. Absent without REDIS_URL, and then nothing
 * on the request path changes.
 */
final class Cluster implements AutoCloseable {
  private final Vertx vertx;
  private final RedisLink link;
  private final ClusterMembers members;
  private final RedisQuota quota;
  private final LongSupplier clock;

  private Cluster(Vertx vertx, RedisLink link, LongSupplier clock) {
    this.vertx = vertx;
    this.link = link;
    this.clock = clock;
    this.members = new ClusterMembers(vertx, link);
    this.quota = new RedisQuota(link, members.id(), clock);
  }

  static Optional<Cluster> open(Vertx vertx, GatewayConfig config, LongSupplier clock) {
    return RedisLink.open(vertx, config.values()).map(link -> {
      Cluster cluster = new Cluster(vertx, link, clock);
      cluster.members.start();
      return cluster;
    });
  }

  /** Shares {@code pool}'s counts: the leaser that confirms its leases, over {@code local}. */
  Leaser share(QuotaKeyPool pool, Leaser local) {
    pool.share(quota);
    return new SharedQuotaLeaser(vertx, local, pool, quota, clock);
  }

  /** For {@code GET /api/pool}: whether the pool is shared now, among how many, and this instance's rank. */
  JsonObject report() {
    ClusterMembers.View view = members.view();
    return report(link.up() ? "shared" : "local-1/" + view.count(), view.count(), view.rank());
  }

  static JsonObject single() {
    return report("single", 1, 0);
  }

  private static JsonObject report(String mode, int instances, int rank) {
    return new JsonObject().put("mode", mode).put("instances", instances).put("rank", rank);
  }

  @Override
  public void close() {
    members.close();
    link.close();
  }
}
