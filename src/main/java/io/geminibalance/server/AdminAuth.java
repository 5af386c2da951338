package io.geminibalance.server;

import io.geminibalance.admin.AdminCaller;
import io.geminibalance.admin.AdminSessions;
import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.storage.AdminSession;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the admin JSON API. Two credentials open it: the admin token in force (AUTH_TOKEN, else
 * the generated one) as a Bearer token, checked by its hash in constant time (scripts); or the
 * admin web UI's session cookie ({@link SessionCookie}, {@link AdminSessions}), with which every
 * state-changing call must also pass {@link CsrfCheck}. Client tokens from ALLOWED_TOKENS are not
 * enough. An {@code Authorization} header decides: when one is sent, the cookie is not looked at.
 *
 * <p>Failed Bearer attempts are throttled per client address ({@link AdminThrottle}); a request
 * that sends no Authorization header at all is not an attempt and is not counted, and neither is
 * an unknown session cookie (a 256-bit id is not guessed, and a browser whose session ended must
 * not lock its address out). The caller's address and admin token fingerprint (for a session: the
 * one it logged in with) go on the context for the audit log ({@link AdminCaller}). Runs before
 * the body is read: a refused request's body is never read ({@link Rejections}).
 */
final class AdminAuth implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);
  private final ClientAuthenticator authenticator;
  private final AdminThrottle throttle;
  private final AdminSessions sessions;

  AdminAuth(ClientAuthenticator authenticator, AdminThrottle throttle, AdminSessions sessions) {
    this.authenticator = authenticator;
    this.throttle = throttle;
    this.sessions = sessions;
  }

  @Override
  public void handle(RoutingContext rc) {
    apiHeaders(rc);
    unlessThrottled(rc, throttle, standing -> authenticate(rc, standing));
  }

  private void authenticate(RoutingContext rc, AdminThrottle.Standing standing) {
    String address = AdminThrottle.clientAddress(rc);
    String header = rc.request().getHeader("authorization");
    if (header == null) {
      String sessionId = SessionCookie.read(rc);
      if (sessionId != null) {
        withSession(rc, sessionId, address);
        return;
      }
    }
    String token = ClientAuthenticator.bearer(header);
    KeyIdentity admin = token == null ? null : authenticator.admin(token);
    if (admin != null) {
      throttle.succeeded(address, standing);
      rc.put(AdminCaller.KEY, new AdminCaller(address, admin.fingerprint()));
      rc.next();
      return;
    }
    Future<Void> counted = header != null ? throttle.failed(address) : Future.succeededFuture();
    counted.onComplete(ar -> {
      rc.response().putHeader("www-authenticate", "Bearer");
      error(rc, 401, "Admin API: send the admin token (AUTH_TOKEN, or the generated admin token) as "
          + "'Authorization: Bearer <token>', or log in on the admin pages.", "UNAUTHENTICATED", null);
    });
  }

  private void withSession(RoutingContext rc, String sessionId, String address) {
    HttpServerRequest request = rc.request();
    // Refused before the database is asked: nothing a cross-site page sends costs a look-up.
    boolean changing = CsrfCheck.stateChanging(request.method());
    String ownOrigin = ClientOrigin.of(rc).baseUrl();
    if (changing) {
      String crossSite = CsrfCheck.crossSite(request.getHeader(HttpHeaders.ORIGIN),
          request.getHeader("sec-fetch-site"), ownOrigin);
      if (crossSite != null) {
        error(rc, 403, crossSite, "PERMISSION_DENIED", null);
        return;
      }
    }
    SessionEndpoints.onLoop(rc, sessions.find(sessionId, authenticator.adminCredentialId())).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Admin sessions cannot be read: {}", ar.cause().getMessage());
        error(rc, 503, "Admin sessions cannot be read (database unavailable); Bearer tokens still work.",
            "UNAVAILABLE", null);
        return;
      }
      if (ar.result().isEmpty()) {
        SessionCookie.clear(rc);
        error(rc, 401, "Admin session expired or ended: log in again.", "UNAUTHENTICATED", null);
        return;
      }
      AdminSession session = ar.result().get();
      if (changing) {
        String refusal = CsrfCheck.refusal(request.getHeader(CsrfCheck.HEADER), request.getHeader(HttpHeaders.ORIGIN),
            request.getHeader("sec-fetch-site"), session.csrfToken(), ownOrigin);
        if (refusal != null) {
          error(rc, 403, refusal, "PERMISSION_DENIED", null);
          return;
        }
      }
      rc.put(SessionEndpoints.SESSION, session);
      rc.put(AdminCaller.KEY, new AdminCaller(address, session.adminFingerprint()));
      rc.next();
    });
  }

  /**
   * Runs {@code then} with where the caller's address stands, unless it has failed too often,
   * which is answered 429 instead; see {@link AdminThrottle}.
   */
  static void unlessThrottled(RoutingContext rc, AdminThrottle throttle, Consumer<AdminThrottle.Standing> then) {
    throttle.standing(AdminThrottle.clientAddress(rc)).onComplete(ar -> {
      AdminThrottle.Standing standing = ar.succeeded() ? ar.result() : new AdminThrottle.Standing(0, 0);
      long retryAfter = standing.retryAfterSeconds();
      if (retryAfter <= 0) {
        then.accept(standing);
        return;
      }
      rc.response().putHeader("retry-after", Long.toString(retryAfter));
      error(rc, 429, "Admin API: too many failed authentications from this address; try again in " + retryAfter
          + " s.", "RESOURCE_EXHAUSTED", null);
    });
  }

  /**
   * Headers of every admin API answer: never cached (they carry keys, settings, CSRF tokens), and
   * the same content-type and referrer rules as the pages.
   */
  static void apiHeaders(RoutingContext rc) {
    rc.response().headers().set(HttpHeaders.CACHE_CONTROL, "no-store");
    AdminPages.securityHeaders(rc.response().headers());
  }

  /**
   * An admin API error, {@code {"error":{"code","message","status"}}}, with {@code field} naming the
   * request field at fault when not null.
   */
  static void error(RoutingContext rc, int status, String message, String statusName, String field) {
    JsonObject error = new JsonObject().put("code", status).put("message", message).put("status", statusName);
    if (field != null) {
      error.put("field", field);
    }
    String body = new JsonObject().put("error", error).encode();
    if (rc.request().isEnded()) {
      // The body has been read (an endpoint's own refusal): nothing is left unread to guard against.
      if (!rc.response().ended()) {
        rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=UTF-8")
            .end(body);
      }
      return;
    }
    Rejections.send(rc, status, body);
  }
}
