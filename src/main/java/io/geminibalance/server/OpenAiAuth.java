package io.geminibalance.server;

import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.TokenRefusal;
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
      (rc, message) -> Rejections.openAi(rc, 429, message, "rate_limit_error", null, "rate_limit_exceeded"),
      OpenAiAuth::tokenRefused);
  private final AdminOnDataPlane admin;

  OpenAiAuth(ClientAuthenticator authenticator, AdminThrottle throttle, ManagedTokenGate managed) {
    this.admin = new AdminOnDataPlane(authenticator, throttle, managed, ClientProtocol.OPENAI);
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

  /**
   * A managed token refused, in OpenAI's shape: {@code permission_error} for a 403, and for its own
   * limits {@code rate_limit_error} with code {@code token_rate_limit_exceeded}, told apart from the
   * pool's {@code rate_limit_exceeded}.
   */
  private static void tokenRefused(RoutingContext rc, TokenRefusal refusal) {
    switch (refusal.status()) {
      case 401 -> Rejections.openAi(rc, 401, refusal.message(), "invalid_api_key");
      case 403 -> Rejections.openAi(rc, 403, refusal.message(), "permission_error", null, "permission_denied");
      default -> Rejections.openAi(rc, refusal.status(), refusal.message(), "rate_limit_error", null,
          "token_rate_limit_exceeded");
    }
  }
}
