package io.geminibalance.app;

import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyPool;
import io.geminibalance.keypool.PoolSnapshot;
import io.geminibalance.keypool.RoundRobinKeyPool;
import io.geminibalance.relay.NativeGeminiRelay;
import io.geminibalance.relay.OpenAiCompatRelay;
import io.geminibalance.requestlog.AttemptLog;
import io.geminibalance.server.HttpServerVerticle;
import io.geminibalance.server.Routes;
import io.geminibalance.upstream.Leaser;
import io.geminibalance.upstream.UpstreamClient;
import io.geminibalance.upstream.UpstreamExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every part of the gateway by constructor, in request order, and starts the HTTP server.
 * The only place that knows all the concrete classes.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final KeyPool pool;
  private final UpstreamClient upstream;
  private final Deployment servers;
  private final long recheckTimer;
  private final KeyRecheckJob recheck;

  private Gateway(Vertx vertx, GatewayConfig config, KeyPool pool, UpstreamClient upstream,
      Deployment servers, long recheckTimer) {
    this.recheck = new KeyRecheckJob(pool, upstream, config::testModel);
    this.vertx = vertx;
    this.config = config;
    this.pool = pool;
    this.upstream = upstream;
    this.servers = servers;
    this.recheckTimer = recheckTimer;
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    LongSupplier clock = System::currentTimeMillis;
    List<ApiKey> keys = config.apiKeys().stream().map(ApiKey::new).toList();
    KeyPool pool = new RoundRobinKeyPool(keys, config.maxFailures(), clock);
    UpstreamClient upstream = new UpstreamClient(vertx, new UpstreamClient.Settings(config.baseUrl(),
        config.timeout(), config.customHeaders()), maxConnections(config));
    UpstreamExecutor executor = new UpstreamExecutor(Leaser.immediate(pool), pool, upstream,
        AttemptLog.NONE, config::maxAttempts, clock);
    NativeGeminiRelay nativeRelay = new NativeGeminiRelay(executor, config::filteredModels);
    ClientAuthenticator authenticator = new ClientAuthenticator(config.clientTokens());
    Routes.Dependencies deps = new Routes.Dependencies(authenticator, nativeRelay,
        new OpenAiCompatRelay(executor),
        () -> health(pool, clock.getAsLong()), clock);
    long recheckTimer = scheduleRecheck(vertx, config, pool, upstream);
    return deployServers(vertx, config, deps).map(deployment -> {
      logStartup(config, deployment.port());
      return new Gateway(vertx, config, pool, upstream, deployment, recheckTimer);
    });
  }

  /** The servers' deployment id and the port they share. */
  private record Deployment(String id, int port) {}

  /**
   * Deploys one server instance per event loop. With port 0 (tests) the first instance picks the
   * port and the others join it.
   */
  private static Future<Deployment> deployServers(Vertx vertx, GatewayConfig config, Routes.Dependencies deps) {
    int loops = config.values().integer("EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 256);
    HttpServerVerticle[] first = new HttpServerVerticle[1];
    return vertx.deployVerticle(() -> {
      HttpServerVerticle verticle = new HttpServerVerticle(deps, config.host(), config.port());
      if (first[0] == null) {
        first[0] = verticle;
      }
      return verticle;
    }, new DeploymentOptions().setInstances(loops)).map(id -> new Deployment(id, first[0].actualPort()));
  }

  private static int maxConnections(GatewayConfig config) {
    return config.values().integer("UPSTREAM_MAX_CONNECTIONS", 10_000, 1, 1_000_000);
  }

  private static long scheduleRecheck(Vertx vertx, GatewayConfig config, KeyPool pool,
      UpstreamClient upstream) {
    if (config.checkIntervalHours() <= 0) {
      return -1;
    }
    long period = Math.max(1000, Math.round(config.checkIntervalHours() * 3_600_000));
    KeyRecheckJob job = new KeyRecheckJob(pool, upstream, config::testModel);
    return vertx.setPeriodic(period, id -> job.run());
  }

  static JsonObject health(KeyPool pool, long now) {
    PoolSnapshot snapshot = pool.snapshot();
    return new JsonObject()
        .put("status", "healthy")
        .put("keys", new JsonObject()
            .put("total", snapshot.keys().size())
            .put("usable", snapshot.usable(now))
            .put("disabled", snapshot.disabled()));
  }

  private static void logStartup(GatewayConfig config, int port) {
    switch (config.authTokenSource()) {
      case GENERATED -> LOG.warn("Neither AUTH_TOKEN nor ALLOWED_TOKENS is set: generated the admin"
          + " token {} (shown only now; set AUTH_TOKEN to choose your own)", config.authToken());
      case FIRST_ALLOWED_TOKEN -> LOG.warn("AUTH_TOKEN is empty: the first ALLOWED_TOKENS entry ({})"
          + " is the admin token, as in gemini-balance", ApiKey.mask(config.authToken()));
      case AUTH_TOKEN -> { }
    }
    if (config.apiKeys().isEmpty()) {
      LOG.warn("API_KEYS is empty: every data-plane request will get 503 until keys are added");
    }
    LOG.info("Gemini Balance listening on {}:{} with {} key(s), upstream {}", config.host(), port,
        config.apiKeys().size(), config.baseUrl());
  }

  public int port() {
    return servers.port();
  }

  public KeyPool pool() {
    return pool;
  }

  public GatewayConfig config() {
    return config;
  }

  /** Re-tests disabled keys now (the periodic job does the same); completes with the count restored. */
  public Future<Integer> recheckDisabledKeys() {
    return recheck.run();
  }

  public Future<Void> close() {
    if (recheckTimer >= 0) {
      vertx.cancelTimer(recheckTimer);
    }
    List<Future<Void>> undeploys = java.util.Arrays.stream(servers.id().split(","))
        .map(vertx::undeploy).toList();
    return Future.join(undeploys).<Void>mapEmpty().andThen(ar -> upstream.close());
  }
}
