package io.geminibalance.cluster;

import io.geminibalance.config.ConfigValues;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one Redis (REDIS_URL): commands with a deadline, whether Redis is usable now, and
 * pub/sub on a connection of its own. Redis being away is a state, not an error: a command that
 * gets no answer (an error reply is an answer) or outlasts REDIS_TIMEOUT_MS marks the link down, a ping once a second brings it back up,
 * and listeners hear each change once (callers then fall back to local state, and back). The
 * address is logged without its user and password.
 */
public final class RedisLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
  private static final long PING_MILLIS = 1_000;

  private final Vertx vertx;
  private final Redis client;
  private final String prefix;
  private final long timeoutMillis;
  private final String where;
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, Consumer<String>> channels = new ConcurrentHashMap<>();
  private volatile boolean up;
  private final java.util.concurrent.atomic.AtomicBoolean pinging = new java.util.concurrent.atomic.AtomicBoolean();
  /** An error reply to a ping (a wrong password) is logged once, not every second. */
  private final java.util.concurrent.atomic.AtomicBoolean refusalLogged = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean closed;
  private volatile RedisConnection subscriber;
  private boolean subscribing;
  private long pingTimer = -1;

  private RedisLink(Vertx vertx, String url, String prefix, long timeoutMillis) {
    this.vertx = vertx;
    this.prefix = prefix;
    this.timeoutMillis = timeoutMillis;
    this.where = address(url);
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url)
        .setMaxPoolSize(8).setMaxPoolWaiting(4_096).setMaxWaitingHandlers(16_384));
  }

  /** The link REDIS_URL names, or empty when it is unset (one instance, local state only). */
  public static Optional<RedisLink> open(Vertx vertx, ConfigValues settings) {
    String url = settings.string("REDIS_URL");
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    RedisLink link = new RedisLink(vertx, url.trim(), settings.string("REDIS_KEY_PREFIX"),
        settings.integer("REDIS_TIMEOUT_MS"));
    link.start();
    return Optional.of(link);
  }

  /** For tests: a link to {@code url} with this prefix and deadline. */
  public static RedisLink open(Vertx vertx, String url, String prefix, long timeoutMillis) {
    RedisLink link = new RedisLink(vertx, url, prefix, timeoutMillis);
    link.start();
    return link;
  }

  /** {@code name} under this gateway's prefix: every key and channel goes through here. */
  public String key(String name) {
    return prefix + name;
  }

  /** Whether Redis answered the last command or ping in time. */
  public boolean up() {
    return up;
  }

  /** The host and port, for log lines and the admin API (never the credentials). */
  public String address() {
    return where;
  }

  public long timeoutMillis() {
    return timeoutMillis;
  }

  /** Called with {@code true} when Redis becomes usable, {@code false} when it goes away. */
  public void onStateChange(Consumer<Boolean> listener) {
    listeners.add(listener);
  }

  /**
   * One command with the deadline. A failure or a late answer has Redis pinged at once: only a
   * ping that fails too marks the link down, so that one slow command (a burst, a big script) does
   * not switch every pool to scheduling alone.
   */
  public Future<Response> send(Request request) {
    return sendKeepingReply(request).answer();
  }

  /**
   * An answer within the deadline, and Redis's reply whenever it comes: a command whose answer
   * was late still ran, and a caller may have to undo what it did.
   */
  public record Sent(Future<Response> answer, Future<Response> reply) {}

  /** {@link #send}, keeping the reply that may come after the deadline. */
  public Sent sendKeepingReply(Request request) {
    Future<Response> reply = client.send(request);
    return new Sent(reply.timeout(timeoutMillis, TimeUnit.MILLISECONDS).onFailure(this::suspect), reply);
  }

  /** Several commands in one round trip (pipelined on one connection), with one deadline. */
  public Future<List<Response>> batch(List<Request> requests) {
    return client.batch(requests).timeout(timeoutMillis, TimeUnit.MILLISECONDS).onFailure(this::suspect);
  }

  /** Publishes {@code message} on the prefixed {@code channel}; lost while Redis is away. */
  public Future<Response> publish(String channel, String message) {
    return send(Request.cmd(Command.PUBLISH).arg(key(channel)).arg(message));
  }

  /**
   * Delivers every message on the prefixed {@code channel} to {@code handler} (on an event loop),
   * also after Redis comes back: the subscription is made again on each new connection.
   */
  public void subscribe(String channel, Consumer<String> handler) {
    channels.put(key(channel), handler);
    RedisConnection connection = subscriber;
    if (connection != null) {
      connection.send(Request.cmd(Command.SUBSCRIBE).arg(key(channel)));
    }
  }

  private void start() {
    ping();
    pingTimer = vertx.setPeriodic(PING_MILLIS, t -> ping());
  }

  private void ping() {
    if (closed || !pinging.compareAndSet(false, true)) {
      return;
    }
    client.send(Request.cmd(Command.PING)).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .onComplete(ar -> pinging.set(false))
        .onSuccess(r -> {
          changeState(true);
          ensureSubscriber();
        })
        .onFailure(this::down);
  }

  /**
   * A command failed. An error reply (NOSCRIPT after a restart, a script's error) is an answer:
   * Redis is there. Anything else (a timeout, a broken connection) is checked with a ping now.
   */
  private void suspect(Throwable cause) {
    if (!(cause instanceof Response)) {
      ping();
    }
  }

  /**
   * The ping failed: Redis is away, or refuses every command (a wrong password, a replica being
   * loaded), which is as unusable. Said once per outage, without the credentials.
   */
  private void down(Throwable cause) {
    if (up && !closed) {
      LOG.warn("Redis at {} is away ({}): scheduling locally with 1/N of every limit until it answers again",
          where, cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    } else if (cause instanceof Response && refusalLogged.compareAndSet(false, true)) {
      LOG.error("Redis at {} refuses the gateway's commands ({}): check REDIS_URL's user and password;"
          + " scheduling locally with 1/N of every limit meanwhile", where, cause.getMessage());
    }
    changeState(false);
  }

  private void changeState(boolean nowUp) {
    boolean was;
    synchronized (this) {
      was = up;
      up = nowUp;
    }
    if (was == nowUp || closed) {
      return;
    }
    if (nowUp) {
      refusalLogged.set(false);
      LOG.info("Redis at {} is usable: quota state is shared with the other instances", where);
    }
    for (Consumer<Boolean> listener : listeners) {
      try {
        listener.accept(nowUp);
      } catch (RuntimeException e) {
        LOG.error("A Redis state listener failed", e);
      }
    }
  }

  /** The pub/sub connection: made while Redis is up and channels are wanted, again after it broke. */
  private void ensureSubscriber() {
    synchronized (this) {
      if (subscriber != null || subscribing || channels.isEmpty() || closed) {
        return;
      }
      subscribing = true;
    }
    client.connect().timeout(timeoutMillis * 4, TimeUnit.MILLISECONDS).onComplete(ar -> {
      synchronized (this) {
        subscribing = false;
      }
      if (ar.failed()) {
        return;
      }
      RedisConnection connection = ar.result();
      if (closed) {
        connection.close();
        return;
      }
      connection.handler(this::message);
      connection.exceptionHandler(e -> dropSubscriber(connection));
      connection.endHandler(v -> dropSubscriber(connection));
      subscriber = connection;
      for (String channel : channels.keySet()) {
        connection.send(Request.cmd(Command.SUBSCRIBE).arg(channel));
      }
    });
  }

  private void dropSubscriber(RedisConnection connection) {
    if (subscriber == connection) {
      subscriber = null;
    }
  }

  /** A pushed {@code message channel payload}; subscribe confirmations and others are ignored. */
  private void message(Response push) {
    if (push == null || (push.type() != ResponseType.PUSH && push.type() != ResponseType.MULTI) || push.size() < 3) {
      return;
    }
    if (!"message".equals(push.get(0).toString())) {
      return;
    }
    Consumer<String> handler = channels.get(push.get(1).toString());
    if (handler != null) {
      handler.accept(push.get(2).toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
    }
    RedisConnection connection = subscriber;
    if (connection != null) {
      connection.close();
    }
    client.close();
  }

  /** {@code host:port} of a redis:// URL, never its user or password. */
  static String address(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getHost() == null) {
        return "(unparsable REDIS_URL)";
      }
      return uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
    } catch (IllegalArgumentException e) {
      return "(unparsable REDIS_URL)";
    }
  }
}
