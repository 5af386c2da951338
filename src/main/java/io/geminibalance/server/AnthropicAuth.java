package io.geminibalance.server;

import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.auth.ClientProtocol;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates Anthropic-style calls: {@code x-api-key} (what the SDKs and Claude Code send for
 * an API key) or {@code Authorization: Bearer} (Claude Code's ANTHROPIC_AUTH_TOKEN), with the
 * gateway's client tokens. Rejects in Anthropic's shape from the headers alone, before any body
 * byte; a credential that is not a client token goes through {@link AdminOnDataPlane}, as on the
 * other surfaces. {@code anthropic-version} and {@code anthropic-beta} are accepted and ignored.
 */
final class AnthropicAuth implements Handler<RoutingContext> {
  private static final AdminOnDataPlane.Refusals REFUSALS = new AdminOnDataPlane.Refusals(
      rc -> Rejections.anthropic(rc, 401, "invalid x-api-key: not a client token of this gateway."),
      (rc, message) -> Rejections.anthropic(rc, 429, message),
      (rc, refusal) -> Rejections.anthropic(rc, refusal.status(), refusal.message()));
  private final AdminOnDataPlane admin;

  AnthropicAuth(ClientAuthenticator authenticator, AdminThrottle throttle, ManagedTokenGate managed) {
    this.admin = new AdminOnDataPlane(authenticator, throttle, managed, ClientProtocol.ANTHROPIC);
  }

  @Override
  public void handle(RoutingContext rc) {
    String apiKey = rc.request().getHeader("x-api-key");
    String authorization = rc.request().getHeader("authorization");
    String token = apiKey != null && !apiKey.isBlank() ? apiKey.strip() : ClientAuthenticator.bearer(authorization);
    if (token == null) {
      Rejections.anthropic(rc, 401, authorization == null
          ? "Missing credential: send a client token in the x-api-key header or as 'Authorization: Bearer <token>'."
          : "Invalid Authorization header format: expected 'Bearer <token>'.");
      return;
    }
    admin.admit(rc, token, REFUSALS);
  }
}
