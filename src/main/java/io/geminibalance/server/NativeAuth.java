package io.geminibalance.server;

import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.protocol.gemini.GoogleQuery;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates native Gemini calls: {@code ?key=}, {@code x-goog-api-key} or a Bearer token,
 * as the official SDKs and curl examples send them. Rejects in Google's error shape, from the
 * headers and query alone: the body is never read for a caller without a valid credential. A
 * credential that is not a client token goes through {@link AdminOnDataPlane} (the admin token,
 * or a failure counted against the address).
 */
final class NativeAuth implements Handler<RoutingContext> {
  static final String CLIENT = "client.masked";
  private static final AdminOnDataPlane.Refusals REFUSALS = new AdminOnDataPlane.Refusals(
      rc -> Rejections.gemini(rc, 401, "API key not valid for this gateway."),
      (rc, message) -> Rejections.gemini(rc, 429, message),
      (rc, refusal) -> Rejections.gemini(rc, refusal.status(), refusal.message()));
  private final AdminOnDataPlane admin;

  NativeAuth(ClientAuthenticator authenticator, AdminThrottle throttle, ManagedTokenGate managed) {
    this.admin = new AdminOnDataPlane(authenticator, throttle, managed, ClientProtocol.NATIVE);
  }

  @Override
  public void handle(RoutingContext rc) {
    String token = credential(rc);
    if (token == null) {
      Rejections.gemini(rc, 401,
          "Missing API key: send it in the x-goog-api-key header or the key query parameter.");
      return;
    }
    admin.admit(rc, token, REFUSALS);
  }

  private static String credential(RoutingContext rc) {
    // Only the exact, unencoded name: ?KEY= or ?%6Bey= do not authenticate (and are never forwarded).
    String query = GoogleQuery.apiKey(rc.request().query());
    if (query != null) {
      return query;
    }
    String header = rc.request().getHeader("x-goog-api-key");
    if (header != null && !header.isBlank()) {
      return header.strip();
    }
    return ClientAuthenticator.bearer(rc.request().getHeader("authorization"));
  }
}
