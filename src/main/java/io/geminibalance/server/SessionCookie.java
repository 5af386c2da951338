package io.geminibalance.server;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * The admin session cookie: {@value #NAME}, HttpOnly (page scripts never see the id),
 * SameSite=Strict set explicitly (browsers differ in what they assume without it), Path=/, and
 * Secure when the client reached the gateway over TLS, directly or through a proxy in
 * TRUSTED_PROXIES ({@link ClientOrigin}). Without TLS it cannot be Secure: browsers would not
 * send it back over plain HTTP.
 */
final class SessionCookie {
  static final String NAME = "gb_session";

  private SessionCookie() {}

  /** The session id the browser sent, or null. */
  static String read(RoutingContext rc) {
    Cookie cookie = rc.request().getCookie(NAME);
    return cookie == null ? null : cookie.getValue();
  }

  static void set(RoutingContext rc, String id, long maxAgeSeconds) {
    rc.response().addCookie(base(rc, id).setMaxAge(maxAgeSeconds));
  }

  /** Tells the browser to forget the cookie (logout, or a session that has ended). */
  static void clear(RoutingContext rc) {
    rc.response().addCookie(base(rc, "").setMaxAge(0));
  }

  private static Cookie base(RoutingContext rc, String value) {
    return Cookie.cookie(NAME, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure("https".equals(ClientOrigin.of(rc).scheme()));
  }
}
