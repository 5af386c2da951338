package io.geminibalance.testing;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;

/**
 * A browser's admin session, for API tests that act as the admin pages do: the session cookie (as
 * a {@code Cookie} header value) and the CSRF token, from {@code POST /api/session}.
 */
public record AdminLogin(String cookie, String csrfToken) {
  /** Logs in to {@code h} with the admin token, as the login page does. */
  public static AdminLogin of(GatewayHarness h) {
    return of(h, GatewayHarness.ADMIN_TOKEN);
  }

  /** Logs in to {@code h} with {@code adminToken}, as the login page does. */
  public static AdminLogin of(GatewayHarness h, String adminToken) {
    HttpResponse<String> answer = h.post("/api/session", "{\"token\":\"" + adminToken + "\"}",
        "content-type", "application/json", "origin", h.url(""), "sec-fetch-site", "same-origin");
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("login failed: " + answer.statusCode() + " " + answer.body());
    }
    String setCookie = answer.headers().firstValue("set-cookie").orElseThrow();
    return new AdminLogin(setCookie.substring(0, setCookie.indexOf(';')),
        new JsonObject(answer.body()).getString("csrf_token"));
  }

  /** The headers of a same-origin page's state-changing call: cookie, CSRF token, Origin, Sec-Fetch-Site. */
  public String[] pageHeaders(GatewayHarness h) {
    return new String[] {"cookie", cookie, "x-csrf-token", csrfToken, "origin", h.url(""),
        "sec-fetch-site", "same-origin", "content-type", "application/json"};
  }
}
