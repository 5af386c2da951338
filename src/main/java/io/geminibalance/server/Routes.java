package io.geminibalance.server;

import io.geminibalance.admin.ProxyCheckApi;
import io.geminibalance.admin.AdminSessions;
import io.geminibalance.admin.AdminTokenApi;
import io.geminibalance.admin.AuditApi;
import io.geminibalance.admin.ConfigApi;
import io.geminibalance.admin.ErrorLogApi;
import io.geminibalance.admin.KeyMaintenanceApi;
import io.geminibalance.admin.KeysApi;
import io.geminibalance.admin.StatsApi;
import io.geminibalance.admin.TokensApi;
import io.geminibalance.admin.UsageApi;
import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.auth.ClientTokenRegistry;
import io.geminibalance.auth.RunningRequests;
import io.geminibalance.auth.TokenLimiter;
import io.geminibalance.metrics.GatewayMetrics;
import io.geminibalance.metrics.RequestMeter;
import io.geminibalance.metrics.Surface;
import io.geminibalance.protocol.gemini.GeminiErrors;
import io.geminibalance.relay.AnthropicRelay;
import io.geminibalance.relay.AnthropicResponses;
import io.geminibalance.relay.OpenAiResponses;
import io.geminibalance.relay.FileTransferRelay;
import io.geminibalance.protocol.gemini.LivePath;
import io.geminibalance.relay.LiveRelay;
import io.geminibalance.relay.NativeGeminiRelay;
import io.geminibalance.relay.OpenAiCompatRelay;
import io.geminibalance.relay.OpenAiRelay;
import io.geminibalance.relay.Responses;
import io.geminibalance.upstream.Drain;
import io.geminibalance.upstream.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.InstantSource;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Every route of the gateway, in one place: data plane first, then operations. */
public final class Routes {
  private static final List<String> NATIVE_PREFIXES = List.of("/v1beta", "/gemini/v1beta", "/gemini/v1");
  /**
   * Native paths on {@code /v1}, which otherwise speaks OpenAI: a Gemini method on a model, or a
   * stateful resource. {@code GET /v1/models} stays OpenAI's list ({@code /gemini/v1/models} is
   * the native one).
   */
  static final String NATIVE_ON_V1 = "^/v1/(models/[^/]+:[A-Za-z]+|models/[^/]+/operations/.+"
      + "|(files|cachedContents|batches|operations|fileSearchStores|interactions)(/.*)?)$";
  private static final Pattern NATIVE_ON_V1_PATH = Pattern.compile(NATIVE_ON_V1);
  /** Vertex AI Express, native Gemini bodies through the Vertex pool (gemini-balance's path, and v1). */
  private static final List<String> VERTEX_EXPRESS_PREFIXES = List.of("/vertex-express/v1beta", "/vertex-express/v1");
  /** OpenAI requests translated to Gemini. */
  private static final List<String> TRANSLATED_PREFIXES = List.of("/v1", "/hf/v1");
  /** OpenAI requests forwarded to Gemini's own OpenAI-compatible API. */
  private static final String COMPAT_PREFIX = "/openai/v1";
  /** Where clients speak OpenAI (and get errors in its shape). */
  private static final List<String> OPENAI_PREFIXES =
      Stream.concat(TRANSLATED_PREFIXES.stream(), Stream.of(COMPAT_PREFIX)).toList();

  /** Anthropic's Messages API, at the root (as api.anthropic.com has it) and under /anthropic. */
  private static final List<String> ANTHROPIC_PREFIXES = List.of("", "/anthropic");
  private static final String ANTHROPIC_ONLY_PREFIX = "/anthropic/";
  private static final String MESSAGES = "/v1/messages";
  private static final String COUNT_TOKENS = "/v1/messages/count_tokens";
  /** Anthropic's paths at the root: /v1/messages and below (batches and the like) are its own, not OpenAI's. */
  private static final String ANTHROPIC_ROOT_PATHS = "^/v1/messages(/.*)?$";
  private static final Pattern ANTHROPIC_ROOT_PATH = Pattern.compile(ANTHROPIC_ROOT_PATHS);

