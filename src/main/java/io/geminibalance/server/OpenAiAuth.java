package io.geminibalance.server;

import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.requestlog.KeyIdentity;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates OpenAI-style calls ({@code Authorization: Bearer}); rejects in OpenAI's shape,
 * without reading the body. A credential that is not a client token goes through
 * {@link AdminOnDataPlane}, as on the native routes.
 */
final class OpenAiAuth implements Handler<RoutingContext> {
  private final ClientAuthenticator authenticator;
  private final AdminOnDataPlane admin;

  OpenAiAuth(ClientAuthenticator authenticator, AdminThrottle throttle) {
    this.authenticator = authenticator;
    this.admin = new AdminOnDataPlane(authenticator, throttle);
  }

  @Override
  public void handle(RoutingContext rc) {
    String header = rc.request().getHeader("authorization");
    String token = ClientAuthenticator.bearer(header);
    if (token == null) {
      Rejections.openAi(rc, 401, header == null ? "Missing Authorization header."
              : "Invalid Authorization header format: expected 'Bearer <token>'.", "invalid_api_key");
      return;
    }
    KeyIdentity client = authenticator.client(token);
    if (client != null) {
      rc.put(NativeAuth.CLIENT, client);
      rc.next();
      return;
    }
    switch (admin.check(rc, token)) {
      case AdminOnDataPlane.Admin accepted -> {
        rc.put(NativeAuth.CLIENT, accepted.identity());
        rc.next();
      }
      case AdminOnDataPlane.Throttled throttled -> {
        rc.response().putHeader("retry-after", Long.toString(throttled.retryAfterSeconds()));
        Rejections.openAi(rc, 429, AdminOnDataPlane.throttledMessage(throttled.retryAfterSeconds()),
            "rate_limit_error", null, "rate_limit_exceeded");
      }
      case AdminOnDataPlane.Refused refused -> Rejections.openAi(rc, 401, "Incorrect API key provided.",
          "invalid_api_key");
    }
  }
}
