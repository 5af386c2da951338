package io.geminibalance.server;

import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.requestlog.KeyIdentity;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates OpenAI-style calls ({@code Authorization: Bearer}); rejects in OpenAI's shape,
 * without reading the body.
 */
final class OpenAiAuth implements Handler<RoutingContext> {
  private final ClientAuthenticator authenticator;

  OpenAiAuth(ClientAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public void handle(RoutingContext rc) {
    String header = rc.request().getHeader("authorization");
    String token = ClientAuthenticator.bearer(header);
    KeyIdentity client;
    if (token == null) {
      Rejections.openAi(rc, 401, header == null ? "Missing Authorization header."
              : "Invalid Authorization header format: expected 'Bearer <token>'.", "invalid_api_key");
    } else if ((client = authenticator.identify(token)) == null) {
      Rejections.openAi(rc, 401, "Incorrect API key provided.", "invalid_api_key");
    } else {
      rc.put(NativeAuth.CLIENT, client);
      rc.next();
    }
  }
}