  /** The chart library of the /stats page, from its webjar (the version is the pom's). */
  static final String UPLOT_PATH = "/static/vendor/uplot/";
  private static final String UPLOT_WEBJAR = "META-INF/resources/webjars/uplot/1.6.30";

  private Routes() {}

  /** What the routes need from the running gateway. */
  public record Dependencies(
      ClientAuthenticator authenticator,
      NativeGeminiRelay nativeRelay,
      OpenAiCompatRelay openAiCompatRelay,
      OpenAiRelay openAiRelay,
      Supplier<JsonObject> health,
      LongSupplier clock,
      AdminThrottle adminThrottle,
      ConfigApi configApi,
      Supplier<JsonObject> pool,
      Supplier<JsonObject> cluster,
      AuditApi auditApi,
      AdminTokenApi adminTokenApi,
      Supplier<EdgePolicy> edge,
      ClientLimits clientLimits,
      AdminSessions adminSessions,
      ErrorLogApi errorLogApi,
      StatsApi statsApi,
      UsageApi usageApi,
      KeysApi keysApi,
      KeyMaintenanceApi keyMaintenanceApi,
      NativeGeminiRelay vertexExpressRelay,
      FileTransferRelay fileTransfers,
      LiveRelay liveRelay,
      AnthropicRelay anthropicRelay,
      GatewayMetrics metrics,
      Supplier<MetricsEndpoint.Access> metricsAccess,
      ProxyCheckApi proxyCheckApi,
      Drain drain,
      TokensApi tokensApi,
      ClientTokenRegistry clientTokens,
      TokenLimiter tokenLimiter,
      RunningRequests runningRequests) {}

