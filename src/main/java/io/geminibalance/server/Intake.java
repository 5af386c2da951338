package io.geminibalance.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * The first handler of every route that may read a body: pauses the request so that no byte of
 * its body is read (or, without a handler, read and dropped) before the caller is authenticated
 * and the body reader takes over; leaves the client-origin resolver for {@link ClientOrigin#of};
 * and on the data plane answers CORS (a preflight ends here, without authentication, since
 * browsers send no credentials on it). Vert.x delivers a request's body as it arrives unless it is
 * paused, and vertx-web's router does not pause (IntakeTest shows the difference).
 */
final class Intake implements Handler<RoutingContext> {
  private final Supplier<EdgePolicy> policy;
  private final boolean cors;

  private Intake(Supplier<EdgePolicy> policy, boolean cors) {
    this.policy = policy;
    this.cors = cors;
  }

  /** For the data plane: with CORS per CORS_ALLOWED_ORIGINS. */
  static Intake dataPlane(Supplier<EdgePolicy> policy) {
    return new Intake(policy, true);
  }

  /** For the admin API: never any CORS header, whatever the origin. */
  static Intake admin(Supplier<EdgePolicy> policy) {
    return new Intake(policy, false);
  }

  /**
   * Leaves the proxies in TRUSTED_PROXIES for {@link ClientOrigin#of} (routes without an intake,
   * such as the admin pages, call this themselves).
   */
  static void noteProxies(RoutingContext rc, EdgePolicy current) {
    if (!current.trustedProxies().isEmpty()) {
      // Without trusted proxies ClientOrigin.of needs nothing from here (and the request pays nothing).
      rc.put(ClientOrigin.KEY, current.trustedProxies());
    }
  }

  @Override
  public void handle(RoutingContext rc) {
    rc.request().pause();
    EdgePolicy current = policy.get();
    noteProxies(rc, current);
    if (cors && current.cors() != null) {
      if (current.varyOnOrigin()) {
        rc.response().headers().add(HttpHeaders.VARY, HttpHeaders.ORIGIN);
      }
      current.cors().handle(rc);
    } else {
      rc.next();
    }
  }
}
