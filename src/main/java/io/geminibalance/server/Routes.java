package io.geminibalance.server;

import io.geminibalance.admin.AdminTokenApi;
import io.geminibalance.admin.AuditApi;
import io.geminibalance.admin.ConfigApi;
import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.relay.NativeGeminiRelay;
import io.geminibalance.relay.OpenAiCompatRelay;
import io.geminibalance.relay.OpenAiRelay;
import io.geminibalance.relay.OpenAiResponses;
import io.geminibalance.relay.Responses;
import io.geminibalance.upstream.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Every route of the gateway, in one place: data plane first, then operations. */
public final class Routes {
  /** Google documents about 20 MB per request with inline data; leave room for encoding. */
  private static final long MAX_BODY_BYTES = 64L * 1024 * 1024;
  private static final List<String> NATIVE_PREFIXES = List.of("/v1beta", "/gemini/v1beta");
  /** OpenAI requests translated to Gemini. */
  private static final List<String> TRANSLATED_PREFIXES = List.of("/v1", "/hf/v1");
  /** OpenAI requests forwarded to Gemini's own OpenAI-compatible API. */
  private static final String COMPAT_PREFIX = "/openai/v1";
  /** Where clients speak OpenAI (and get errors in its shape). */
  private static final List<String> OPENAI_PREFIXES =
      Stream.concat(TRANSLATED_PREFIXES.stream(), Stream.of(COMPAT_PREFIX)).toList();

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
      AuditApi auditApi,
      AdminTokenApi adminTokenApi) {}

  /**
   * Request bodies are read whole. Not preallocated from Content-Length: the body handler runs
   * before authentication, and a buffer sized from a declared length would let a caller without a
   * token pin 64 KiB per request by sending headers and no body. The data plane reads them with
   * {@link RequestBody} (no copy of a one-chunk body); the admin API keeps vertx-web's handler.
   */
  private static BodyHandler bodies() {
    return BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
  }

  private static RequestBody dataBodies() {
    return new RequestBody(MAX_BODY_BYTES);
  }

  public static Router build(Vertx vertx, Dependencies deps) {
    Router router = Router.router(vertx);
    router.get("/health").handler(rc -> rc.json(deps.health().get()));
    NativeAuth nativeAuth = new NativeAuth(deps.authenticator());
    for (String prefix : NATIVE_PREFIXES) {
      router.route(prefix + "/*")
          .handler(dataBodies())
          .handler(nativeAuth)
          .handler(rc -> nativeRelay(rc, prefix, deps));
    }
    router.route("/api/*").handler(bodies())
        .handler(new AdminAuth(deps.authenticator(), deps.adminThrottle()));
    router.get("/api/config").handler(deps.configApi()::get);
    router.put("/api/config").handler(deps.configApi()::put);
    router.delete("/api/config/:name").handler(deps.configApi()::delete);
    router.get("/api/pool").handler(rc -> rc.json(deps.pool().get()));
    router.get("/api/audit").handler(deps.auditApi()::list);
    router.post("/api/admin-token/rotate").handler(deps.adminTokenApi()::rotate);
    OpenAiAuth openAiAuth = new OpenAiAuth(deps.authenticator());
    router.route(COMPAT_PREFIX + "/*")
        .handler(dataBodies())
        .handler(openAiAuth)
        .handler(rc -> deps.openAiCompatRelay().handle(rc, resource(rc, COMPAT_PREFIX), context(rc, deps)));
    for (String prefix : TRANSLATED_PREFIXES) {
      router.route(prefix + "/*")
          .handler(dataBodies())
          .handler(openAiAuth)
          .handler(rc -> deps.openAiRelay().handle(rc, resource(rc, prefix), context(rc, deps)));
    }
    router.route().last().handler(rc -> Responses.gemini(rc.response(), 404,
        "No such endpoint: " + rc.request().method() + " " + rc.request().path()));
    // From the body readers: the client's doing, answered in its protocol's shape (when it is still
    // there) without an error log.
    router.errorHandler(413, rc -> bodyError(rc, 413,
        "Request body larger than " + MAX_BODY_BYTES / (1024 * 1024) + " MiB.", "request_too_large"));
    router.errorHandler(400, rc -> bodyError(rc, 400, "The request body could not be read.", "invalid_body"));
    router.errorHandler(417, rc -> bodyError(rc, 417, "Only 'Expect: 100-continue' is supported.",
        "expectation_failed"));
    return router;
  }

  private static void bodyError(RoutingContext rc, int status, String message, String openAiCode) {
    String path = rc.request().path();
    if (OPENAI_PREFIXES.stream().anyMatch(prefix -> path.startsWith(prefix + "/"))) {
      OpenAiResponses.error(rc.response(), status, message, "invalid_request_error", null, openAiCode);
    } else {
      Responses.gemini(rc.response(), status, message);
    }
  }

  private static void nativeRelay(RoutingContext rc, String prefix, Dependencies deps) {
    deps.nativeRelay().handle(rc, resource(rc, prefix), context(rc, deps));
  }

  /**
   * The raw path below {@code prefix}, without its leading slash. Routing matched the normalised
   * path; a raw path that reached this prefix only through normalisation ({@code /api/../v1beta/...},
   * {@code /%761beta/...}) is handed on whole, for the surface's own path check to refuse.
   */
  private static String resource(RoutingContext rc, String prefix) {
    String path = rc.request().path();
    if (!path.startsWith(prefix) || (path.length() > prefix.length() && path.charAt(prefix.length()) != '/')) {
      return path.startsWith("/") ? path.substring(1) : path;
    }
    return path.length() > prefix.length() + 1 ? path.substring(prefix.length() + 1) : "";
  }

  private static RequestContext context(RoutingContext rc, Dependencies deps) {
    return new RequestContext(rc.get(NativeAuth.CLIENT), deps.clock().getAsLong());
  }
}