  /**
   * Every route that may carry a body runs, in this order: {@link Intake} (pauses the request,
   * answers CORS on the data plane), authentication from headers and query, on the data plane the
   * path check ({@link PathGate}), then the body reader, then the endpoint. A caller without a
   * valid credential, or asking for a path the surface refuses, is answered before any body byte is
   * read, and its connection (HTTP/1.x) or stream (HTTP/2) is closed rather than drained.
   * Bodies are read whole ({@link RequestBody}, no copy of a one-chunk body), not preallocated
   * from Content-Length. Endpoints that stream a body through (uploads) will need a reader with a
   * cap of their own in place of {@code bodies}.
   */
  public static Router build(Vertx vertx, Dependencies deps) {
    Router router = Router.router(vertx);
    RequestBody bodies = new RequestBody(() -> deps.edge().get().maxBodyBytes(),
        deps.clientLimits().bodyTimeoutMillis(), deps.clientLimits().bodyDeadlineMillis());
    Intake dataIntake = Intake.dataPlane(deps.edge());
    UrlRepair repair = new UrlRepair(() -> deps.edge().get().urlNormalization());
    router.get(HEALTH).handler(rc -> health(rc, deps));
    AdminAuth adminAuth = new AdminAuth(deps.authenticator(), deps.adminThrottle(), deps.adminSessions());
    MetricsEndpoint metrics = new MetricsEndpoint(deps.metrics(), deps.authenticator(), deps.adminThrottle(),
        deps.metricsAccess());
    router.get("/metrics").handler(Intake.admin(deps.edge())).handler(metrics::authenticate).handler(bodies)
        .handler(metrics::scrape);
    Metered metered = new Metered(deps.metrics());
    // Keys: gemini-balance's key-maintenance endpoints, admin only (checked before the body), and
    // only under /gemini/v1beta: routed before the native pass-through, which would take them.
    KeyMaintenanceApi maintenance = deps.keyMaintenanceApi();
    Intake adminIntake = Intake.admin(deps.edge());
    router.post("/gemini/v1beta/verify-key/:api_key").handler(adminIntake).handler(adminAuth).handler(bodies)
        .handler(maintenance::verifyKey);
    router.post("/gemini/v1beta/verify-selected-keys").handler(adminIntake).handler(adminAuth).handler(bodies)
        .handler(maintenance::verifySelected);
    router.post("/gemini/v1beta/reset-fail-count/:api_key").handler(adminIntake).handler(adminAuth)
        .handler(bodies).handler(maintenance::resetKey);
    router.post("/gemini/v1beta/reset-all-fail-counts").handler(adminIntake).handler(adminAuth).handler(bodies)
        .handler(maintenance::resetAll);
    router.post("/gemini/v1beta/reset-selected-fail-counts").handler(adminIntake).handler(adminAuth)
        .handler(bodies).handler(maintenance::resetSelected);
    ManagedTokenGate managed = new ManagedTokenGate(deps.clientTokens(), deps.tokenLimiter(), deps.runningRequests(),
        InstantSource.system());
    NativeAuth nativeAuth = new NativeAuth(deps.authenticator(), deps.adminThrottle(), managed);
    for (String prefix : NATIVE_PREFIXES) {
      metered.on(router.route(prefix + "/*"), Surface.GEMINI)
          .handler(dataIntake)
          .handler(nativeAuth)
          .handler(PathGate.nativeGemini(prefix, repair))
          .handler(bodies)
          .handler(rc -> deps.nativeRelay().handle(rc, PathGate.parsed(rc), context(rc, deps)));
    }
    mountFileTransfers(router, deps, dataIntake, nativeAuth, bodies, metered);
    metered.on(router.routeWithRegex(NATIVE_ON_V1), Surface.GEMINI)
        .handler(dataIntake)
        .handler(nativeAuth)
        .handler(PathGate.nativeGemini("/v1", repair))
        .handler(bodies)
        .handler(rc -> deps.nativeRelay().handle(rc, PathGate.parsed(rc), context(rc, deps)));
    for (String prefix : VERTEX_EXPRESS_PREFIXES) {
      metered.on(router.route(prefix + "/*"), Surface.VERTEX_EXPRESS)
          .handler(dataIntake)
          .handler(nativeAuth)
          .handler(PathGate.vertexExpress(prefix, repair))
          .handler(bodies)
          .handler(rc -> deps.vertexExpressRelay().handle(rc, PathGate.parsed(rc), context(rc, deps)));
    }
    // The Live API (WebSocket): authenticated as the native surface, before the upgrade.
    for (String version : LivePath.VERSIONS) {
      metered.tokensOnly(router.get(LivePath.path(version))).handler(dataIntake).handler(nativeAuth)
          .handler(LiveGate::check)
          .handler(rc -> deps.liveRelay().handle(rc, version, context(rc, deps)));
    }
    // Anthropic's Messages API: before /v1/*, which would take /v1/messages as an OpenAI path.
    AnthropicAuth anthropicAuth = new AnthropicAuth(deps.authenticator(), deps.adminThrottle(), managed);
    for (String prefix : ANTHROPIC_PREFIXES) {
      metered.on(router.post(prefix + MESSAGES), Surface.ANTHROPIC).handler(dataIntake).handler(anthropicAuth).handler(bodies)
          .handler(rc -> deps.anthropicRelay().handle(rc, AnthropicRelay.Endpoint.MESSAGES, context(rc, deps)));
      metered.on(router.post(prefix + COUNT_TOKENS), Surface.ANTHROPIC).handler(dataIntake).handler(anthropicAuth).handler(bodies)
          .handler(rc -> deps.anthropicRelay().handle(rc, AnthropicRelay.Endpoint.COUNT_TOKENS, context(rc, deps)));
    }
    // Another method or path there is answered in Anthropic's shape, not taken by /v1/* as OpenAI's.
    router.routeWithRegex(ANTHROPIC_ROOT_PATHS).handler(dataIntake).handler(anthropicAuth)
        .handler(Routes::anthropicNotServed);
    router.route(ANTHROPIC_ONLY_PREFIX + "*").handler(dataIntake).handler(anthropicAuth)
        .handler(Routes::anthropicNotServed);
    OpenAiAuth openAiAuth = new OpenAiAuth(deps.authenticator(), deps.adminThrottle(), managed);
    metered.on(router.route(COMPAT_PREFIX + "/*"), Surface.OPENAI_COMPAT)
        .handler(dataIntake)
        .handler(openAiAuth)
        .handler(PathGate.compat(COMPAT_PREFIX, repair))
        .handler(bodies)
        .handler(rc -> deps.openAiCompatRelay().handle(rc, PathGate.parsed(rc), context(rc, deps)));
    for (String prefix : TRANSLATED_PREFIXES) {
      metered.on(router.route(prefix + "/*"), Surface.OPENAI)
          .handler(dataIntake)
          .handler(openAiAuth)
          .handler(PathGate.translated(prefix, repair))
          .handler(bodies)
          .handler(rc -> deps.openAiRelay().handle(rc, PathGate.parsed(rc), context(rc, deps)));
    }
    // The admin web UI and API after the data plane: the router tries routes in order, so the data
    // plane's requests do not pass dozens of admin routes first. None of them overlaps a data-plane
    // prefix; the key-maintenance routes under /gemini/v1beta stay before the native pass-through.
    // Admin web UI: login and sessions (POST /api/session before the /api/* guard, which does not
    // apply to it), pages guarded by the session.
    SessionEndpoints session = new SessionEndpoints(deps.adminSessions(), deps.authenticator(), deps.adminThrottle(),
        deps.edge());
    new AdminPages(session.loginPage(), session.pageGuard()).mount(router);
    router.post("/api/session").handler(Intake.admin(deps.edge()))
        .handler(session::beforeLogin)
        .handler(new RequestBody(() -> SessionEndpoints.MAX_LOGIN_BODY, deps.clientLimits().bodyTimeoutMillis(),
            deps.clientLimits().bodyDeadlineMillis()))
        .handler(session::login);
    router.post("/api/session").failureHandler(rc -> {
      if (rc.statusCode() == 413) {
        AdminAuth.error(rc, 413, "Login body larger than " + SessionEndpoints.MAX_LOGIN_BODY + " bytes: send"
            + " {\"token\": \"...\"} only.", "INVALID_ARGUMENT", null);
      } else {
        rc.next();
      }
    });
    router.route("/api/*").handler(adminIntake)
        .handler(adminAuth)
        .handler(bodies);
    router.get("/api/config").handler(deps.configApi()::get);
    router.put("/api/config").handler(deps.configApi()::put);
    router.delete("/api/config/:name").handler(deps.configApi()::delete);
    // Config page (issue 16): an editable secret's value, audited.
    router.post("/api/config/reveal").handler(deps.configApi()::reveal);
    router.post("/api/config/proxy/check").handler(deps.proxyCheckApi()::check);
    router.post("/api/config/proxy/check-all").handler(deps.proxyCheckApi()::checkAll);
    router.get("/api/pool").handler(rc -> rc.json(deps.pool().get()));
    router.get("/api/cluster").handler(rc -> rc.json(deps.cluster().get()));
    router.get("/api/audit").handler(deps.auditApi()::list);
    router.post("/api/admin-token/rotate").handler(deps.adminTokenApi()::rotate);
    // Logs and statistics (the /logs and /stats pages); "all" and "lookup" before the ids.
    router.get("/api/logs/errors").handler(deps.errorLogApi()::list);
    router.get("/api/logs/errors/lookup").handler(deps.errorLogApi()::lookup);
    router.get("/api/logs/errors/:id/details").handler(deps.errorLogApi()::details);
    router.delete("/api/logs/errors").handler(deps.errorLogApi()::deleteSelected);
    router.delete("/api/logs/errors/all").handler(deps.errorLogApi()::deleteAll);
    router.delete("/api/logs/errors/:id").handler(deps.errorLogApi()::deleteOne);
    router.get("/api/stats/overview").handler(deps.statsApi()::overview);
    router.get("/api/usage").handler(deps.usageApi()::usage);
    router.get("/api/stats/details").handler(deps.statsApi()::details);
    router.get("/api/stats/key-details").handler(deps.statsApi()::keyDetails);
    router.get("/api/stats/attention-keys").handler(deps.statsApi()::attentionKeys);
    router.get("/api/stats/capacity").handler(deps.statsApi()::capacity);
    router.get("/api/key-usage-details/:key").handler(deps.statsApi()::keyUsage);
    // Past AdminPages' /static/* (which set the security headers and found no such file there).
    router.get(UPLOT_PATH + "*").handler(StaticHandler.create(UPLOT_WEBJAR).setDirectoryListing(false)
        .setCachingEnabled(true).setMaxAgeSeconds(86_400));
    router.get("/api/session").handler(session::current);
    router.delete("/api/session").handler(session::logout);
    // Keys: the key management API of the /keys page, and gemini-balance's /api/config/keys.
    KeysApi keys = deps.keysApi();
    router.get("/api/keys").handler(keys::list);
    router.get("/api/keys/all").handler(keys::all);
    router.get("/api/keys/export").handler(keys::export);
    router.post("/api/keys").handler(keys::add);
    router.post("/api/keys/delete").handler(keys::deleteSelected);
    router.post("/api/keys/delete-disabled").handler(keys::deleteDisabled);
    router.post("/api/keys/verify").handler(keys::verify);
    router.get("/api/keys/verify/:job_id").handler(keys::verifyStatus);
    router.post("/api/keys/verify/:job_id/cancel").handler(keys::verifyCancel);
    router.post("/api/keys/reset").handler(keys::reset);
    router.post("/api/keys/reveal").handler(keys::reveal);
    router.delete("/api/keys/:id").handler(keys::deleteOne);
    // Managed client tokens (the /tokens page); no DELETE: a revoked token stays listed.
    TokensApi tokens = deps.tokensApi();
    router.get("/api/tokens").handler(tokens::list);
    router.post("/api/tokens").handler(tokens::create);
    router.get("/api/tokens/:id").handler(tokens::get);
    router.patch("/api/tokens/:id").handler(tokens::update);
    router.post("/api/tokens/:id/rotate").handler(tokens::rotate);
    router.post("/api/tokens/:id/revoke").handler(tokens::revoke);
    router.delete("/api/config/keys/:key").handler(maintenance::deleteKey);
    router.post("/api/config/keys/delete-selected").handler(maintenance::deleteSelected);
    router.route().last().handler(rc -> {
      if (!repair.reroute(rc)) {
        Rejections.gemini(rc, 404, RoutingFailures.noSuchEndpoint(rc.request()));
      }
    });
    // From the body readers and the CORS check: the client's doing, answered in its protocol's
    // shape (when it is still there) without an error log, and without reading the rest.
    router.errorHandler(413, rc -> bodyError(rc, 413, "Request body larger than "
        + deps.edge().get().maxBodyText() + " (MAX_REQUEST_BODY_MB).", "request_too_large"));
    router.errorHandler(408, rc -> bodyError(rc, 408, rc.failure() == RequestBody.PAST_DEADLINE
        ? "Request body not complete within " + deps.clientLimits().bodyDeadlineMillis() / 1000
            + " s (CLIENT_BODY_DEADLINE_SECONDS)."
        : "No request body bytes for " + deps.clientLimits().bodyTimeoutMillis() / 1000
            + " s (CLIENT_BODY_TIMEOUT_SECONDS).",
        "request_timeout"));
    router.errorHandler(400, rc -> bodyError(rc, 400, RoutingFailures.badRequestMessage(rc),
        RoutingFailures.badRequestCode(rc)));
    // A request target that is not a path (CONNECT host:port): vertx-web fails it before any route,
    // and would log each one at ERROR.
    router.errorHandler(404, rc -> {
      int status = RoutingFailures.notRoutedStatus(rc);
      bodyError(rc, status, RoutingFailures.notRoutedMessage(rc), RoutingFailures.notRoutedCode(status));
    });
    router.errorHandler(405, rc -> bodyError(rc, 405, RoutingFailures.notRoutedMessage(rc), "method_not_allowed"));
    router.errorHandler(417, rc -> bodyError(rc, 417, "Only 'Expect: 100-continue' is supported.",
        "expectation_failed"));
    router.errorHandler(403, rc -> bodyError(rc, 403, "Cross-origin request from an origin not in "
        + "CORS_ALLOWED_ORIGINS.", "origin_not_allowed"));
    return router;
  }

