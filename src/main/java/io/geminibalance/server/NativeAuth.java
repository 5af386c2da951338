package io.geminibalance.server;

import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.protocol.gemini.GoogleQuery;
import io.geminibalance.requestlog.KeyIdentity;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates native Gemini calls: {@code ?key=}, {@code x-goog-api-key} or a Bearer token,
 * as the official SDKs and curl examples send them. Rejects in Google's error shape, from the
 * headers and query alone: the body is never read for a caller without a valid credential.
 */
final class NativeAuth implements Handler<RoutingContext> {
  static final String CLIENT = "client.masked";
  private final ClientAuthenticator authenticator;

  NativeAuth(ClientAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public void handle(RoutingContext rc) {
    String token = credential(rc);
    KeyIdentity client;
    if (token == null) {
      Rejections.gemini(rc, 401,
          "Missing API key: send it in the x-goog-api-key header or the key query parameter.");
    } else if ((client = authenticator.identify(token)) == null) {
      Rejections.gemini(rc, 401, "API key not valid for this gateway.");
    } else {
      rc.put(CLIENT, client);
      rc.next();
    }
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
