package io.geminibalance.server;

import io.geminibalance.auth.ClientAuthenticator;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates OpenAI-style calls ({@code Authorization: Bearer}); rejects in OpenAI's shape,
 * without reading the body. A credential that is not a client token goes through
 * {@link AdminOnDataPlane}, as on the native routes.
 */
final class OpenAiAuth implements Handler<RoutingContext> {
  private static final AdminOnDataPlane.Refusals REFUSALS = new AdminOnDataPlane.Refusals(
      rc -> Rejections.openAi(rc, 401, "Incorrect API key provided.", "invalid_api_key"),
      (rc, message) -> Rejections.openAi(rc, 429, message, "rate_limit_error", null, "rate_limit_exceeded"));
  private final AdminOnDataPlane admin;

  OpenAiAuth(ClientAuthenticator authenticator, AdminThrottle throttle) {
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
    admin.admit(rc, token, REFUSALS);
  }
}