  /**
   * Uploads and downloads of files, beside the native prefixes as Google has them. A start (small
   * JSON metadata) has its body read like any call; a chunk (it names an upload_id) is checked
   * from its headers and its session, then streamed to Google by the relay without the body reader.
   */
  private static void mountFileTransfers(Router router, Dependencies deps, Intake intake, NativeAuth auth,
      RequestBody bodies, Metered metered) {
    FileTransferRelay files = deps.fileTransfers();
    for (String path : UPLOAD_PATHS) {
      metered.on(router.route(path), Surface.FILES).handler(intake).handler(auth).handler(rc -> {
        if (FileTransferRelay.isChunk(rc.request())) {
          files.chunk(rc, context(rc, deps), (status, message) -> Rejections.gemini(rc, status, message));
        } else {
          rc.next();
        }
      }).handler(bodies).handler(rc -> files.start(rc, context(rc, deps), ClientOrigin.of(rc).baseUrl(), null));
    }
    metered.on(router.route(STORE_UPLOAD_PATH + "*"), Surface.FILES).handler(intake).handler(auth).handler(bodies).handler(rc -> {
      String rest = rc.request().path().substring(STORE_UPLOAD_PATH.length());
      String store = rest.endsWith(STORE_UPLOAD_METHOD)
          ? rest.substring(0, rest.length() - STORE_UPLOAD_METHOD.length()) : null;
      if (store == null) {
        Responses.gemini(rc.response(), 404, RoutingFailures.noSuchEndpoint(rc.request()));
        return;
      }
      files.start(rc, context(rc, deps), ClientOrigin.of(rc).baseUrl(), store);
    });
    metered.on(router.route(DOWNLOAD_PATH + "*"), Surface.FILES).handler(intake).handler(auth).handler(rc -> {
      String rest = rc.request().path().substring(DOWNLOAD_PATH.length());
      if (!rest.endsWith(DOWNLOAD_METHOD)) {
        Rejections.gemini(rc, 404, RoutingFailures.noSuchEndpoint(rc.request()));
        return;
      }
      files.download(rc, rest.substring(0, rest.length() - DOWNLOAD_METHOD.length()), context(rc, deps));
    });
  }

