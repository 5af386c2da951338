package io.geminibalance.server;

import io.geminibalance.admin.AdminCaller;
import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.requestlog.KeyIdentity;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Guards the admin JSON API: only the admin token in force (AUTH_TOKEN, else the generated one) as
 * a Bearer token, checked by its hash in constant time. Client tokens from ALLOWED_TOKENS are not
 * enough. Failed attempts are throttled per client address ({@link AdminThrottle}); a request
 * that sends no Authorization header at all is not an attempt and is not counted. The caller's
 * address and admin token fingerprint go on the context for the audit log ({@link AdminCaller}).
 * Runs before the body is read: a refused request's body is never read ({@link Rejections}).
 */
final class AdminAuth implements Handler<RoutingContext> {
  private final ClientAuthenticator authenticator;
  private final AdminThrottle throttle;

  AdminAuth(ClientAuthenticator authenticator, AdminThrottle throttle) {
    this.authenticator = authenticator;
    this.throttle = throttle;
  }

  @Override
  public void handle(RoutingContext rc) {
    String address = AdminThrottle.clientAddress(rc);
    long retryAfter = throttle.retryAfterSeconds(address);
    if (retryAfter > 0) {
      rc.response().putHeader("retry-after", Long.toString(retryAfter));
      error(rc, 429, "Admin API: too many failed authentications from this address; try again in " + retryAfter
          + " s.", "RESOURCE_EXHAUSTED");
      return;
    }
    String header = rc.request().getHeader("authorization");
    String token = ClientAuthenticator.bearer(header);
    KeyIdentity admin = token == null ? null : authenticator.admin(token);
    if (admin != null) {
      throttle.succeeded(address);
      rc.put(AdminCaller.KEY, new AdminCaller(address, admin.fingerprint()));
      rc.next();
      return;
    }
    if (header != null) {
      throttle.failed(address);
    }
    rc.response().putHeader("www-authenticate", "Bearer");
    error(rc, 401, "Admin API: send the admin token (AUTH_TOKEN, or the generated admin token) as "
        + "'Authorization: Bearer <token>'.", "UNAUTHENTICATED");
  }

  private static void error(RoutingContext rc, int status, String message, String statusName) {
    Rejections.send(rc, status, new JsonObject().put("error", new JsonObject().put("code", status)
        .put("message", message).put("status", statusName)).encode());
  }
}
