package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.AdminLogin;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.RawHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin UI's pages and assets: served from the jar, with headers that keep them to this origin. */
class AdminPagesTest {
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  @ParameterizedTest
  @ValueSource(strings = {"/", "/keys", "/config", "/logs", "/stats"})
  void everyPageIsServedAsHtmlWithItsSecurityHeaders(String path) {
    // Logged in: a session would send the login page on to /keys, so "/" is asked without it.
    HttpResponse<String> page = path.equals("/") ? h.get(path) : h.get(path, "cookie", AdminLogin.of(h).cookie());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("content-security-policy")).get().asString()
        .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
    assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");
    // The asset version is filled in, so browsers fetch new assets after an upgrade.
    assertThat(page.body()).contains("/static/app.js?v=").doesNotContain("@@V@@");
    // No inline script: every <script> loads a file from this origin.
    assertThat(page.body()).doesNotContainPattern("<script(?![^>]*\\ssrc=\"/static/)[^>]*>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/keys", "/config", "/logs", "/stats"})
  void pagesWithoutALiveSessionRedirectToTheLoginPage(String path) {
    for (String[] headers : new String[][] {{}, {"cookie", "gb_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
        {"cookie", "gb_session=not-even-an-id"}}) {
      HttpResponse<String> page = h.get(path, headers);
      assertThat(page.statusCode()).isEqualTo(302);
      assertThat(page.headers().firstValue("location")).hasValue("/");
      assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");
      assertThat(page.body()).isEmpty();
    }
  }

  @Test
  void theLoginPageSendsALoggedInBrowserOnToKeys() {
    HttpResponse<String> page = h.get("/", "cookie", AdminLogin.of(h).cookie());
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("location")).hasValue("/keys");
  }

  /**
   * Sent by the browser itself (before the script runs, or without it), the login form posts: the
   * token never lands in a URL (history, proxy logs). Its button is enabled by the script.
   */
  @Test
  void theLoginFormPostsAndWaitsForItsScript() {
    String page = h.get("/").body();
    assertThat(page).contains("<form id=\"login-form\" method=\"post\" action=\"/api/session\"");
    assertThat(page).containsPattern("<button type=\"submit\"[^>]* disabled>");
  }

  @Test
  void assetsComeFromTheJarWithTheirTypes() {
    HttpResponse<String> js = h.get("/static/app.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("content-type")).get().asString().contains("javascript");
    assertThat(js.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(js.body()).contains("GB.page");
    assertThat(h.get("/static/app.css").headers().firstValue("content-type")).get().asString().startsWith("text/css");
    assertThat(h.get("/favicon.ico").statusCode()).isEqualTo(302);
  }

  @Test
  void nothingOutsideTheAssetFolderIsReachable() throws Exception {
    assertThat(h.get("/static/").statusCode()).isEqualTo(404);
    assertThat(h.get("/static/no-such-file.js").statusCode()).isEqualTo(404);
    assertThat(h.get("/static/%2e%2e/login.html").body()).doesNotContain("<html");
    // Raw, so no client normalises the dots away first.
    for (String target : new String[] {"/static/../../logback.xml", "/static/../login.html", "/static/..%2f..%2flogback.xml"}) {
      RawHttp.Answer answer = RawHttp.exchange(h.gateway.port(), "GET", target, null);
      assertThat(answer.body()).as(target).doesNotContain("<configuration").doesNotContain("data-page=");
    }
  }

  @Test
  void pagesAnswerOnlyGetAndHead() {
    assertThat(h.post("/keys", "x").statusCode()).isIn(404, 405);
  }
}