  /** Where uploads to the Files API start, and where their chunks go (the upload URL's path). */
  private static final List<String> UPLOAD_PATHS =
      List.of("/upload/v1beta/files", "/gemini/upload/v1beta/files", "/upload/v1/files");
  private static final String STORE_UPLOAD_PATH = "/upload/v1beta/fileSearchStores/";
  private static final String STORE_UPLOAD_METHOD = ":uploadToFileSearchStore";
  private static final String DOWNLOAD_PATH = "/download/v1beta/files/";
  private static final String DOWNLOAD_METHOD = ":download";

  /** Whether a request for {@code path} gets its errors in OpenAI's shape (else Google's). */
  static boolean speaksOpenAi(String path) {
    return OPENAI_PREFIXES.stream().anyMatch(prefix -> path.startsWith(prefix + "/"))
        && !NATIVE_ON_V1_PATH.matcher(path).matches();
  }

  /** Whether a request for {@code path} gets its errors in Anthropic's shape. */
  static boolean speaksAnthropic(String path) {
    return path.startsWith(ANTHROPIC_ONLY_PREFIX) || ANTHROPIC_ROOT_PATH.matcher(path).matches();
  }

  /** An Anthropic path no route serves: 405 on the POST endpoints, 404 elsewhere. */
  private static void anthropicNotServed(RoutingContext rc) {
    String path = rc.request().path();
    String endpoint = path.startsWith(ANTHROPIC_ONLY_PREFIX) ? path.substring(ANTHROPIC_ONLY_PREFIX.length() - 1)
        : path;
    if (endpoint.endsWith("/")) {
      endpoint = endpoint.substring(0, endpoint.length() - 1);
    }
    if (endpoint.equals(MESSAGES) || endpoint.equals(COUNT_TOKENS)) {
      rc.response().putHeader("allow", "POST");
      Rejections.anthropic(rc, 405, RoutingFailures.methodNotAllowed(rc.request()) + "; use POST.");
    } else {
      Rejections.anthropic(rc, 404, RoutingFailures.noSuchEndpoint(rc.request()));
    }
  }

