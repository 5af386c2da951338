package io.geminibalance.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * The instances serving one pool: each announces itself in a sorted set of Redis, scored by
 * Redis's own clock (instances' clocks may differ), every {@link #HEARTBEAT_MILLIS}; an instance
 * that stops announcing for {@link #ALIVE_MILLIS} is gone. N (the instances alive) and this
 * instance's rank among them are what 1/N shares of a limit are cut by while Redis is away; they
 * keep their last known values then.
 */
public final class ClusterMembers implements AutoCloseable {
  public static final long HEARTBEAT_MILLIS = 5_000;
  public static final long ALIVE_MILLIS = 60_000;

  private static final RedisScript HEARTBEAT = new RedisScript("""
      local now = redis.call('TIME')
      local nowMillis = now[1] * 1000 + math.floor(now[2] / 1000)
      redis.call('ZADD', KEYS[1], nowMillis, ARGV[1])
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMillis - tonumber(ARGV[2]))
      redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[2]))
      return redis.call('ZRANGE', KEYS[1], 0, -1)
      """);

  private final Vertx vertx;
  private final RedisLink link;
  private final String id;
  private final List<Consumer<View>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile View view;
  private long timer = -1;

  /** The instances alive as last seen: their ids in order, and where this one stands. */
  public record View(List<String> ids, int rank) {
    public View {
      ids = List.copyOf(ids);
    }

    /** N: at least 1 (this instance) even before the first heartbeat was answered. */
    public int count() {
      return Math.max(1, ids.size());
    }

    /**
     * This instance's share of {@code limit} among N: the whole limit split as evenly as it goes,
     * the remainder to the first ranks, so the shares of all instances add up to the limit exactly.
     * 0 (unlimited) stays 0.
     */
    public int share(int limit) {
      if (limit <= 0) {
        return limit;
      }
      int n = count();
      return limit / n + (rank < limit % n ? 1 : 0);
    }
  }

  public ClusterMembers(Vertx vertx, RedisLink link) {
    this.vertx = vertx;
    this.link = link;
    this.id = newId();
    this.view = new View(List.of(id), 0);
  }

  public String id() {
    return id;
  }

  public View view() {
    return view;
  }

  /** Hears every new view after a heartbeat (on an event loop). */
  public void onChange(Consumer<View> listener) {
    listeners.add(listener);
  }

  /** Announces this instance now and then every {@link #HEARTBEAT_MILLIS}. */
  public Future<View> start() {
    timer = vertx.setPeriodic(HEARTBEAT_MILLIS, t -> heartbeat());
    return heartbeat();
  }

  /** One heartbeat: the answer is the instances alive. */
  public Future<View> heartbeat() {
    return HEARTBEAT.run(link, List.of(link.key("instances")), List.of(id, Long.toString(ALIVE_MILLIS)))
        .map(this::read);
  }

  private View read(Response members) {
    List<String> ids = new ArrayList<>(members.size());
    for (Response member : members) {
      ids.add(member.toString());
    }
    if (!ids.contains(id)) {
      ids.add(id);
    }
    // Ranked by id, not by the set's order (last heartbeat), so that every instance sees the same ranks.
    ids.sort(null);
    int rank = ids.indexOf(id);
    View next = new View(ids, rank);
    View previous = view;
    view = next;
    if (!next.equals(previous)) {
      listeners.forEach(l -> l.accept(next));
    }
    return next;
  }

  /** Leaves the set at once, so the others' N drops without waiting a minute. */
  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (link.up()) {
      link.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.ZREM)
          .arg(link.key("instances")).arg(id));
    }
  }

  /** A new instance id: the process id and 48 random bits (ids are only compared, never parsed). */
  public static String newId() {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    return ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
  }
}
