package io.geminibalance.app;

import io.geminibalance.cluster.ClusterMembers;
import io.geminibalance.cluster.RedisLink;
import io.geminibalance.cluster.SharedKeyState;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.keypool.QuotaKeyPool;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance among the others on one Redis (REDIS_URL), or alone without it: the link, the
 * members, the pool's shared key state, and the {@code config} channel on which an instance that
 * changed the configuration (settings, keys, the generated admin token) tells the others to
 * reload it from the database. Without REDIS_URL every method is a no-op and the mode is
 * {@code single}.
 */
final class Cluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
  private static final String CONFIG_CHANNEL = "config";

  private final Vertx vertx;
  private final RedisLink link;
  private final ClusterMembers members;
  private final String id;
  private SharedKeyState keyState;

  private Cluster(Vertx vertx, RedisLink link, ClusterMembers members, String id) {
    this.vertx = vertx;
    this.link = link;
    this.members = members;
    this.id = id;
  }

  static Cluster open(Vertx vertx, GatewayConfig config) {
    Optional<RedisLink> link = RedisLink.open(vertx, config.values());
    if (link.isEmpty()) {
      return new Cluster(vertx, null, null, ClusterMembers.newId());
    }
    ClusterMembers members = new ClusterMembers(vertx, link.get());
    return new Cluster(vertx, link.get(), members, members.id());
  }

  Optional<RedisLink> link() {
    return Optional.ofNullable(link);
  }

  /** Starts the heartbeat and shares {@code pool}'s whole-key state; then calls {@code reload} on each change elsewhere. */
  void start(QuotaKeyPool pool, Runnable reload) {
    if (link == null) {
      return;
    }
    members.start().onFailure(e -> LOG.debug("First heartbeat failed: {}", e.toString()));
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
   * The {@code cluster} object of {@code GET /api/pool}: {@code mode} ({@code single} without
   * REDIS_URL, {@code shared} while Redis answers, {@code local-1/N} while it is away), the Redis
   * address (never its credentials) and whether it is up, the instances alive, this one's rank and id.
   */
  JsonObject report() {
    if (link == null) {
      return new JsonObject().put("mode", "single").putNull("redis").put("instances", 1).put("rank", 0)
          .put("instance", id);
    }
    ClusterMembers.View view = members.view();
    boolean up = link.up();
    return new JsonObject().put("mode", up ? "shared" : "local-1/N")
        .put("redis", new JsonObject().put("address", link.address()).put("up", up))
        .put("instances", view.count()).put("rank", view.rank()).put("instance", id);
  }

  @Override
  public void close() {
    if (link != null) {
      if (keyState != null) {
        keyState.close();
      }
      members.close();
      link.close();
    }
  }
}