  private static void bodyError(RoutingContext rc, int status, String message, String openAiCode) {
    if (speaksAnthropic(rc.request().path())) {
      Rejections.anthropic(rc, status, message);
    } else if (speaksOpenAi(rc.request().path())) {
      Rejections.openAi(rc, status, message, openAiCode);
    } else {
      Rejections.gemini(rc, status, message);
    }
  }

  /** The health check, the one route still served while the gateway drains (answered 503 then). */
  static final String HEALTH = "/health";

  /**
   * {@code GET /health}: 200 and "healthy" while serving; 503 and "draining" once a shutdown has
   * begun, so that a load balancer takes the instance out while its requests in flight finish.
   */
  private static void health(RoutingContext rc, Dependencies deps) {
    JsonObject health = deps.health().get();
    if (deps.drain().draining()) {
      rc.response().setStatusCode(503);
      health.put("status", "draining");
    }
    rc.json(health);
  }

  /**
   * While the gateway drains, every request but the health check is answered 503 in the caller's
   * protocol, with {@code Retry-After} and (HTTP/1.x) {@code Connection: close}: the client or its
   * load balancer retries on another instance.
   */
  static void refuseWhileDraining(HttpServerRequest request) {
    String message = "This gateway instance is shutting down; retry on another instance.";
    String path = request.path();
    request.response().putHeader("retry-after", "1");
    if (speaksAnthropic(path)) {
      Rejections.send(request, 503, AnthropicResponses.errorBody(503, message), true);
    } else if (speaksOpenAi(path)) {
      Rejections.send(request, 503, OpenAiResponses.errorBody(message, "server_error", null, "shutting_down"),
          true);
    } else {
      Rejections.send(request, 503, GeminiErrors.body(503, message), true);
    }
  }

