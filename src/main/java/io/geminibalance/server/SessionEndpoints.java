package io.geminibalance.server;

import io.geminibalance.admin.AdminSessions;
import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.storage.AdminSession;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin web UI's session endpoints and page guards. {@code POST /api/session} {@code {"token"}}
 * logs in with the admin token (throttled like a wrong Bearer token, body capped at
 * {@value #MAX_LOGIN_BODY} bytes) and sets the session cookie; {@code GET /api/session} gives a
 * logged-in page its CSRF token and expiry; {@code DELETE /api/session} logs out. The last two run
 * behind {@link AdminAuth}. See {@link AdminSessions} for the sessions themselves.
 */
final class SessionEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(SessionEndpoints.class);
  /** A login body holds one token; 4 KiB leaves room for any AUTH_TOKEN and nothing more. */
  static final int MAX_LOGIN_BODY = 4096;
  /** Where the routing context holds the session of a request {@link AdminAuth} let in by its cookie. */
  static final String SESSION = "gb.adminSession";

  private final AdminSessions sessions;
  private final ClientAuthenticator authenticator;
  private final AdminThrottle throttle;
  private final Supplier<EdgePolicy> edge;

  SessionEndpoints(AdminSessions sessions, ClientAuthenticator authenticator, AdminThrottle throttle,
      Supplier<EdgePolicy> edge) {
    this.sessions = sessions;
    this.authenticator = authenticator;
    this.throttle = throttle;
    this.edge = edge;
  }

  /** {@code POST /api/session} before its body is read: the failure throttle and the cross-site checks. */
  void beforeLogin(RoutingContext rc) {
    AdminAuth.apiHeaders(rc);
    AdminAuth.unlessThrottled(rc, throttle, standing -> sameSiteLogin(rc));
  }

  private void sameSiteLogin(RoutingContext rc) {
    String crossSite = CsrfCheck.crossSite(rc.request().getHeader(HttpHeaders.ORIGIN),
        rc.request().getHeader("sec-fetch-site"), ClientOrigin.of(rc).baseUrl());
    if (crossSite != null) {
      AdminAuth.error(rc, 403, crossSite, "PERMISSION_DENIED", null);
      return;
    }
    rc.next();
  }

  /** {@code POST /api/session} with its body read. */
  void login(RoutingContext rc) {
    String token = token(rc.body().buffer());
    if (token == null) {
      AdminAuth.error(rc, 400, "Send the admin token as a JSON object: {\"token\": \"...\"}.", "INVALID_ARGUMENT",
          "token");
      return;
    }
    // Again, now that the body is in: logins sent side by side all passed the check before their
    // bodies arrived, and each guess must be counted against the limit before the next is tried.
    AdminAuth.unlessThrottled(rc, throttle, standing -> login(rc, token, standing));
  }

  private void login(RoutingContext rc, String token, AdminThrottle.Standing standing) {
    String address = AdminThrottle.clientAddress(rc);
    KeyIdentity admin = authenticator.admin(token);
    if (admin == null) {
      throttle.failed(address).onComplete(ar ->
          AdminAuth.error(rc, 401, "Wrong admin token.", "UNAUTHENTICATED", "token"));
      return;
    }
    throttle.succeeded(address, standing);
    String planted = SessionCookie.read(rc);
    CompletableFuture<Boolean> endPrevious = planted == null
        ? CompletableFuture.completedFuture(false) : sessions.end(planted);
    onLoop(rc, endPrevious.thenCompose(v -> sessions.start(admin.fingerprint(), authenticator.adminCredentialId(),
        address))).onComplete(ar -> {
          if (ar.failed()) {
            storeFailed(rc, ar.cause());
            return;
          }
          AdminSession session = ar.result().session();
          SessionCookie.set(rc, ar.result().id(),
              Duration.between(session.createdAt(), session.expiresAt()).toSeconds());
          rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=UTF-8")
              .end(describe(session).encode());
        });
  }

  /** The token of a login body, or null when the body is not {@code {"token": "<non-empty string>"}}. */
  static String token(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      Object parsed = body.toJsonValue();
      if (parsed instanceof JsonObject object && object.getValue("token") instanceof String token
          && !token.isBlank()) {
        return token.strip();
      }
      return null;
    } catch (DecodeException e) {
      return null;
    }
  }

  /** {@code GET /api/session}: the session's CSRF token and expiry (behind {@link AdminAuth}). */
  void current(RoutingContext rc) {
    AdminSession session = rc.get(SESSION);
    if (session == null) {
      noSession(rc);
      return;
    }
    rc.json(describe(session));
  }

  /** {@code DELETE /api/session}: logout (behind {@link AdminAuth}, so with the CSRF token). */
  void logout(RoutingContext rc) {
    AdminSession session = rc.get(SESSION);
    if (session == null) {
      noSession(rc);
      return;
    }
    onLoop(rc, sessions.end(SessionCookie.read(rc))).onComplete(ar -> {
      if (ar.failed()) {
        storeFailed(rc, ar.cause());
        return;
      }
      LOG.info("Admin session ended by logout from {} (admin token {})", AdminThrottle.clientAddress(rc),
          session.adminFingerprint());
      SessionCookie.clear(rc);
      rc.response().setStatusCode(204).end();
    });
  }

  /**
   * Runs before the login page ({@code /}): a browser with a live session goes on to {@code /keys};
   * one whose session has ended gets its cookie cleared and the page.
   */
  Handler<RoutingContext> loginPage() {
    return rc -> withSession(rc, found -> {
      if (found.isPresent()) {
        redirect(rc, "/keys");
      } else {
        rc.next();
      }
    });
  }

  /** Runs before every other page: without a live session the browser is sent to {@code /}. */
  Handler<RoutingContext> pageGuard() {
    return rc -> withSession(rc, found -> {
      if (found.isPresent()) {
        rc.next();
      } else {
        redirect(rc, "/");
      }
    });
  }

  private void withSession(RoutingContext rc, Handler<Optional<AdminSession>> then) {
    // Pages have no intake: the cookie cleared below is Secure behind a TLS-terminating proxy too.
    Intake.noteProxies(rc, edge.get());
    String id = SessionCookie.read(rc);
    if (id == null) {
      then.handle(Optional.empty());
      return;
    }
    onLoop(rc, sessions.find(id, authenticator.adminCredentialId())).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Admin sessions cannot be read: {}", ar.cause().getMessage());
        rc.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=UTF-8")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end("Admin sessions cannot be read (database).");
        return;
      }
      if (ar.result().isEmpty()) {
        SessionCookie.clear(rc);
      }
      then.handle(ar.result());
    });
  }

  private static void redirect(RoutingContext rc, String path) {
    rc.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, path)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
  }

  /** The answer of a login and of {@code GET /api/session}. */
  private static JsonObject describe(AdminSession session) {
    return new JsonObject().put("csrf_token", session.csrfToken())
        .put("expires_at", session.expiresAt().toString());
  }

  private static void noSession(RoutingContext rc) {
    AdminAuth.error(rc, 404, "No session: this request authenticated with a Bearer token, which needs none"
        + " (and no CSRF token).", "NOT_FOUND", null);
  }

  private static void storeFailed(RoutingContext rc, Throwable cause) {
    LOG.warn("Admin session store failed: {}", cause.getMessage());
    AdminAuth.error(rc, 503, "Admin sessions cannot be stored or read (database unavailable); Bearer tokens"
        + " still work.", "UNAVAILABLE", null);
  }

  /** Back on the request's event loop: storage completes on its own threads. */
  static <T> Future<T> onLoop(RoutingContext rc, CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, rc.vertx().getOrCreateContext());
  }
}
