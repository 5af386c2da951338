package io.geminibalance.server;

import io.geminibalance.auth.ClientAuthenticator;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * Guards the admin JSON API: only the admin token (AUTH_TOKEN) as a Bearer token, compared in
 * constant time. Client tokens from ALLOWED_TOKENS are not enough. Runs before the body is read.
 */
final class AdminAuth implements Handler<RoutingContext> {
  private final Supplier<String> adminToken;

  AdminAuth(Supplier<String> adminToken) {
    this.adminToken = adminToken;
  }

  @Override
  public void handle(RoutingContext rc) {
    String token = ClientAuthenticator.bearer(rc.request().getHeader("authorization"));
    if (token != null && new ClientAuthenticator(List.of(adminToken.get())).accepts(token)) {
      rc.next();
      return;
    }
    rc.response().putHeader("www-authenticate", "Bearer");
    Rejections.send(rc, 401, "{\"error\":{\"code\":401,\"message\":\"Admin API: send the admin token (AUTH_TOKEN) as "
        + "'Authorization: Bearer <token>'.\",\"status\":\"UNAUTHENTICATED\"}}");
  }
}
