package io.geminibalance.app;

import io.geminibalance.config.GatewayConfig;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.InMemoryQuotaState;
import io.geminibalance.keypool.LeaseQueue;
import io.geminibalance.keypool.ModelAdmission;
import io.geminibalance.keypool.PoolSnapshot;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.requestlog.AttemptLog;
import io.geminibalance.storage.KeyState;
import io.geminibalance.storage.KeyStateWriteBehind;
import io.geminibalance.upstream.QueueLeaser;
import io.geminibalance.upstream.UpstreamClient;
import io.geminibalance.upstream.UpstreamProxies;
import io.geminibalance.upstream.UpstreamExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vertex AI Express surface's own key pool: VERTEX_API_KEYS in front of
 * VERTEX_EXPRESS_BASE_URL, apart from the Gemini pool (its keys are Google Cloud API keys in
 * express mode, which the Gemini API does not take, and the reverse). Everything else is the Gemini
 * pool's: the same scheduler and limits (DEFAULT_RPM/RPD, MODEL_RATE_LIMITS, KEY_RATE_LIMITS,
 * MAX_FAILURES), wait queue, classification of Google's answers, retries (MAX_RETRIES), timeouts,
 * CUSTOM_HEADERS, the re-check of disabled keys with TEST_MODEL and key state kept across restarts
 * (in the same table: rows are keyed by the key's fingerprint, so the two pools never share one).
 */
final class VertexExpress {
  private static final Logger LOG = LoggerFactory.getLogger(VertexExpress.class);
  /** The 503 of a Vertex request while no Vertex key is configured. */
  static final String NO_KEYS = "Vertex Express is not configured on this gateway: VERTEX_API_KEYS is empty"
      + " (its keys are a pool of their own, apart from API_KEYS).";

  /** What Settings validates; compares by value. */
  record Config(List<String> keys, URI baseUrl) {
    static Config from(GatewayConfig config) {
      return new Config(List.copyOf(new LinkedHashSet<>(config.values().credentials("VERTEX_API_KEYS"))),
          GatewayConfig.httpUrl("VERTEX_EXPRESS_BASE_URL", config.values().string("VERTEX_EXPRESS_BASE_URL")));
    }
  }

  private final QuotaKeyPool pool;
  private final LeaseQueue queue;
  private final UpstreamClient client;
  private final UpstreamExecutor executor;
  private final KeyRecheckJob recheck;
  private volatile KeyStateSync sync;

  VertexExpress(Vertx vertx, GatewayConfig config, Supplier<GatewayConfig> live, ModelAdmission admission,
      AttemptLog attemptLog, Persistence persistence, LongSupplier clock, UpstreamProxies proxies) {
    pool = new QuotaKeyPool(keys(config), Settings.quotaPolicy(config), new InMemoryQuotaState(),
        InstantSource.system(), admission);
    queue = LeaseQueue.over(pool, QueueLeaser.timer(vertx), InstantSource.system(), Settings.queueSettings(config));
    // Vertex AI Express is Google too: its calls go through PROXIES like the Gemini pool's.
    client = new UpstreamClient(vertx, upstreamSettings(config), Settings.upstreamPool(config), proxies);
    executor = new UpstreamExecutor(new QueueLeaser(vertx, queue), pool, client, attemptLog,
        () -> live.get().maxAttempts(), clock, persistence.redactor());
    recheck = new KeyRecheckJob(pool, client, () -> live.get().testModel());
  }

  /** Loads the stored key state of the Vertex keys (rows of other keys are left alone). */
  void restore(List<KeyState> stored) {
    KeyStateSync.restore(pool, stored);
  }

  /** Writes the pool's changed key state through {@code writer}, as the Gemini pool's sync does. */
  void startStateSync(KeyStateWriteBehind writer, List<KeyState> stored) {
    sync = new KeyStateSync(pool, writer, stored);
  }

  /** Records what changed since the last call (on a worker: it walks every key). */
  void syncState() {
    KeyStateSync current = sync;
    if (current != null) {
      current.sync();
    }
  }

  UpstreamExecutor executor() {
    return executor;
  }

  /** The wait queue of this pool, for metrics. */
  LeaseQueue queue() {
    return queue;
  }

  QuotaKeyPool pool() {
    return pool;
  }

  /** The 503 message while no Vertex key is configured, else null. */
  String unavailable() {
    return pool.size() == 0 ? NO_KEYS : null;
  }

  /** A changed configuration: keys keep their state, as in the Gemini pool. */
  void apply(GatewayConfig next) {
    pool.replaceKeys(keys(next));
    pool.updatePolicy(Settings.quotaPolicy(next));
    queue.updateSettings(Settings.queueSettings(next));
    client.update(upstreamSettings(next));
  }

  /** Re-tests the disabled Vertex keys; completes with the number restored. */
  Future<Integer> recheck() {
    return recheck.run();
  }

  /** For {@code GET /api/pool}: key counts, the quota snapshot and capacity, as the Gemini pool's. */
  JsonObject report(long nowMillis) {
    return Gateway.poolReport(pool).put("baseUrl", client.settings().baseUrl().toString())
        .put("keyCounts", counts(nowMillis));
  }

  /**
   * {@code /health} with the Vertex key counts as {@code vertexExpressKeys}, when Vertex keys are
   * configured: without them the answer stays as it was.
   */
  JsonObject addHealth(JsonObject health, long nowMillis) {
    return pool.size() == 0 ? health : health.put("vertexExpressKeys", counts(nowMillis));
  }

  private JsonObject counts(long nowMillis) {
    PoolSnapshot snapshot = pool.snapshot();
    return new JsonObject().put("total", snapshot.keys().size()).put("usable", snapshot.usable(nowMillis))
        .put("disabled", snapshot.disabled());
  }

  void logStartup() {
    if (pool.size() > 0) {
      LOG.info("Vertex Express: {} key(s), upstream {}", pool.size(), client.settings().baseUrl());
    }
  }

  void close() {
    client.close();
  }

  private static List<ApiKey> keys(GatewayConfig config) {
    return Config.from(config).keys().stream().map(ApiKey::new).toList();
  }

  private static UpstreamClient.Settings upstreamSettings(GatewayConfig config) {
    return new UpstreamClient.Settings(Config.from(config).baseUrl(), config.timeout(), config.customHeaders(),
        Duration.ofSeconds(config.values().integer("STREAM_KEEPALIVE_SECONDS")));
  }
}
