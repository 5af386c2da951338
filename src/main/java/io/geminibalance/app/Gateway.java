package io.geminibalance.app;

import io.geminibalance.admin.AdminSessions;
import io.geminibalance.admin.AdminTokenApi;
import io.geminibalance.admin.AdminTokens;
import io.geminibalance.admin.AuditApi;
import io.geminibalance.admin.AuditLog;
import io.geminibalance.admin.ConfigApi;
import io.geminibalance.admin.ErrorLogApi;
import io.geminibalance.admin.KeyMaintenanceApi;
import io.geminibalance.admin.KeyVerifyJobs;
import io.geminibalance.admin.KeysApi;
import io.geminibalance.admin.ModelPrices;
import io.geminibalance.admin.StatsApi;
import io.geminibalance.admin.ClientTokens;
import io.geminibalance.admin.TokensApi;
import io.geminibalance.admin.UsageApi;
import io.geminibalance.admin.SettingsService;
import io.geminibalance.alerts.Alerts;
import io.geminibalance.auth.ChargingAttemptLog;
import io.geminibalance.auth.TokenCharges;
import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.auth.ClientTokenRegistry;
import io.geminibalance.auth.RunningRequests;
import io.geminibalance.auth.TokenLimiter;
import io.geminibalance.requestlog.AttemptLog;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.config.LiveConfig;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.InMemoryQuotaState;
import io.geminibalance.keypool.KeyPool;
import io.geminibalance.keypool.PoolSnapshot;
import io.geminibalance.keypool.LeaseQueue;
import io.geminibalance.keypool.PoolCapacity;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.QuotaPolicy;
import io.geminibalance.keypool.QuotaSnapshot;
import io.geminibalance.keypool.RateLimits;
import io.geminibalance.metrics.GatewayMetrics;
import io.geminibalance.relay.imagehost.ImageHosting;
import io.geminibalance.relay.LiveRelay;
import io.geminibalance.relay.ConfiguredAliases;
import io.geminibalance.relay.NativeGeminiRelay;
import io.geminibalance.relay.AnthropicRelay;
import io.geminibalance.relay.MediaFetcher;
import io.geminibalance.relay.FileTransferRelay;
import io.geminibalance.relay.ModelCatalog;
import io.geminibalance.relay.OpenAiCompatRelay;
import io.geminibalance.relay.OpenAiRelay;
import io.geminibalance.protocol.openai.ThoughtSignatureCache;
import io.geminibalance.requestlog.StoredAttemptLog;
import io.geminibalance.server.AdminThrottle;
import io.geminibalance.relay.ResourceCleanup;
import io.geminibalance.relay.ResourceRegistry;
import io.geminibalance.relay.ResourceRelay;
import io.geminibalance.storage.KeyState;
import io.geminibalance.storage.ResourceRecord;
import io.geminibalance.storage.KeyStateWriteBehind;
import io.geminibalance.server.ClientConnections;
import io.geminibalance.server.ClientLimits;
import io.geminibalance.server.EdgePolicy;
import io.geminibalance.server.MetricsEndpoint;
import io.geminibalance.server.HttpServerVerticle;
import io.geminibalance.server.Routes;
import io.geminibalance.upstream.LiveConnector;
import io.geminibalance.upstream.Leaser;
import io.geminibalance.upstream.QueueLeaser;
import io.geminibalance.upstream.UpstreamClient;
import io.geminibalance.upstream.UpstreamProxies;
import io.geminibalance.admin.ProxyCheckApi;
import io.geminibalance.streaming.StreamOptions;
import io.geminibalance.upstream.Drain;
import io.geminibalance.upstream.EmptyAnswers;
import io.geminibalance.upstream.UpstreamExecutor;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every part of the gateway by constructor, in request order, and starts the HTTP servers.
 * The only place that knows all the concrete classes.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final LiveConfig live;
  private final QuotaKeyPool pool;
  private LeaseQueue queue;
  private final UpstreamClient upstream;
  private final KeyRecheckJob recheck;
  /** The Vertex Express surface's own pool (VERTEX_API_KEYS). */
  private VertexExpress vertexExpress;
  private final Persistence persistence;
  private Deployment servers;
  private long recheckTimer = -1;
  private long stateTimer = -1;
  private long laneTimer = -1;
  private Future<Void> modelListFetched = Future.succeededFuture();
  private AdminTokens adminTokens;
  private AdminThrottle adminThrottle;
  /** The other instances on REDIS_URL, if any. */
  private Cluster cluster;
  /** The managed client tokens in force (one registry: authentication, charging and /api/usage read it). */
  private final ClientTokenRegistry clientTokens = new ClientTokenRegistry();
  /** The managed tokens' requests in progress, cut when their token stops being valid. */
  private final RunningRequests runningRequests = new RunningRequests(clientTokens, InstantSource.system());
  private long expiryTimer = -1;
  private TokenLimiter tokenLimiter;
  private AdminSessions adminSessions;
  private long sessionPurgeTimer = -1;
  private long resourceCleanupTimer = -1;
  private QuotaKeyPool paidPool;
  private LeaseQueue paidQueue;
  /** Re-tests a disabled PAID_KEY like the pool's keys: it serves every Imagen and Veo request. */
  private volatile KeyRecheckJob paidRecheck;
  private ResourceCleanup resourceCleanup;
  private LiveConnector liveConnector;
  /** PROXIES, shared by every client that calls Google. */
  private UpstreamProxies proxies;
  /** The image host's HTTP client (UPLOAD_PROVIDER). */
  private ImageHosting imageHosting;
  /** ALERT_WEBHOOK_URL's alerts. */
  private Alerts alerts;
  /** Prometheus metrics (METRICS_ENABLED), closed with the gateway. */
  private GatewayMetrics metrics = GatewayMetrics.OFF;
  /** Managed client tokens' management (/api/tokens), which keeps {@link #clientTokens} filled. */
  private ClientTokens tokenAdmin;
  /** Where a shutdown stands: the servers and every request read it. */
  private final Drain drain;
  /** Every client connection of the servers, which a shutdown drains. */
  private ClientConnections connections;

  /** The servers' deployment id and the port they share. */
  private record Deployment(String id, int port) {}

  private Gateway(Vertx vertx, LiveConfig live, QuotaKeyPool pool, UpstreamClient upstream,
      Persistence persistence, Drain drain) {
    this.vertx = vertx;
    this.drain = drain;
    this.persistence = persistence;
    this.live = live;
    this.pool = pool;
    this.upstream = upstream;
    this.recheck = new KeyRecheckJob(pool, upstream, () -> live.get().testModel());
  }

  /**
   * Opens storage (blocking: call it off the event loops), works out the configuration in force and
   * starts serving. Throws {@link io.geminibalance.config.ConfigException} on a bad setting.
   */
  public static Future<Gateway> start(Vertx vertx, Map<String, String> env) {
    return start(vertx, Persistence.open(env), metrics(env));
  }

  /**
   * As {@link #start(Vertx, Map)}, recording into {@code metrics}, whose registry should be the one
   * {@code vertx} was built with ({@link IoTransport#vertx(IoTransport.Choice, GatewayMetrics)}) for
   * the HTTP server and client metrics to be there too.
   */
  public static Future<Gateway> start(Vertx vertx, Map<String, String> env, GatewayMetrics metrics) {
    return start(vertx, Persistence.open(env), metrics);
  }

  /** METRICS_ENABLED from the environment (read at start only): metrics on, or {@link GatewayMetrics#OFF}. */
  public static GatewayMetrics metrics(Map<String, String> env) {
    return GatewayMeters.fromEnv(env);
  }

  /** Starts serving over storage already opened, without metrics; closes it if the configuration is refused. */
  public static Future<Gateway> start(Vertx vertx, Persistence persistence) {
    return start(vertx, persistence, GatewayMetrics.OFF);
  }

  /** Starts serving over storage already opened; closes it (and the metrics) if the configuration is refused. */
  public static Future<Gateway> start(Vertx vertx, Persistence persistence, GatewayMetrics metrics) {
    try {
      return start(vertx, persistence.effectiveConfig(), persistence, metrics);
    } catch (RuntimeException e) {
      persistence.close();
      metrics.close();
      throw e;
    }
  }

  private static Future<Gateway> start(Vertx vertx, GatewayConfig config, Persistence persistence,
      GatewayMetrics metrics) {
    LongSupplier clock = System::currentTimeMillis;
    LiveConfig live = new LiveConfig(config);
    CatalogAdmission admission = new CatalogAdmission(vertx);
    QuotaKeyPool pool = new QuotaKeyPool(keys(config), Settings.quotaPolicy(config), new InMemoryQuotaState(),
        InstantSource.system(), admission);
    List<KeyState> storedKeyStates = KeyStateSync.restore(pool, persistence.storage().keyStates());
    LeaseQueue queue = LeaseQueue.over(pool, QueueLeaser.timer(vertx), InstantSource.system(),
        Settings.queueSettings(config));
    UpstreamProxies proxies = new UpstreamProxies(vertx, () -> live.get().baseUrl(),
        () -> 1000L * live.get().values().integer("PROXY_RECHECK_SECONDS"));
    proxies.update(Settings.proxies(config), config.values().bool("PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY"));
    UpstreamClient upstream = new UpstreamClient(vertx, upstreamSettings(config), Settings.upstreamPool(config),
        proxies);
    ClientLimits clientLimits = Settings.clientLimits(config);
    Gateway gateway = new Gateway(vertx, live, pool, upstream, persistence, new Drain(clientLimits.maxConnections()));
    gateway.metrics = metrics;
    gateway.proxies = proxies;
    gateway.queue = queue;
    gateway.storedKeyStates = storedKeyStates;
    StoredAttemptLog attemptLog = persistence.attemptLog(live::get);
    Cluster cluster = Cluster.open(vertx, config, clock);
    gateway.cluster = cluster;
    // Managed tokens' own limits, and their tokens charged as each answer is logged.
    TokenLimiter tokenLimiter = cluster.tokenLimiter();
    gateway.tokenLimiter = tokenLimiter;
    TokenCharges charges = new TokenCharges(gateway.clientTokens, tokenLimiter);
    AttemptLog chargedLog = new ChargingAttemptLog(attemptLog, charges);
    VertexExpress vertex = new VertexExpress(vertx, config, live::get, admission, chargedLog, persistence, clock, proxies);
    vertex.restore(storedKeyStates);
    gateway.vertexExpress = vertex;
    persistence.startRetention(live::get);
    Leaser leaser = cluster.share(pool, new QueueLeaser(vertx, queue));
    EmptyAnswers emptyAnswers = new EmptyAnswers(() -> live.get().values().bool("EMPTY_RESPONSE_RETRY"));
    UpstreamExecutor executor = new UpstreamExecutor(leaser, pool, upstream,
        chargedLog, () -> live.get().maxAttempts(), clock, persistence.redactor(), emptyAnswers);
    Supplier<StreamOptions> streamOptions = StreamOptions.live(() -> live.get().values());
    int liveMaxMessageBytes = config.values().integer("LIVE_MAX_MESSAGE_MB") * 1024 * 1024;
    // A Live session's turns are charged as they come (LiveRelay): its row, with their sum, is not.
    LiveConnector liveConnector = new LiveConnector(vertx, leaser, pool, upstream, attemptLog,
        () -> live.get().maxAttempts(), clock, persistence.redactor(), liveMaxMessageBytes,
        Settings.upstreamPool(config).http1MaxConnections());
    gateway.liveConnector = liveConnector;
    ModelCatalog catalog = new ModelCatalog(executor, clock, 60_000);
    admission.attach(catalog);
    gateway.modelListFetched = fetchModelList(vertx, catalog);
    AuditLog audit = new AuditLog(persistence.storage().auditLog(), InstantSource.system());
    AdminTokens adminTokens = new AdminTokens(persistence.storage().adminToken(), audit, System.out,
        persistence.storage().tokenFingerprints());
    adminTokens.start(config);
    gateway.adminTokens = adminTokens;
    int adminFailures = Settings.adminAuthFailuresPerMinute(config);
    gateway.adminThrottle = cluster.link().map(redis -> new AdminThrottle(adminFailures, redis))
        .orElseGet(() -> new AdminThrottle(adminFailures));
    gateway.adminSessions = new AdminSessions(persistence.storage().adminSessions(), InstantSource.system(),
        () -> Settings.adminSessionExpireSeconds(live.get()));
    // Managed client tokens: loaded before serving; each change here reloads them and tells the others.
    ClientTokens clientTokens = new ClientTokens(persistence.storage().clientTokens(), gateway.clientTokens,
        persistence.storage().tokenFingerprints(), audit, InstantSource.system(), cluster::configChanged);
    clientTokens.reload().join();
    gateway.tokenAdmin = clientTokens;
    ClientAuthenticator authenticator = new ClientAuthenticator(config.clientTokens(), adminTokens.inForce(config),
        persistence.storage().tokenFingerprints(), gateway.clientTokens);
    SettingsService settings = new SettingsService(persistence.env(), persistence.storage().settings(),
        persistence.storage().apiKeys(), live::get, next -> {
          gateway.reconfigure(next);
          cluster.configChanged();
        }, Settings::build, audit, adminTokens);
    KeysApi keysApi = new KeysApi(pool, settings, audit, new KeyVerifyJobs(gateway.recheck, pool,
        () -> live.get().values().integer("KEY_VERIFY_CONCURRENCY")));
    ResourceRegistry registry = new ResourceRegistry(persistence.storage().resources(),
        () -> live.get().values().bool("FILES_USER_ISOLATION_ENABLED"));
    // PAID_KEY: a pool of its own for Imagen and Veo (scheduled and classified like the others).
    QuotaKeyPool paidPool = new QuotaKeyPool(paidKeys(config), Settings.quotaPolicy(config), new InMemoryQuotaState(),
        InstantSource.system(), admission);
    gateway.paidPool = paidPool;
    LeaseQueue paidQueue = LeaseQueue.over(paidPool, QueueLeaser.timer(vertx), InstantSource.system(),
        Settings.queueSettings(config));
    gateway.paidQueue = paidQueue;
    gateway.paidRecheck = new KeyRecheckJob(paidPool, upstream, () -> live.get().testModel());
    Leaser paidLeaser = cluster.share(paidPool, new QueueLeaser(vertx, paidQueue));
    UpstreamExecutor paidExecutor = new UpstreamExecutor(paidLeaser, paidPool, upstream,
        chargedLog, () -> live.get().maxAttempts(), clock, persistence.redactor(), emptyAnswers);
    java.util.Map<String, UpstreamExecutor> resourcePools = new java.util.LinkedHashMap<>();
    resourcePools.put(ResourceRecord.GEMINI_POOL, executor);
    resourcePools.put(ResourceRecord.PAID_POOL, paidExecutor);
    ResourceRelay resources = new ResourceRelay(resourcePools, registry, clock);
    gateway.startResourceCleanup(config, new ResourceCleanup(resourcePools::get, registry,
        (poolName, fingerprint) -> (poolName.equals(ResourceRecord.PAID_POOL) ? paidPool : pool).holdsKey(fingerprint),
        clock, () -> live.get().values().bool("FILES_CLEANUP_ENABLED")));
    // Uploads start on the Gemini pool; downloads go with the pool and key of the file's record.
    FileTransferRelay files = new FileTransferRelay(executor, resourcePools::get, registry,
        persistence.storage().uploadSessions(), () -> live.get().values().integer("MAX_UPLOAD_MB"), clock);
    resources.downloads(files::download);
    // Imagen and Veo go to PAID_KEY's pool while it is set, on every surface.
    java.util.function.Supplier<String> mediaPool =
        () -> paidPool.size() > 0 ? ResourceRecord.PAID_POOL : ResourceRecord.GEMINI_POOL;
    java.util.function.Supplier<UpstreamExecutor> imagen = () -> resourcePools.get(mediaPool.get());
    ConfiguredAliases aliases = new ConfiguredAliases(live::get);
    // One fetcher for every translated surface: its gateway-wide download budget is shared.
    MediaFetcher mediaFetcher = new MediaFetcher(vertx, mediaSettings(config));
    Routes.Dependencies deps = new Routes.Dependencies(authenticator,
        new NativeGeminiRelay(executor, () -> live.get().filteredModels(), resources, mediaPool, aliases,
            streamOptions),
        new OpenAiCompatRelay(executor, resources, imagen, () -> live.get().values().string("CREATE_IMAGE_MODEL"),
            aliases),
        new OpenAiRelay(executor, catalog,
            mediaFetcher,
            new ThoughtSignatureCache(ThoughtSignatureCache.DEFAULT_MAX_BYTES, ThoughtSignatureCache.DEFAULT_TTL_MILLIS),
            live::get, clock, persistence.storage().responses(), registry,
            imagen,
            gateway.imageHosting = new ImageHosting(vertx, () -> live.get().values(),
                io.geminibalance.relay.imagehost.HttpImageHost.Limits.DEFAULT, InstantSource.system())),
        () -> vertex.addHealth(health(pool, clock.getAsLong(), attemptLog), clock.getAsLong()), clock,
        gateway.adminThrottle,
        new ConfigApi(settings),
        () -> poolReport(pool).put("vertexExpress", vertex.report(clock.getAsLong()))
            .put("emptyAnswers", new JsonObject().put("retried", emptyAnswers.retried())
                .put("returned", emptyAnswers.returned()))
            .put("paidKey", paidPool.size() == 0 ? null : poolReport(paidPool))
            .put("cluster", cluster.report()),
        cluster::report,
        new AuditApi(audit),
        new AdminTokenApi(adminTokens, live::get),
        EdgePolicy.live(live::get), clientLimits, gateway.adminSessions,
        new ErrorLogApi(persistence.storage().errorLogs(), audit, persistence.storage().config().zone()),
        new StatsApi(persistence.storage().stats(), persistence.storage().requestLogs(),
            () -> poolTotals(vertx, pool), InstantSource.system(), persistence.storage().config().zone()),
        new UsageApi(persistence.storage().usage(), gateway.clientTokens, () -> ModelPrices.from(live.get().values()),
            InstantSource.system(), persistence.storage().config().zone()),
        keysApi, new KeyMaintenanceApi(keysApi, audit),
        NativeGeminiRelay.vertexExpress(vertex.executor(), executor, () -> live.get().filteredModels(),
            vertex::unavailable, aliases, streamOptions),
        files,
        new LiveRelay(liveConnector, liveMaxMessageBytes, () -> upstream.settings().timeout().toMillis(),
            persistence.redactor(), charges),
        new AnthropicRelay(executor, mediaFetcher, live::get),
        metrics, () -> new MetricsEndpoint.Access(live.get().values().bool("METRICS_PUBLIC"),
            live.get().values().credential("METRICS_TOKEN")),
        new ProxyCheckApi(proxies),
        gateway.drain,
        new TokensApi(clientTokens, InstantSource.system()), gateway.clientTokens, tokenLimiter,
        gateway.runningRequests);
    GatewayMeters.register(metrics, List.of(new GatewayMeters.Pool("gemini", pool, queue),
        new GatewayMeters.Pool("vertex_express", vertex.pool(), vertex.queue()),
        new GatewayMeters.Pool("paid", paidPool, paidQueue)), attemptLog);
    gateway.alerts = startAlerts(vertx, live, persistence, attemptLog, pool, paidPool, vertex.pool());
    live.onChange(next -> gateway.apply(next, authenticator));
    adminTokens.onRotation(() -> {
      gateway.refreshAuthenticator(authenticator);
      cluster.configChanged();
    });
    cluster.start(pool, () -> gateway.reloadChanged(settings, adminTokens, authenticator, clientTokens));
    gateway.scheduleRecheck(config);
    gateway.startKeyStateSync();
    gateway.startLaneEviction();
    gateway.startSessionPurge();
    gateway.startExpiryCheck();
    logCapacity(config, pool);
    vertex.logStartup();
    // With REDIS_URL, serving starts once leases are confirmed there (or Redis did not answer in time).
    Future<Void> shared = cluster.ready();
    return shared.compose(v -> gateway.deployServers(deps)).map(gateway);
  }

  /**
   * Alerts for every pool's disabled keys and capacity, and for dropped log rows; they read
   * ALERT_WEBHOOK_URL from the configuration in force, so setting it later turns them on.
   */
  private static Alerts startAlerts(Vertx vertx, LiveConfig live, Persistence persistence, StoredAttemptLog log,
      QuotaKeyPool pool, QuotaKeyPool paidPool, QuotaKeyPool vertexPool) {
    Alerts alerts = new Alerts(vertx, () -> live.get().values(), persistence.redactor()::redact,
        InstantSource.system());
    alerts.watch("gemini", pool);
    alerts.watch("paid", paidPool);
    alerts.watch("vertex-express", vertexPool);
    alerts.watchLog("request", log::droppedRequestLogs);
    alerts.watchLog("error", log::droppedErrorLogs);
    alerts.start();
    return alerts;
  }

  /** The alerts (ALERT_WEBHOOK_URL). */
  public Alerts alerts() {
    return alerts;
  }

  /** Applies a changed configuration to every running part; keys keep their state. */
  private void apply(GatewayConfig next, ClientAuthenticator authenticator) {
    refreshAuthenticator(authenticator);
    adminThrottle.updateLimit(Settings.adminAuthFailuresPerMinute(next));
    pool.replaceKeys(keys(next));
    pool.updatePolicy(Settings.quotaPolicy(next));
    queue.updateSettings(Settings.queueSettings(next));
    paidPool.replaceKeys(paidKeys(next));
    paidPool.updatePolicy(Settings.quotaPolicy(next));
    paidQueue.updateSettings(Settings.queueSettings(next));
    upstream.update(upstreamSettings(next));
    proxies.update(Settings.proxies(next), next.values().bool("PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY"));
    vertexExpress.apply(next);
    LogLevels.apply(next.logLevel());
    scheduleRecheck(next);
    LOG.info("Configuration applied: {} key(s), upstream {}", next.apiKeys().size(), next.baseUrl());
  }

  /**
   * Another instance changed the configuration in the database: the same as a change here (the
   * managed client tokens, the generated admin token and the settings with the stored key set,
   * then applied), from the database. One channel for all: a token change reloads the settings too,
   * which is cheap and rare.
   */
  private void reloadChanged(SettingsService settings, AdminTokens adminTokens, ClientAuthenticator authenticator,
      ClientTokens clientTokens) {
    clientTokens.reload().whenComplete((v, err) -> {
      if (err != null) {
        LOG.warn("Could not reload the client tokens another instance changed: {}", err.getMessage());
      }
    });
    vertx.executeBlocking(() -> {
      adminTokens.load();
      return null;
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Could not reload the generated admin token another instance changed: {}", ar.cause().getMessage());
      }
      refreshAuthenticator(authenticator);
    });
    settings.reload().whenComplete((next, err) -> {
      if (err != null) {
        LOG.warn("Could not reload the configuration another instance changed: {}", err.getMessage());
      } else {
        reconfigure(next);
      }
    });
  }

  /**
   * Client tokens and the admin credential from the configuration in force and the generated token.
   * Settings changes and rotations both call this; under the lock each reads both afresh, so the
   * later call never writes older values than the earlier one.
   */
  private synchronized void refreshAuthenticator(ClientAuthenticator authenticator) {
    GatewayConfig config = live.get();
    authenticator.update(config.clientTokens(), adminTokens.inForce(config));
  }

  private static List<ApiKey> keys(GatewayConfig config) {
    return config.apiKeys().stream().map(ApiKey::new).toList();
  }

  /** PAID_KEY, the one key of Imagen and Veo when set. */
  private static List<ApiKey> paidKeys(GatewayConfig config) {
    String paid = config.values().credential("PAID_KEY");
    return paid == null || paid.isBlank() ? List.of() : List.of(new ApiKey(paid.strip()));
  }

  private static UpstreamClient.Settings upstreamSettings(GatewayConfig config) {
    return new UpstreamClient.Settings(config.baseUrl(), config.timeout(), config.customHeaders(),
        Duration.ofSeconds(config.values().integer("STREAM_KEEPALIVE_SECONDS")));
  }

  private static MediaFetcher.Settings mediaSettings(GatewayConfig config) {
    return new MediaFetcher.Settings(15_000, config.values().bool("IMAGE_FETCH_ALLOW_PRIVATE"));
  }

  /**
   * Deploys one server instance per event loop; they share the port (with port 0 as well, which
   * Vert.x binds once for all instances).
   */
  private Future<Deployment> deployServers(Routes.Dependencies deps) {
    GatewayConfig config = live.get();
    int loops = config.values().optionalInteger("EVENT_LOOPS")
        .orElse(Runtime.getRuntime().availableProcessors());
    HttpServerVerticle[] first = new HttpServerVerticle[1];
    ClientConnections connections = new ClientConnections(deps.clientLimits());
    this.connections = connections;
    return vertx.deployVerticle(() -> {
      HttpServerVerticle verticle = new HttpServerVerticle(deps, connections, config.host(), config.port());
      if (first[0] == null) {
        first[0] = verticle;
      }
      return verticle;
    }, new DeploymentOptions().setInstances(loops)).map(id -> {
      servers = new Deployment(id, first[0].actualPort());
      logStartup(config, servers.port());
      return servers;
    });
  }

  private synchronized void scheduleRecheck(GatewayConfig config) {
    if (recheckTimer >= 0) {
      vertx.cancelTimer(recheckTimer);
      recheckTimer = -1;
    }
    if (config.checkIntervalHours() > 0) {
      long period = Math.max(1000, Math.round(config.checkIntervalHours() * 3_600_000));
      recheckTimer = vertx.setPeriodic(period, id -> {
        recheck.run();
        vertexExpress.recheck();
        if (paidRecheck != null) {
          paidRecheck.run();
        }
      });
    }
  }

  /**
   * Fetches Google's model list once at start-up, in the background, so that the pool keeps quota
   * state for the models it lists (see {@link CatalogAdmission}); completes either way.
   */
  private static Future<Void> fetchModelList(Vertx vertx, ModelCatalog catalog) {
    io.vertx.core.Promise<Void> fetched = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> {
      try {
        catalog.refresh().onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("Could not fetch the upstream model list ({}); models get quota state of their own"
                + " once they answer", ar.cause().getMessage());
          }
          fetched.complete();
        });
      } catch (RuntimeException e) {
        LOG.warn("Could not fetch the upstream model list", e);
        fetched.complete();
      }
    });
    return fetched.future();
  }

  /** Completes once the start-up fetch of the upstream model list has ended, successful or not. */
  public Future<Void> modelListFetched() {
    return modelListFetched;
  }

  /** Drops idle lanes every minute, on a worker: it reads the cells of idle lanes. */
  private synchronized void startLaneEviction() {
    laneTimer = vertx.setPeriodic(60_000, id -> vertx.executeBlocking(pool::evictIdleLanes, false));
  }

  /**
   * Every second, cuts the running requests of the tokens that expired since: one timer for the
   * gateway, over the tokens with requests running and an expiry, none per request.
   */
  private synchronized void startExpiryCheck() {
    expiryTimer = vertx.setPeriodic(1_000, id -> runningRequests.checkExpiries());
  }

  /** The pool's totals per model for /api/stats/capacity, worked out on a worker: O(keys x models). */
  private static CompletableFuture<List<QuotaSnapshot.ModelTotals>> poolTotals(Vertx vertx, QuotaKeyPool pool) {
    return vertx.executeBlocking(() -> pool.quotaSnapshot().models(), false).toCompletionStage().toCompletableFuture();
  }

  /**
   * Deletes expired admin sessions every 10 minutes (each is also deleted when next presented);
   * every gateway on the database does it, which is harmless.
   */
  private synchronized void startSessionPurge() {
    sessionPurgeTimer = vertx.setPeriodic(600_000, id -> purgeExpiredAdminSessions().whenComplete((n, err) -> {
      if (err != null) {
        LOG.warn("Could not delete expired admin sessions: {}", err.getMessage());
      }
    }));
  }

  /** Cleans expired resources every FILES_CLEANUP_INTERVAL_HOURS (each run checks FILES_CLEANUP_ENABLED). */
  private synchronized void startResourceCleanup(GatewayConfig config, ResourceCleanup cleanup) {
    resourceCleanup = cleanup;
    long periodMillis = config.values().integer("FILES_CLEANUP_INTERVAL_HOURS") * 3_600_000L;
    resourceCleanupTimer = vertx.setPeriodic(periodMillis, id -> cleanup.run());
  }

  /** Deletes expired resources now, at Google and from the records (the periodic job does the same). */
  public Future<Integer> cleanExpiredResources() {
    return resourceCleanup.run();
  }

  /** Deletes the expired admin sessions now (the periodic job does the same); completes with how many. */
  public java.util.concurrent.CompletableFuture<Integer> purgeExpiredAdminSessions() {
    return adminSessions.purgeExpired();
  }

  /** {@code GET /api/pool}: the quota snapshot, and the capacity per model. */
  static JsonObject poolReport(QuotaKeyPool pool) {
    PoolSnapshot keys = pool.snapshot();
    return JsonObject.mapFrom(pool.quotaSnapshot())
        .put("capacity", capacity(pool, (int) (keys.keys().size() - keys.disabled())));
  }

  /**
   * RPM and RPD totals of the pool per model, for /api/pool: {@code default} for any model without
   * a limit of its own (enabled keys x DEFAULT_RPM / DEFAULT_RPD, with auto limits the free-tier
   * figures of a model the table does not know; -1 = unlimited), then each model the pool keeps
   * quota state for (auto limits counted at their free-tier figures).
   */
  static JsonObject capacity(QuotaKeyPool pool, int enabledKeys) {
    JsonObject perModel = new JsonObject();
    RateLimits.Limit d = pool.policy().limits().byDefault("");
    perModel.put("default", new JsonObject().put("keys", enabledKeys)
        .put("rpm", d.nominalRpm() == 0 ? PoolCapacity.UNLIMITED : (long) enabledKeys * d.nominalRpm())
        .put("rpd", d.nominalRpd() == 0 ? PoolCapacity.UNLIMITED : (long) enabledKeys * d.nominalRpd()));
    for (String model : pool.models()) {
      if (!model.equals(RateLimits.UNMETERED)) {
        PoolCapacity c = pool.capacity(model);
        perModel.put(model, new JsonObject().put("keys", c.keys()).put("rpm", c.rpm()).put("rpd", c.rpd()));
      }
    }
    return perModel;
  }

  private static void logCapacity(GatewayConfig config, QuotaKeyPool pool) {
    QuotaPolicy policy = Settings.quotaPolicy(config);
    RateLimits.Limit d = policy.limits().byDefault("");
    int keys = config.apiKeys().size();
    if (policy.limits().autoRpm() || policy.limits().autoRpd()) {
      LOG.info("Limits per key and model: auto (Google's free-tier figures per model, raised where a key proves"
          + " more; see docs/rate-limits.md)");
    }
    LOG.info("Pool capacity per model by default: {} keys x {} RPM / {} RPD = {} RPM, {} RPD", keys,
        d.nominalRpm() == 0 ? "unlimited" : d.nominalRpm(), d.nominalRpd() == 0 ? "unlimited" : d.nominalRpd(),
        d.nominalRpm() == 0 ? "unlimited" : (long) keys * d.nominalRpm(),
        d.nominalRpd() == 0 ? "unlimited" : (long) keys * d.nominalRpd());
    for (String model : pool.models()) {
      if (!model.equals(RateLimits.UNMETERED)) {
        LOG.info("Pool capacity {}", pool.capacity(model).describe());
      }
    }
  }

  private void startKeyStateSync() {
    KeyStateWriteBehind writer = persistence.storage().newKeyStateWriteBehind(persistence.keyStateInterval());
    KeyStateSync sync = new KeyStateSync(pool, writer, storedKeyStates);
    vertexExpress.startStateSync(writer, storedKeyStates);
    storedKeyStates = null;
    long period = persistence.keyStateInterval().toMillis();
    // Snapshots are cheap but not free at 100k keys: take them on a worker, not an event loop.
    stateTimer = vertx.setPeriodic(period, id -> vertx.executeBlocking(() -> {
      sync.sync();
      vertexExpress.syncState();
      return null;
    }, false));
    this.finalSync = sync;
  }

  private KeyStateSync finalSync;
  /** The key state rows loaded at start, until the sync takes them over. */
  private List<KeyState> storedKeyStates = List.of();

  /**
   * {@code GET /health}, which needs no token: status and counts only. Model names and capacity
   * are the operator's business, at {@code GET /api/pool}.
   */
  static JsonObject health(QuotaKeyPool pool, long now, StoredAttemptLog log) {
    PoolSnapshot snapshot = pool.snapshot();
    return new JsonObject()
        .put("status", "healthy")
        .put("keys", new JsonObject()
            .put("total", snapshot.keys().size())
            .put("usable", snapshot.usable(now))
            .put("disabled", snapshot.disabled()))
        .put("logs", new JsonObject()
            .put("droppedRequestLogs", log.droppedRequestLogs())
            .put("droppedErrorLogs", log.droppedErrorLogs())
            .put("droppedErrorLogBodies", log.droppedErrorLogBodies()));
  }

  private static void logStartup(GatewayConfig config, int port) {
    if (config.apiKeys().isEmpty()) {
      LOG.warn("API_KEYS is empty: every data-plane request will get 503 until keys are added");
    }
    LOG.info("Gemini Balance listening on {}:{} with {} key(s), upstream {}", config.host(), port,
        config.apiKeys().size(), config.baseUrl());
  }

  public int port() {
    return servers.port();
  }

  public QuotaKeyPool pool() {
    return pool;
  }

  public GatewayConfig config() {
    return live.get();
  }

  /** Validated configuration to apply now (what the settings API calls). */
  public void reconfigure(GatewayConfig next) {
    live.replace(next);
  }

  /** The Vertex Express pool (VERTEX_API_KEYS). */
  public QuotaKeyPool vertexExpressPool() {
    return vertexExpress.pool();
  }

  /** Re-tests disabled Vertex Express keys now (the periodic job does the same); completes with the count restored. */
  public Future<Integer> recheckDisabledVertexExpressKeys() {
    return vertexExpress.recheck();
  }

  /** Re-tests disabled keys now (the periodic job does the same); completes with the count restored. */
  public Future<Integer> recheckDisabledKeys() {
    return recheck.run();
  }

  /**
   * The graceful stop (SIGTERM): new requests are refused (503 in their protocol, {@code /health}
   * says "draining"), requests and streams in flight get up to {@code grace} to finish, what is
   * left then is cut (each cut logged and recorded), and {@link #close} writes the key state and
   * flushes the log writers. Completes when all of that is done.
   */
  public Future<Void> shutdown(Duration grace) {
    drain.startDraining();
    if (connections == null) {
      return close();
    }
    connections.drain();
    LOG.info("Shutting down: new requests are refused; requests in flight have up to {} s to finish"
        + " (SHUTDOWN_GRACE_SECONDS)", grace.toSeconds());
    return whenIdle(System.nanoTime() + grace.toNanos()).compose(busy -> {
      if (busy == 0) {
        LOG.info("Shutting down: no request in flight");
        return Future.<Void>succeededFuture();
      }
      LOG.warn("Shutting down: {} connection(s) still busy after SHUTDOWN_GRACE_SECONDS ({} s): cutting them",
          busy, grace.toSeconds());
      drain.startCutting();
      return connections.closeAll();
    }).transform(ar -> {
      if (ar.failed()) {
        LOG.warn("Shutting down: the drain failed ({}); closing", ar.cause().toString());
      }
      return close();
    });
  }

  /** Completes with 0 once no connection is busy, or with how many still are at {@code deadline}. */
  private Future<Integer> whenIdle(long deadlineNanos) {
    return connections.busy().map(busy -> busy + drain.leftAnswers()).compose(busy -> {
      if (busy == 0 || System.nanoTime() - deadlineNanos >= 0) {
        return Future.succeededFuture(busy);
      }
      io.vertx.core.Promise<Integer> later = io.vertx.core.Promise.promise();
      long waitMillis = Math.max(1, Math.min(DRAIN_POLL_MILLIS, (deadlineNanos - System.nanoTime()) / 1_000_000));
      vertx.setTimer(waitMillis, id -> whenIdle(deadlineNanos).onComplete(later));
      return later.future();
    });
  }

  /** How often a draining shutdown looks for requests still in flight. */
  private static final long DRAIN_POLL_MILLIS = 100;

  /** Set by the first {@link #close}: a later call (a shutdown, then a test's close) gets the same. */
  private Future<Void> closed;

  /** Stops serving, then writes the final key state and flushes every log writer. */
  public synchronized Future<Void> close() {
    if (closed == null) {
      closed = closeOnce();
    }
    return closed;
  }

  private Future<Void> closeOnce() {
    synchronized (this) {
      if (recheckTimer >= 0) {
        vertx.cancelTimer(recheckTimer);
      }
      if (stateTimer >= 0) {
        vertx.cancelTimer(stateTimer);
      }
      if (laneTimer >= 0) {
        vertx.cancelTimer(laneTimer);
      }
      if (sessionPurgeTimer >= 0) {
        vertx.cancelTimer(sessionPurgeTimer);
      }
      if (expiryTimer >= 0) {
        vertx.cancelTimer(expiryTimer);
      }
      if (resourceCleanupTimer >= 0) {
        vertx.cancelTimer(resourceCleanupTimer);
      }
    }
    Future<Void> undeploy = servers == null ? Future.succeededFuture() : vertx.undeploy(servers.id());
    return undeploy.andThen(ar -> {
      cluster.close();
      upstream.close();
      proxies.close();
      vertexExpress.close();
      if (imageHosting != null) {
        imageHosting.close();
      }
      if (liveConnector != null) {
        liveConnector.close();
      }
      if (alerts != null) {
        alerts.close();
      }
    }).eventually(() -> vertx.executeBlocking(() -> {
      if (finalSync != null) {
        finalSync.sync();
        vertexExpress.syncState();
      }
      persistence.close();
      metrics.close();
      return null;
    }, false)).mapEmpty();
  }

  /** The managed client tokens in force ({@code /api/tokens}); replaced whole when they change. */
  public ClientTokenRegistry clientTokens() {
    return clientTokens;
  }

  /** Where a shutdown stands, and the answers still read after their client left. */
  public Drain drainState() {
    return drain;
  }

  /** The managed tokens' requests in progress. */
  public RunningRequests runningRequests() {
    return runningRequests;
  }

  /** The managed tokens' own limits (local, or shared on Redis with REDIS_URL). */
  public TokenLimiter tokenLimiter() {
    return tokenLimiter;
  }

  public Persistence persistence() {
    return persistence;
  }
}
