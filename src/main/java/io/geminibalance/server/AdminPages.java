package io.geminibalance.server;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin web UI: the HTML pages and their static assets, all from the jar (nothing from a CDN:
 * offline sites, old browsers and networks that cannot reach one must work). The pages hold no
 * data; everything they show comes from the admin API, which authenticates every call. The
 * {@code guard} decides who may load a page other than the login page (a session check; it
 * redirects to {@code /} otherwise).
 *
 * <p>The Content-Security-Policy allows scripts, styles and connections to this origin only, and
 * no inline script or style: a key, a model name or an upstream error text that slipped into the
 * DOM as markup could not run anyway.
 */
public final class AdminPages {
  /**
   * The pages by path: each is {@code webroot/<name>.html} (its content) inside
   * {@code webroot/layout.html} (head, navigation, the shared script and {@code static/<name>.js}),
   * titled by the i18n text {@code title}. The login page is {@code /}.
   */
  record Page(String name, String title) {}

  static final Map<String, Page> PAGES = pages();
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
      + " img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none';"
      + " base-uri 'none'; form-action 'self'";

  /** Lets every caller load every page (the API behind them is authenticated on its own). */
  public static final Handler<RoutingContext> OPEN = RoutingContext::next;

  private final Handler<RoutingContext> loginPage;
  private final Handler<RoutingContext> guard;
  private final Map<String, Buffer> html;

  /**
   * @param loginPage runs before the login page is served (e.g. sends a logged-in browser on to
   *     {@code /keys}); {@link #OPEN} serves it to everyone
   * @param guard runs before any other page is served
   */
  public AdminPages(Handler<RoutingContext> loginPage, Handler<RoutingContext> guard) {
    this.loginPage = loginPage;
    this.guard = guard;
    // Each start gets its own asset version, so a browser never runs an older app.js against a
    // newer page after an upgrade, while assets stay cacheable in between.
    String version = Long.toString(System.currentTimeMillis(), 36);
    String layout = read("webroot/layout.html");
    Map<String, Buffer> loaded = new LinkedHashMap<>();
    PAGES.forEach((path, page) -> loaded.put(path, Buffer.buffer(layout
        .replace("@@BODY@@", read("webroot/" + page.name() + ".html"))
        .replace("@@PAGE@@", page.name())
        .replace("@@TITLE@@", page.title())
        .replace("@@V@@", version))));
    this.html = Map.copyOf(loaded);
  }

  public static AdminPages open() {
    return new AdminPages(OPEN, OPEN);
  }

  private static Map<String, Page> pages() {
    Map<String, Page> pages = new LinkedHashMap<>();
    pages.put("/", new Page("login", "login.title"));
    for (String page : List.of("keys", "tokens", "config", "logs", "stats")) {
      pages.put("/" + page, new Page(page, "nav." + page));
    }
    return Map.copyOf(pages);
  }

  /** Adds the page and asset routes (GET and HEAD only). */
  void mount(Router router) {
    StaticHandler assets = StaticHandler.create("webroot/static")
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setCachingEnabled(true)
        .setMaxAgeSeconds(86_400)
        .setSendVaryHeader(false);
    router.get("/static/*").handler(rc -> {
      securityHeaders(rc.response().headers());
      rc.next();
    }).handler(assets);
    // A browser asks for it on every page; answering it keeps 404s out of the logs and the console.
    router.get("/favicon.ico").handler(rc -> rc.redirect("/static/favicon.svg"));
    html.forEach((path, body) -> router.get(path)
        .handler(path.equals("/") ? loginPage : guard)
        .handler(rc -> {
          MultiMap headers = rc.response().headers();
          securityHeaders(headers);
          headers.set(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
              .set(HttpHeaders.CACHE_CONTROL, "no-store");
          rc.response().end(body);
        }));
  }

  /** Headers every admin page and asset carries. */
  static void securityHeaders(MultiMap headers) {
    headers.set("content-security-policy", CONTENT_SECURITY_POLICY)
        .set("x-content-type-options", "nosniff")
        .set("referrer-policy", "no-referrer")
        .set("x-frame-options", "DENY")
        .set("cross-origin-opener-policy", "same-origin");
  }

  private static String read(String resource) {
    try (InputStream in = AdminPages.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
