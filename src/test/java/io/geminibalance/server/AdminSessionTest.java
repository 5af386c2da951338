package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.AdminLogin;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LogCapture;
import io.geminibalance.testing.RawHttp;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Admin login, sessions and CSRF against running gateways: what the admin pages rely on, and what a
 * cross-site page, a guesser or a stale browser gets.
 */
class AdminSessionTest {
  private static final String SAME_ORIGIN = "same-origin";

  private static HttpResponse<String> login(GatewayHarness h, String body, String... extraHeaders) {
    List<String> headers = new ArrayList<>(List.of("content-type", "application/json", "origin", h.url(""),
        "sec-fetch-site", SAME_ORIGIN));
    headers.addAll(List.of(extraHeaders));
    return h.post("/api/session", body, headers.toArray(String[]::new));
  }

  private static HttpResponse<String> putConfig(GatewayHarness h, String body, String... headers) {
    return h.send(h.request("/api/config", headers).PUT(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** {@code token} with its first character changed. */
  private static String otherToken(String token) {
    return (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1);
  }

  private static int maxFailures(GatewayHarness h) {
    return h.gateway.config().maxFailures();
  }

  @Test
  void loginSetsAStrictHttpOnlyCookieForTheConfiguredLifetimeAndAnswersTheCsrfToken() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("ADMIN_SESSION_EXPIRE", "600"))) {
      Instant before = Instant.now();
      HttpResponse<String> answer = login(h, "{\"token\":\"" + ADMIN_TOKEN + "\"}");
      assertThat(answer.statusCode()).isEqualTo(200);
      String cookie = answer.headers().firstValue("set-cookie").orElseThrow();
      assertThat(cookie).startsWith("gb_session=").contains("; Max-Age=600").contains("; Path=/")
          .containsIgnoringCase("; HttpOnly").contains("; SameSite=Strict").doesNotContain("Secure");
      assertThat(cookie.substring("gb_session=".length(), cookie.indexOf(';'))).matches("[A-Za-z0-9_-]{43}");
      JsonObject body = new JsonObject(answer.body());
      assertThat(body.getString("csrf_token")).matches("[A-Za-z0-9_-]{43}");
      assertThat(Instant.parse(body.getString("expires_at")))
          .isBetween(before.plusSeconds(599), Instant.now().plusSeconds(600));
      assertThat(answer.headers().firstValue("cache-control")).hasValue("no-store");

      AdminLogin session = new AdminLogin(cookie.substring(0, cookie.indexOf(';')), body.getString("csrf_token"));
      HttpResponse<String> current = h.get("/api/session", "cookie", session.cookie());
      assertThat(current.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(current.body())).isEqualTo(body);
      assertThat(h.get("/api/config", "cookie", session.cookie()).statusCode()).as("a read needs no CSRF token")
          .isEqualTo(200);
    }
  }