  private static RequestContext context(RoutingContext rc, Dependencies deps) {
    long now = deps.clock().getAsLong();
    String id = RequestIds.of(rc.vertx().getOrCreateContext(), now);
    RequestMeter meter = rc.get(RequestMeter.KEY);
    if (meter == null) {
      meter = RequestMeter.NONE;
    } else {
      meter.bodyRead();
    }
    RequestContext ctx = new RequestContext(id, rc.get(NativeAuth.CLIENT), rc.get(ManagedTokenGate.TOKEN), now,
        deps.drain(), meter);
    ManagedTokenGate.attach(rc, ctx);
    return ctx;
  }

  /**
   * The first handler of a data-plane route when metrics are on: a {@link RequestMeter} for the
   * request, told when the response's headers go out and when it ends. With metrics off the
   * routes get no such handler at all.
   */
  private record Metered(GatewayMetrics metrics) {
    Route on(Route route, Surface surface) {
      return metrics.enabled() ? route.handler(rc -> start(rc, surface)) : route;
    }

    /**
     * A Live session's route: its meter counts the tokens its turns report (gb_tokens_total) and
     * nothing else: a session is not a request to time, it lasts as long as the client wants.
     */
    Route tokensOnly(Route route) {
      return metrics.enabled() ? route.handler(rc -> {
        if (rc.get(RequestMeter.KEY) == null) {
          rc.put(RequestMeter.KEY, metrics.start(Surface.GEMINI));
        }
        rc.next();
      }) : route;
    }

    private void start(RoutingContext rc, Surface surface) {
      // A rerouted request (UrlRepair) passes here again: it keeps its first meter.
      if (rc.get(RequestMeter.KEY) == null) {
        RequestMeter meter = metrics.start(surface);
        rc.put(RequestMeter.KEY, meter);
        rc.addHeadersEndHandler(v -> meter.headersWritten());
        // Failed: the connection closed before the response ended (nginx's 499, "client gone").
        rc.addEndHandler(ar -> meter.ended(ar.succeeded() ? rc.response().getStatusCode() : 499));
      }
      rc.next();
    }
  }
}
