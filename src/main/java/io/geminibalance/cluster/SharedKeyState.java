package io.geminibalance.cluster;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyStateListener;
import io.geminibalance.keypool.QuotaKeyPool;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a pool's whole-key state the same on every instance on one Redis: a key disabled on one
 * (MAX_FAILURES in a row, Google's verdict, an admin) is disabled on all, restored on all, and
 * failures in a row are counted together (HINCRBY on a hash by key fingerprint, deleted on a
 * success that ended a run), so MAX_FAILURES counts across instances. Changes go out on the
 * {@code keys:<pool>} channel; the disabled set is also a hash, read at start, whenever Redis
 * comes back and every {@value #PULL_MILLIS} ms, so an instance that missed messages converges.
 * When Redis comes back, the keys disabled here meanwhile are added to it. A restore that did not
 * reach an instance is not repaired that way (only disables are pulled: a key disabled here whose
 * write is still on its way must not be restored by its own absence); the re-check restores it.
 *
 * <p>Only fingerprints and reasons go to Redis, never a key. While Redis is away each instance
 * goes on with its own state. Changes heard from the others are applied without being sent back.
 */
public final class SharedKeyState implements KeyStateListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SharedKeyState.class);
  static final long PULL_MILLIS = 10_000;

  private final Vertx vertx;
  private final RedisLink link;
  private final String instanceId;
  private final QuotaKeyPool pool;
  private final String channel;
  private final String disabledHash;
  private final String failuresHash;
  /** Set while a change heard from another instance is applied: the pool's echo is not shared. */
  private final ThreadLocal<Boolean> applyingShared = ThreadLocal.withInitial(() -> false);
  private long pullTimer = -1;

  /** @param poolName which pool (several pools may share one Redis prefix) */
  public SharedKeyState(Vertx vertx, RedisLink link, String instanceId, QuotaKeyPool pool, String poolName) {
    this.vertx = vertx;
    this.link = link;
    this.instanceId = instanceId;
    this.pool = pool;
    this.channel = "keys:" + poolName;
    this.disabledHash = link.key("keys:" + poolName + ":disabled");
    this.failuresHash = link.key("keys:" + poolName + ":failures");
  }

  /** Listens to the pool and to the others, and converges now and after every Redis outage. */
  public void start() {
    pool.onKeyState(this);
    link.subscribe(channel, this::heard);
    link.onStateChange(up -> {
      if (up) {
        converge(true);
      }
    });
    if (link.up()) {
      converge(true);
    }
    pullTimer = vertx.setPeriodic(PULL_MILLIS, t -> {
      if (link.up()) {
        converge(false);
      }
    });
  }

  @Override
  public void close() {
    if (pullTimer >= 0) {
      vertx.cancelTimer(pullTimer);
    }
  }

  @Override
  public void failureCounted(ApiKey key, String reason) {
    if (!sharing()) {
      return;
    }
    link.send(Request.cmd(Command.HINCRBY).arg(failuresHash).arg(key.fingerprint()).arg(1)).onSuccess(count -> {
      int failures = count.toInteger();
      publish(event("failures", key).put("failures", failures));
      int max = pool.policy().maxFailures();
      if (failures >= max) {
        pool.disable(key, reason + " (" + max + " failures in a row, counted by every instance)");
      }
    });
  }

  @Override
  public void failuresCleared(ApiKey key) {
    if (sharing()) {
      send(List.of(Request.cmd(Command.HDEL).arg(failuresHash).arg(key.fingerprint())), event("cleared", key));
    }
  }

  @Override
  public void disabled(ApiKey key, String reason) {
    if (sharing()) {
      send(List.of(Request.cmd(Command.HSET).arg(disabledHash).arg(key.fingerprint()).arg(reason)),
          event("disabled", key).put("reason", reason));
    }
  }

  @Override
  public void restored(ApiKey key) {
    if (sharing()) {
      send(List.of(Request.cmd(Command.HDEL).arg(disabledHash).arg(key.fingerprint()),
          Request.cmd(Command.HDEL).arg(failuresHash).arg(key.fingerprint())), event("restored", key));
    }
  }

  private boolean sharing() {
    return link.up() && !applyingShared.get();
  }

  private JsonObject event(String event, ApiKey key) {
    return new JsonObject().put("from", instanceId).put("event", event).put("key", key.fingerprint());
  }

  /** The hash writes, then the message, in one round trip. */
  private void send(List<Request> writes, JsonObject message) {
    List<Request> batch = new java.util.ArrayList<>(writes);
    batch.add(Request.cmd(Command.PUBLISH).arg(link.key(channel)).arg(message.encode()));
    link.batch(batch);
  }

  private void publish(JsonObject message) {
    link.publish(channel, message.encode());
  }

  /** A change made by another instance. */
  private void heard(String payload) {
    JsonObject message;
    try {
      message = new JsonObject(payload);
    } catch (DecodeException e) {
      LOG.warn("Ignoring an unreadable message on Redis channel {}", channel);
      return;
    }
    if (instanceId.equals(message.getString("from"))) {
      return;
    }
    ApiKey key = pool.keyOf(message.getString("key", ""));
    if (key == null) {
      return;
    }
    applyShared(() -> {
      switch (message.getString("event", "")) {
        case "disabled" -> pool.disableDecidedElsewhere(key, message.getString("reason", ""));
        case "restored" -> pool.restore(key);
        case "failures" -> pool.setFailures(key, message.getInteger("failures", 0));
        case "cleared" -> pool.setFailures(key, 0);
        default -> { }
      }
    });
  }

  private void applyShared(Runnable change) {
    applyingShared.set(true);
    try {
      change.run();
    } finally {
      applyingShared.set(false);
    }
  }

  /**
   * Takes the shared disabled set and failure counts; with {@code push}, also adds the keys
   * disabled here that the set lacks (disabled while Redis was away, or before this instance started).
   */
  void converge(boolean push) {
    link.batch(List.of(Request.cmd(Command.HGETALL).arg(disabledHash), Request.cmd(Command.HGETALL).arg(failuresHash)))
        .onSuccess(replies -> {
          Set<String> sharedDisabled = new HashSet<>();
          Response disabled = replies.get(0);
          Response failures = replies.get(1);
          applyShared(() -> {
            for (String fingerprint : disabled.getKeys()) {
              sharedDisabled.add(fingerprint);
              ApiKey key = pool.keyOf(fingerprint);
              if (key != null) {
                pool.disableDecidedElsewhere(key, disabled.get(fingerprint).toString());
              }
            }
            for (String fingerprint : failures.getKeys()) {
              ApiKey key = pool.keyOf(fingerprint);
              if (key != null) {
                pool.setFailures(key, failures.get(fingerprint).toInteger());
              }
            }
          });
          if (!push) {
            return;
          }
          pool.snapshot().keys().stream()
              .filter(status -> status.disabled() && !sharedDisabled.contains(status.key().fingerprint()))
              .forEach(status -> disabled(status.key(), status.disabledReason()));
        });
  }
}