  @Test
  void theCookieIsSecureWhenTheClientCameOverTlsThroughATrustedProxy() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("TRUSTED_PROXIES", "[\"127.0.0.1\"]"))) {
      HttpResponse<String> answer = h.post("/api/session", "{\"token\":\"" + ADMIN_TOKEN + "\"}",
          "content-type", "application/json", "x-forwarded-proto", "https", "x-forwarded-host", "admin.example.com",
          "origin", "https://admin.example.com", "sec-fetch-site", SAME_ORIGIN);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.headers().firstValue("set-cookie").orElseThrow()).contains("; Secure");

      // A page clearing an ended session's cookie says Secure too (pages have no intake of their own).
      HttpResponse<String> page = h.get("/keys", "cookie", "gb_session=" + "A".repeat(43), "x-forwarded-proto", "https");
      assertThat(page.statusCode()).isEqualTo(302);
      assertThat(page.headers().firstValue("set-cookie").orElseThrow()).contains("Max-Age=0").contains("; Secure");
    }
    try (GatewayHarness h = GatewayHarness.start()) {
      HttpResponse<String> untrusted = h.post("/api/session", "{\"token\":\"" + ADMIN_TOKEN + "\"}",
          "content-type", "application/json", "x-forwarded-proto", "https");
      assertThat(untrusted.headers().firstValue("set-cookie").orElseThrow())
          .as("X-Forwarded-Proto from a peer not in TRUSTED_PROXIES is not believed").doesNotContain("Secure");
    }
  }

  @Test
  void everyLoginGetsAFreshIdAndAPlantedIdEndsThere() {
    try (GatewayHarness h = GatewayHarness.start()) {
      AdminLogin first = AdminLogin.of(h);
      AdminLogin second = AdminLogin.of(h);
      assertThat(second.cookie()).isNotEqualTo(first.cookie());
      assertThat(second.csrfToken()).isNotEqualTo(first.csrfToken());
      assertThat(h.get("/api/session", "cookie", first.cookie()).statusCode()).as("another browser's session stays")
          .isEqualTo(200);

      // Logging in while presenting a session id (planted, or left over) ends that one: never reused.
      HttpResponse<String> again = login(h, "{\"token\":\"" + ADMIN_TOKEN + "\"}", "cookie", first.cookie());
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.headers().firstValue("set-cookie").orElseThrow()).doesNotStartWith(first.cookie() + ";");
      assertThat(h.get("/api/session", "cookie", first.cookie()).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void anExpiredSessionIsRefusedAndDeletedAndTheCookieCleared() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      AdminLogin session = AdminLogin.of(h);
      assertThat(count(db, "SELECT COUNT(*) FROM gb_admin_session")).isEqualTo(1);
      execute(db, "UPDATE gb_admin_session SET expires_at = " + (System.currentTimeMillis() - 1));

      HttpResponse<String> refused = h.get("/api/session", "cookie", session.cookie());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message"))
          .isEqualTo("Admin session expired or ended: log in again.");
      assertThat(refused.headers().firstValue("set-cookie").orElseThrow()).startsWith("gb_session=;")
          .contains("Max-Age=0");
      assertThat(count(db, "SELECT COUNT(*) FROM gb_admin_session")).as("deleted on access").isZero();
      assertThat(h.get("/keys", "cookie", session.cookie()).statusCode()).as("pages send it to the login page")
          .isEqualTo(302);
    }
  }

  @Test
  void logoutEndsTheSessionOnTheServerAndClearsTheCookie() {
    try (GatewayHarness h = GatewayHarness.start()) {
      AdminLogin session = AdminLogin.of(h);
      HttpResponse<String> withoutCsrf = h.send(h.request("/api/session", "cookie", session.cookie()).DELETE().build());
      assertThat(withoutCsrf.statusCode()).as("logout is state-changing too").isEqualTo(403);
      assertThat(h.get("/api/session", "cookie", session.cookie()).statusCode()).isEqualTo(200);

      HttpResponse<String> out = h.send(h.request("/api/session", session.pageHeaders(h)).DELETE().build());
      assertThat(out.statusCode()).isEqualTo(204);
      assertThat(out.headers().firstValue("set-cookie").orElseThrow()).startsWith("gb_session=;").contains("Max-Age=0");
      assertThat(h.get("/api/session", "cookie", session.cookie()).statusCode()).isEqualTo(401);
      assertThat(h.get("/api/config", "cookie", session.cookie()).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void stateChangingCallsWithTheCookieNeedTheCsrfTokenFromThisOriginAndChangeNothingOtherwise() {
    try (GatewayHarness h = GatewayHarness.start()) {
      AdminLogin session = AdminLogin.of(h);
      String change = "{\"MAX_FAILURES\":7}";
      int before = maxFailures(h);
      String origin = h.url("");
      Map<String, String[]> refusals = Map.of(
          "no CSRF token", new String[] {"cookie", session.cookie(), "origin", origin, "sec-fetch-site", SAME_ORIGIN},
          "a wrong CSRF token", new String[] {"cookie", session.cookie(), "x-csrf-token", otherToken(session.csrfToken()),
              "origin", origin, "sec-fetch-site", SAME_ORIGIN},
          "another origin", new String[] {"cookie", session.cookie(), "x-csrf-token", session.csrfToken(),
              "origin", "http://evil.example"},
          "a null origin", new String[] {"cookie", session.cookie(), "x-csrf-token", session.csrfToken(),
              "origin", "null"},
          "a cross-site fetch", new String[] {"cookie", session.cookie(), "x-csrf-token", session.csrfToken(),
              "sec-fetch-site", "cross-site"},
          "a same-site fetch from a sibling origin", new String[] {"cookie", session.cookie(), "x-csrf-token",
              session.csrfToken(), "sec-fetch-site", "same-site"});
      refusals.forEach((what, headers) -> {
        HttpResponse<String> refused = putConfig(h, change, headers);
        assertThat(refused.statusCode()).as(what).isEqualTo(403);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("status")).as(what)
            .isEqualTo("PERMISSION_DENIED");
      });
      assertThat(putConfig(h, change, "cookie", session.cookie()).body()).contains("X-CSRF-Token missing");
      assertThat(maxFailures(h)).as("nothing changed").isEqualTo(before);

      assertThat(putConfig(h, change, session.pageHeaders(h)).statusCode()).as("the page's own call").isEqualTo(200);
      assertThat(maxFailures(h)).isEqualTo(7);
      // Without Origin and Sec-Fetch-Site (older browsers): the CSRF token alone lets it through.
      assertThat(putConfig(h, "{\"MAX_FAILURES\":8}", "cookie", session.cookie(), "x-csrf-token",
          session.csrfToken()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void bearerCallersNeedNoCsrfTokenAndHaveNoSession() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(putConfig(h, "{\"MAX_FAILURES\":6}", "authorization", "Bearer " + ADMIN_TOKEN,
          "origin", "http://script.example").statusCode()).isEqualTo(200);
      HttpResponse<String> none = h.get("/api/session", "authorization", "Bearer " + ADMIN_TOKEN);
      assertThat(none.statusCode()).isEqualTo(404);
      assertThat(h.get("/api/session").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void aChangeMadeThroughASessionIsAuditedWithTheLoginsAdminFingerprintAndAddress() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(putConfig(h, "{\"MAX_FAILURES\":5}", "authorization", "Bearer " + ADMIN_TOKEN).statusCode())
          .isEqualTo(200);
      AdminLogin session = AdminLogin.of(h);
      assertThat(putConfig(h, "{\"MAX_FAILURES\":9}", session.pageHeaders(h)).statusCode()).isEqualTo(200);

      JsonObject audit = new JsonObject(h.get("/api/audit", "authorization", "Bearer " + ADMIN_TOKEN).body());
      JsonObject bySession = audit.getJsonArray("entries").getJsonObject(0);
      JsonObject byBearer = audit.getJsonArray("entries").getJsonObject(1);
      assertThat(bySession.getJsonArray("changes").getJsonObject(0).getString("new")).isEqualTo("9");
      assertThat(bySession.getString("clientAddress")).isEqualTo("127.0.0.1");
      assertThat(bySession.getString("adminFingerprint")).isNotBlank().isEqualTo(byBearer.getString("adminFingerprint"));
    }
  }

  @Test
  void sessionsAreSharedByTwoGatewaysOnOneDatabase() {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness a = GatewayHarness.start(Map.of(), db); GatewayHarness b = GatewayHarness.start(Map.of(), db)) {
      AdminLogin session = AdminLogin.of(a);
      HttpResponse<String> onB = b.get("/api/session", "cookie", session.cookie());
      assertThat(onB.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(onB.body()).getString("csrf_token")).isEqualTo(session.csrfToken());
      assertThat(b.get("/keys", "cookie", session.cookie()).statusCode()).isEqualTo(200);

      assertThat(b.send(b.request("/api/session", session.pageHeaders(b)).DELETE().build()).statusCode())
          .isEqualTo(204);
      assertThat(a.get("/api/session", "cookie", session.cookie()).statusCode()).as("logged out everywhere")
          .isEqualTo(401);
    }
  }

  @Test
  void changingAuthTokenEndsTheSessionsMadeWithTheOldOne() {
    try (GatewayHarness h = GatewayHarness.start()) {
      AdminLogin session = AdminLogin.of(h);
      assertThat(putConfig(h, "{\"AUTH_TOKEN\":\"tok-admin-new-0003\"}", session.pageHeaders(h)).statusCode())
          .isEqualTo(200);
      assertThat(h.get("/api/session", "cookie", session.cookie()).statusCode()).isEqualTo(401);
      assertThat(AdminLogin.of(h, "tok-admin-new-0003").cookie()).isNotEqualTo(session.cookie());
    }
  }

  @Test
  void rotatingTheGeneratedTokenEndsTheSessionsMadeWithIt() {
    try (LogCapture out = new LogCapture();
        GatewayHarness h = GatewayHarness.start(Map.of("AUTH_TOKEN", "", "ALLOWED_TOKENS", "[]"))) {
      String generated = out.announcedToken();
      AdminLogin session = AdminLogin.of(h, generated);
      HttpResponse<String> rotated = h.send(h.request("/api/admin-token/rotate", session.pageHeaders(h))
          .POST(HttpRequest.BodyPublishers.noBody()).build());
      assertThat(rotated.statusCode()).isEqualTo(200);
      assertThat(h.get("/api/session", "cookie", session.cookie()).statusCode()).isEqualTo(401);
      AdminLogin.of(h, new JsonObject(rotated.body()).getString("adminToken"));
    }
  }

  @Test
  void wrongTokensAreRefusedAndThrottledLikeWrongBearerTokens() {
    try (GatewayHarness h = GatewayHarness.start()) {
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> wrong = login(h, "{\"token\":\"wrong-" + i + "\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(wrong.body()).getJsonObject("error").getString("message"))
            .isEqualTo("Wrong admin token.");
        assertThat(wrong.headers().firstValue("set-cookie")).isEmpty();
      }
      HttpResponse<String> throttled = login(h, "{\"token\":\"" + ADMIN_TOKEN + "\"}");
      assertThat(throttled.statusCode()).isEqualTo(429);
      assertThat(Long.parseLong(throttled.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
      assertThat(throttled.headers().firstValue("set-cookie")).isEmpty();
      assertThat(h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN).statusCode())
          .as("the same throttle as Bearer").isEqualTo(429);
    }
  }

  /** Guesses sent side by side pass the check before their bodies arrive; each is counted when it is tried. */
  @Test
  void loginsWhoseBodiesArriveTogetherAreStillThrottledOneByOne() throws Exception {
    try (GatewayHarness h = GatewayHarness.start()) {
      List<RawHttp> connections = new ArrayList<>();
      try {
        for (int i = 0; i < 15; i++) {
          String body = "{\"token\":\"wrong-guess-" + (100 + i) + "\"}";
          RawHttp c = RawHttp.open(h.gateway.port());
          connections.add(c);
          c.send("POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: " + body.length() + "\r\n\r\n");
        }
        // Give the heads time to pass the check before any body is sent (a round trip on another
        // connection); the outcome must not depend on it either way.
        assertThat(h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(200);
        for (int i = 0; i < 15; i++) {
          connections.get(i).send("{\"token\":\"wrong-guess-" + (100 + i) + "\"}");
        }
        List<Integer> statuses = new ArrayList<>();
        for (RawHttp c : connections) {
          statuses.add(c.read().status());
        }
        assertThat(statuses).as("10 guesses tried, the rest refused").filteredOn(s -> s == 401).hasSize(10);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(5);
      } finally {
        for (RawHttp c : connections) {
          c.close();
        }
      }
    }
  }

  @Test
  void badLoginBodiesGetAClear4xxAndNoSession() {
    try (GatewayHarness h = GatewayHarness.start()) {
      for (String body : new String[] {"", "not json", "[]", "{}", "{\"token\":42}", "{\"token\":\"\"}",
          "{\"token\":null}", "\"" + ADMIN_TOKEN + "\""}) {
        HttpResponse<String> refused = login(h, body);
        assertThat(refused.statusCode()).as(body).isEqualTo(400);
        JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
        assertThat(error.getString("field")).as(body).isEqualTo("token");
        assertThat(error.getString("message")).as(body).contains("{\"token\": \"...\"}");
        assertThat(refused.headers().firstValue("set-cookie")).as(body).isEmpty();
      }
      HttpResponse<String> huge = login(h, "{\"token\":\"" + "x".repeat(5000) + "\"}");
      assertThat(huge.statusCode()).isEqualTo(413);
      assertThat(new JsonObject(huge.body()).getJsonObject("error").getString("message"))
          .startsWith("Login body larger than 4096 bytes");
      assertThat(h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN).statusCode())
          .as("malformed bodies are not failed guesses").isEqualTo(200);
    }
  }

  @Test
  void aLoginFromAnotherOriginIsRefused() {
    try (GatewayHarness h = GatewayHarness.start()) {
      HttpResponse<String> refused = h.post("/api/session", "{\"token\":\"" + ADMIN_TOKEN + "\"}",
          "content-type", "application/json", "origin", "http://evil.example", "sec-fetch-site", "cross-site");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.headers().firstValue("set-cookie")).isEmpty();
    }
  }

  @Test
  void apiAnswersCarryTheSecurityHeaders() {
    try (GatewayHarness h = GatewayHarness.start()) {
      for (HttpResponse<String> answer : List.of(h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN),
          h.get("/api/config"), login(h, "{}"))) {
        assertThat(answer.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(answer.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(answer.headers().firstValue("referrer-policy")).hasValue("no-referrer");
        assertThat(answer.headers().firstValue("content-security-policy")).get().asString()
            .contains("default-src 'self'").contains("frame-ancestors 'none'");
      }
    }
  }

  @Test
  void expiredSessionsArePurgedWithoutBeingPresented() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      AdminLogin.of(h);
      AdminLogin.of(h);
      execute(db, "UPDATE gb_admin_session SET expires_at = 1");
      AdminLogin live = AdminLogin.of(h);
      assertThat(h.gateway.purgeExpiredAdminSessions().get()).isEqualTo(2);
      assertThat(count(db, "SELECT COUNT(*) FROM gb_admin_session")).isEqualTo(1);
      assertThat(h.get("/api/session", "cookie", live.cookie()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withoutTheSessionTableLoginsAndSessionsAnswer503AndBearerStillWorks() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      AdminLogin session = AdminLogin.of(h);
      execute(db, "ALTER TABLE gb_admin_session RENAME TO gb_admin_session_away");
      try {
        HttpResponse<String> login = login(h, "{\"token\":\"" + ADMIN_TOKEN + "\"}");
        assertThat(login.statusCode()).isEqualTo(503);
        assertThat(login.headers().firstValue("set-cookie")).isEmpty();
        HttpResponse<String> api = h.get("/api/config", "cookie", session.cookie());
        assertThat(api.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(api.body()).getJsonObject("error").getString("message"))
            .contains("Bearer tokens still work");
        assertThat(h.get("/keys", "cookie", session.cookie()).statusCode()).isEqualTo(503);
        assertThat(h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(200);
      } finally {
        execute(db, "ALTER TABLE gb_admin_session_away RENAME TO gb_admin_session");
      }
      assertThat(h.get("/api/session", "cookie", session.cookie()).statusCode()).as("back").isEqualTo(200);
    }
  }

  private static long count(String db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static void execute(String db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.setQueryTimeout((int) Duration.ofSeconds(10).toSeconds());
      s.execute(sql);
    }
  }
}
