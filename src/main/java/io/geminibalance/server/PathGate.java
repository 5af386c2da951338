package io.geminibalance.server;

import io.geminibalance.protocol.gemini.NativePath;
import io.geminibalance.protocol.gemini.VertexExpressPath;
import io.geminibalance.protocol.openai.CompatPath;
import io.geminibalance.protocol.openai.TranslatedPath;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Parses a data-plane request's path after authentication and before its body is read: a path the
 * surface refuses (400: traversal, encoded separators, a malformed model; 404: a resource or method
 * the gateway does not serve) is answered through {@link Rejections}, so a body on its way is
 * neither read nor drained. What the surface allows is left in the routing context for the relay
 * ({@link #parsed}), so the path is parsed once per request. Before a 404 is answered, the
 * route's {@link UrlRepair} may send the request on to the path it evidently meant (the guard of
 * each switch's first case does that, and answers nothing when it did).
 *
 * <p>The parsers are pure ({@code protocol}) and read the raw path from the index where the
 * resource starts, without a substring; the relay gets the parsed value, never the path.
 */
final class PathGate {
  /** The routing-context key of the parsed path. */
  private static final String PARSED = "gb.path";

  private PathGate() {}

  /** The native surface below {@code prefix} ({@code /v1beta}, {@code /gemini/v1beta}). */
  static Handler<RoutingContext> nativeGemini(String prefix) {
    return nativeGemini(prefix, UrlRepair.OFF);
  }

  /** The same; a path the surface does not serve (404) goes to {@code repair} first. */
  static Handler<RoutingContext> nativeGemini(String prefix, UrlRepair repair) {
    return rc -> {
      String path = rc.request().path();
      switch (NativePath.parse(rc.request().method().name(), path, resourceStart(path, prefix))) {
        case NativePath.Rejected rejected when rejected.status() == 404 && repair.reroute(rc) -> { }
        case NativePath.Rejected rejected -> Rejections.gemini(rc, rejected.status(), rejected.message());
        case NativePath.Allowed allowed -> pass(rc, allowed);
      }
    };
  }

  /** The Vertex AI Express surface below {@code prefix} ({@code /vertex-express/v1beta}, {@code .../v1}). */
  static Handler<RoutingContext> vertexExpress(String prefix) {
    return vertexExpress(prefix, UrlRepair.OFF);
  }

  /** The same; a path the surface does not serve (404) goes to {@code repair} first. */
  static Handler<RoutingContext> vertexExpress(String prefix, UrlRepair repair) {
    return rc -> {
      String path = rc.request().path();
      switch (VertexExpressPath.parse(rc.request().method().name(), path, resourceStart(path, prefix))) {
        case NativePath.Rejected rejected when rejected.status() == 404 && repair.reroute(rc) -> { }
        case NativePath.Rejected rejected -> Rejections.gemini(rc, rejected.status(), rejected.message());
        case NativePath.Allowed allowed -> pass(rc, allowed);
      }
    };
  }

  /** Google's OpenAI-compatible surface below {@code prefix} ({@code /openai/v1}). */
  static Handler<RoutingContext> compat(String prefix) {
    return compat(prefix, UrlRepair.OFF);
  }

  /** The same; a path the surface does not serve (404) goes to {@code repair} first. */
  static Handler<RoutingContext> compat(String prefix, UrlRepair repair) {
    return rc -> {
      String path = rc.request().path();
      switch (CompatPath.parse(rc.request().method().name(), path, resourceStart(path, prefix))) {
        case CompatPath.Rejected rejected when rejected.status() == 404 && repair.reroute(rc) -> { }
        case CompatPath.Rejected rejected -> Rejections.openAi(rc, rejected.status(), rejected.message(),
            "invalid_request_error", rejected.param(), rejected.code());
        case CompatPath.Allowed allowed -> pass(rc, allowed);
      }
    };
  }

  /** The translated OpenAI surface below {@code prefix} ({@code /v1}, {@code /hf/v1}). */
  static Handler<RoutingContext> translated(String prefix) {
    return translated(prefix, UrlRepair.OFF);
  }

  /** The same; a path the surface does not serve (404) goes to {@code repair} first. */
  static Handler<RoutingContext> translated(String prefix, UrlRepair repair) {
    return rc -> {
      String path = rc.request().path();
      switch (TranslatedPath.parse(rc.request().method().name(), path, resourceStart(path, prefix))) {
        case TranslatedPath.Rejected rejected when rejected.status() == 404 && repair.reroute(rc) -> { }
        case TranslatedPath.Rejected rejected -> Rejections.openAi(rc, rejected.status(), rejected.message(),
            "invalid_request_error", rejected.param(), rejected.code());
        case TranslatedPath.Allowed allowed -> pass(rc, allowed);
      }
    };
  }

  /** The value a gate of this route left; call only from a handler after it. */
  static <T> T parsed(RoutingContext rc) {
    return rc.get(PARSED);
  }

  private static void pass(RoutingContext rc, Object parsed) {
    rc.put(PARSED, parsed);
    rc.next();
  }

  /**
   * Where the resource starts in the raw {@code path}: after {@code prefix} and its slash. Routing
   * matched the normalised path; a raw path that reached this prefix only through normalisation
   * ({@code /api/../v1beta/...}, {@code /%761beta/...}) is parsed whole from after its leading
   * slash, for the surface's path check to refuse.
   */
  static int resourceStart(String path, String prefix) {
    int length = path.length();
    if (!path.startsWith(prefix) || (length > prefix.length() && path.charAt(prefix.length()) != '/')) {
      return path.startsWith("/") ? 1 : 0;
    }
    return Math.min(prefix.length() + 1, length);
  }
}
