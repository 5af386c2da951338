package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LocalProxy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/config/proxy/check} and {@code check-all} through real proxies on loopback
 * ports, the target being the fake upstream (BASE_URL); and PROXIES as {@code PUT /api/config}
 * validates it.
 */
class ProxyCheckApiTest {
  static final String ADMIN = "Bearer " + ADMIN_TOKEN;
  static final String CHECK = "/api/config/proxy/check";
  static final String CHECK_ALL = "/api/config/proxy/check-all";

  private static HttpResponse<String> post(GatewayHarness h, String path, String body) {
    return h.post(path, body, "authorization", ADMIN, "content-type", "application/json");
  }

  private static void assertBadRequest(HttpResponse<String> answer, String param) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(new JsonObject(answer.body()).getJsonObject("error").getString("param")).isEqualTo(param);
  }

  @Test
  void checksAreAdminOnlyAndRefuseBadInputWithoutQuotingIt() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(h.post(CHECK, "{\"proxy\":\"socks5://127.0.0.1:1\"}").statusCode()).isEqualTo(401);
      assertThat(h.post(CHECK_ALL, "{}", "authorization", "Bearer " + CLIENT_TOKEN).statusCode()).isEqualTo(401);
      assertBadRequest(post(h, CHECK, "{not json"), "body");
      assertBadRequest(post(h, CHECK, "[1]"), "body");
      assertBadRequest(post(h, CHECK, "{}"), "proxy");
      assertBadRequest(post(h, CHECK, "{\"proxy\":42}"), "proxy");
      assertBadRequest(post(h, CHECK, "{\"proxy\":\"not a url\"}"), "proxy");
      assertBadRequest(post(h, CHECK, "{\"proxy\":\"socks5://127.0.0.1\"}"), "proxy");
      HttpResponse<String> scheme = post(h, CHECK, "{\"proxy\":\"ftp://user:secret-pw-9@127.0.0.1:21\"}");
      assertBadRequest(scheme, "proxy");
      assertThat(scheme.body()).contains("unsupported scheme ftp").doesNotContain("secret-pw-9");
      String tooMany = new JsonArray(IntStream.range(0, ProxyCheckApi.MAX_PROXIES + 1)
          .mapToObj(i -> "http://127.0.0.1:" + (1000 + i)).toList()).encode();
      assertBadRequest(post(h, CHECK_ALL, "{\"proxies\":" + tooMany + "}"), "proxies");
      assertBadRequest(post(h, CHECK_ALL, "{\"proxies\":\"http://127.0.0.1:1\"}"), "proxies");
      assertBadRequest(post(h, CHECK_ALL, "{\"proxies\":[\"http://127.0.0.1:1\", 3]}"), "proxies[1]");
      assertBadRequest(post(h, CHECK_ALL, "{\"proxies\":[\"http://127.0.0.1:1\", \"gopher://x:1\"]}"), "proxies[1]");
      assertBadRequest(post(h, CHECK_ALL, "{\"max_concurrent\":0}"), "max_concurrent");
      assertBadRequest(post(h, CHECK_ALL, "{\"max_concurrent\":11}"), "max_concurrent");
      assertBadRequest(post(h, CHECK_ALL, "{\"max_concurrent\":\"5\"}"), "max_concurrent");
      // Nothing configured, nothing asked: nothing to check.
      HttpResponse<String> none = post(h, CHECK_ALL, "");
      assertThat(none.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(none.body()).getInteger("total")).isZero();
    }
  }

  @Test
  void aCheckGoesThroughTheProxyToTheUpstreamAndMasksItsCredentials() {
    try (LocalProxy socks = LocalProxy.start(LocalProxy.Kind.SOCKS5, "sockuser", "sock-pass-1");
        LocalProxy http = LocalProxy.start(LocalProxy.Kind.HTTP, "httpuser", "http-pass-2");
        GatewayHarness h = GatewayHarness.start()) {
      HttpResponse<String> answer = post(h, CHECK, new JsonObject().put("proxy", socks.url()).encode());
      assertThat(answer.statusCode()).isEqualTo(200);
      JsonObject result = new JsonObject(answer.body());
      assertThat(result.getString("proxy")).isEqualTo(socks.masked());
      assertThat(result.getBoolean("ok")).as(answer.body()).isTrue();
      assertThat(result.getLong("latency_ms")).isNotNegative();
      assertThat(result.getValue("error")).isNull();
      assertThat(socks.tunnels()).isEqualTo(1);
      assertThat(answer.body()).doesNotContain("sock-pass-1").doesNotContain("sockuser");

      String wrongPassword = http.url().replace("http-pass-2", "wrong-pass-3");
      JsonObject refused = new JsonObject(post(h, CHECK, new JsonObject().put("proxy", wrongPassword).encode()).body());
      assertThat(refused.getBoolean("ok")).isFalse();
      assertThat(refused.getString("error")).contains("407");
      assertThat(refused.encode()).doesNotContain("wrong-pass-3");
      assertThat(http.refusals()).isEqualTo(1);
      assertThat(http.tunnels()).isZero();
      JsonObject socksRefused = new JsonObject(post(h, CHECK, new JsonObject().put("proxy",
          socks.url().replace("sock-pass-1", "wrong-pass-4")).encode()).body());
      assertThat(socksRefused.getBoolean("ok")).isFalse();
      assertThat(socksRefused.getString("error")).isNotBlank().doesNotContain("wrong-pass-4");
      assertThat(socks.refusals()).isEqualTo(1);
      assertThat(socks.tunnels()).isEqualTo(1);

      JsonObject all = new JsonObject(post(h, CHECK_ALL, new JsonObject().put("proxies",
          new JsonArray(List.of(socks.url(), http.url(), "socks5://127.0.0.1:" + closedPort()))).encode()).body());
      assertThat(all.getInteger("total")).isEqualTo(3);
      assertThat(all.getInteger("available")).isEqualTo(2);
      JsonArray results = all.getJsonArray("results");
      assertThat(results.getJsonObject(0).getString("proxy")).isEqualTo(socks.masked());
      assertThat(results.getJsonObject(1).getString("proxy")).isEqualTo(http.masked());
      assertThat(results.getJsonObject(2).getBoolean("ok")).isFalse();
      assertThat(results.getJsonObject(2).getString("error")).isNotBlank();
    }
  }

  @Test
  void checkAllWithoutAListChecksPROXIESAndAProxyThatFailsIsSkippedUntilItPasses() {
    LocalProxy socks = LocalProxy.start(LocalProxy.Kind.SOCKS5, null, null);
    try (LocalProxy http = LocalProxy.start(LocalProxy.Kind.HTTP, null, null);
        GatewayHarness h = GatewayHarness.start(Map.of("PROXIES",
            new JsonArray(List.of(socks.url(), http.url())).encode(), "PROXY_RECHECK_SECONDS", "3600",
            // Rotation, so the calls below alternate whatever the ports; by key (the default), the
            // three keys' places on the ring depend on the random ports and may all fall on one proxy.
            "PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY", "false"))) {
      int port = socks.port();
      socks.close();
      JsonObject all = new JsonObject(post(h, CHECK_ALL, "{}").body());
      assertThat(all.getInteger("total")).isEqualTo(2);
      assertThat(all.getInteger("unavailable")).isEqualTo(1);
      assertThat(all.getJsonArray("results").getJsonObject(0).getBoolean("ok")).isFalse();
      // Marked down by the check: every call goes through the other proxy.
      http.clearSeen();
      for (int i = 0; i < 6; i++) {
        assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN)
            .statusCode()).isEqualTo(200);
      }
      assertThat(http.keysSeen()).hasSize(6);
      try (LocalProxy again = LocalProxy.start(LocalProxy.Kind.SOCKS5, null, null, port)) {
        JsonObject single = new JsonObject(post(h, CHECK, new JsonObject().put("proxy", again.url()).encode()).body());
        assertThat(single.getBoolean("ok")).isTrue();
        // Back in service at once (the periodic re-check is an hour away here).
        http.clearSeen();
        for (int i = 0; i < 6; i++) {
          assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN)
              .statusCode()).isEqualTo(200);
        }
        assertThat(again.keysSeen()).hasSize(3);
        assertThat(http.keysSeen()).hasSize(3);
      }
    }
  }

  @Test
  void proxiesAreValidatedOnSaveAndApplyLive() {
    try (LocalProxy http = LocalProxy.start(LocalProxy.Kind.HTTP, "httpuser", "http-pass-2");
        GatewayHarness h = GatewayHarness.start()) {
      HttpResponse<String> bad = h.putConfig(new JsonObject().put("PROXIES",
          "[\"socks5://user:bad-secret-7@127.0.0.1\"]").encode());
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("PROXIES").contains("entry 1").doesNotContain("bad-secret-7");
      HttpResponse<String> scheme = h.putConfig(new JsonObject().put("PROXIES", "[\"ftp://127.0.0.1:21\"]").encode());
      assertThat(scheme.statusCode()).isEqualTo(400);

      HttpResponse<String> saved = h.putConfig(new JsonObject().put("PROXIES",
          new JsonArray(List.of(http.url())).encode()).encode());
      assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
      String config = h.get("/api/config", "authorization", ADMIN).body();
      assertThat(config).doesNotContain("http-pass-2");
      assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN)
          .statusCode()).isEqualTo(200);
      assertThat(http.keysSeen()).hasSize(1);
    }
  }

  @Test
  void aBadEntryStopsStartUpWithoutBeingQuoted() {
    assertThatThrownBy(() -> GatewayHarness.start(Map.of("PROXIES", "[\"socks5://u:pw-start-secret@127.0.0.1\"]")))
        .rootCause().isInstanceOf(io.geminibalance.config.ConfigException.class)
        .hasMessageContaining("PROXIES: entry 1 no port").message().doesNotContain("pw-start-secret");
  }

  /** A loopback port nothing listens on. */
  private static int closedPort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
