package io.geminibalance.server;

import io.geminibalance.auth.ClientAuthenticator;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Guards the admin JSON API: only the admin token (AUTH_TOKEN) as a Bearer token, compared in
 * constant time. Client tokens from ALLOWED_TOKENS are not enough.
 */
final class AdminAuth implements Handler<RoutingContext> {
  private final Supplier<String> adminToken;

  AdminAuth(Supplier<String> adminToken) {
    this.adminToken = adminToken;
  }

  @Override
  public void handle(RoutingContext rc) {
    String token = ClientAuthenticator.bearer(rc.request().getHeader("authorization"));
    if (token != null && ClientAuthenticator.matches(adminToken.get(), token)) {
      rc.next();
      return;
    }
    rc.response().setStatusCode(401).putHeader("content-type", "application/json; charset=UTF-8")
        .putHeader("www-authenticate", "Bearer")
        .end("{\"error\":{\"code\":401,\"message\":\"Admin API: send the admin token (AUTH_TOKEN) as "
            + "'Authorization: Bearer <token>'.\",\"status\":\"UNAUTHENTICATED\"}}");
  }
}
