package io.geminibalance.testing;

import io.geminibalance.storage.StorageConfig;
import io.geminibalance.storage.support.ServerTestDatabase;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Two gateways on one database (and one Redis when given), as two instances behind a load
 * balancer. Closing closes both.
 */
public record GatewayPair(GatewayHarness a, GatewayHarness b) implements AutoCloseable {

  /** Starts both with the same settings; the second's failure to start closes the first. */
  public static GatewayPair start(Map<String, String> env) {
    GatewayHarness a = GatewayHarness.start(env);
    try {
      return new GatewayPair(a, GatewayHarness.start(env));
    } catch (RuntimeException | Error e) {
      a.close();
      throw e;
    }
  }

  /**
   * The settings of an instance on {@code db}, with Redis at {@code redisUrl} (null: none) under
   * {@code prefix}, plus {@code more} as name, value pairs.
   */
  public static Map<String, String> env(ServerTestDatabase db, String redisUrl, String prefix, String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", urlWithUser(db.config()));
    if (redisUrl != null) {
      env.put("REDIS_URL", redisUrl);
      env.put("REDIS_KEY_PREFIX", prefix);
    }
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  /** A Redis key prefix of this test's own, so that tests sharing the Redis never meet. */
  public static String prefix() {
    return "gbtest:" + UUID.randomUUID() + ":";
  }

  @Override
  public void close() {
    try {
      b.close();
    } finally {
      a.close();
    }
  }

  private static String urlWithUser(StorageConfig config) {
    String url = config.jdbcUrl();
    if (config.user() == null || url.contains("user=")) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + "user=" + config.user();
  }
}
