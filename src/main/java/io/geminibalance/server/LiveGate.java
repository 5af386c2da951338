package io.geminibalance.server;

import io.geminibalance.protocol.gemini.LivePath;
import io.geminibalance.protocol.gemini.PathSegments;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The path and handshake check of the Live API's routes, after authentication and before the
 * upgrade: routing matched a normalised path, so the raw one must be exactly a Live path (with
 * {@code /} or {@code //} in front, see {@link LivePath}); anything that only normalises to one is
 * refused as the other surfaces refuse it. A request that is not a WebSocket handshake is a 400.
 * Refusals are HTTP answers in Google's error shape: no socket is opened.
 */
final class LiveGate {
  private LiveGate() {}

  static void check(RoutingContext rc) {
    String path = rc.request().path();
    if (LivePath.version(path) == null) {
      String problem = path == null ? null : PathSegments.problem(path, path.startsWith("/") ? 1 : 0);
      if (problem != null) {
        Rejections.gemini(rc, 400, problem + ".");
      } else {
        Rejections.gemini(rc, 404, RoutingFailures.noSuchEndpoint(rc.request()));
      }
      return;
    }
    String upgrade = rc.request().getHeader(HttpHeaders.UPGRADE);
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      Rejections.gemini(rc, 400, "The Live API is a WebSocket: connect with 'Upgrade: websocket' (HTTP/1.1).");
      return;
    }
    rc.next();
  }
}
