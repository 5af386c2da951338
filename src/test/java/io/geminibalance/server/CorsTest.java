package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.config.ConfigException;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.RawHttp;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CORS per CORS_ALLOWED_ORIGINS on the data plane (vertx-web's CorsHandler, its behaviour pinned
 * here): preflights answered without authentication or body, never
 * {@code Access-Control-Allow-Credentials}, {@code Vary: Origin} when the answer depends on the
 * origin; and never a CORS header on the admin API.
 */
class CorsTest {
  static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  static final String BROWSER = "https://app.example.com";

  private static RawHttp.Answer send(GatewayHarness h, String request) throws Exception {
    try (RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send(request);
      return c.read();
    }
  }

  private static RawHttp.Answer preflight(GatewayHarness h, String path, String origin, String requestHeaders)
      throws Exception {
    return send(h, "OPTIONS " + path + " HTTP/1.1\r\nHost: x\r\nOrigin: " + origin
        + "\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: " + requestHeaders + "\r\n\r\n");
  }

  private static RawHttp.Answer post(GatewayHarness h, String path, String origin, String credentialHeader)
      throws Exception {
    String body = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";
    return send(h, "POST " + path + " HTTP/1.1\r\nHost: x\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n")
        + credentialHeader + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
  }

  private static List<String> list(String header) {
    return header == null ? List.of() : Arrays.stream(header.split(",")).map(String::strip).toList();
  }

  private static void assertNoCorsHeaders(RawHttp.Answer a) {
    assertThat(a.headers().keySet()).noneMatch(name -> name.startsWith("access-control-"));
  }

  @Test
  void preflightIsAnsweredWithoutCredentialOrUpstream() throws Exception {
    try (GatewayHarness h = GatewayHarness.start()) {
      RawHttp.Answer a = preflight(h, GENERATE, BROWSER, "content-type,x-goog-api-key,x-goog-api-client");
      assertThat(a.status()).isEqualTo(204);
      assertThat(a.header("access-control-allow-origin")).isEqualTo("*");
      assertThat(list(a.header("access-control-allow-methods"))).contains("GET", "POST", "DELETE");
      assertThat(list(a.header("access-control-allow-headers")))
          .contains("content-type", "x-goog-api-key", "x-goog-api-client", "authorization");
      assertThat(a.header("access-control-max-age")).isEqualTo("600");
      assertThat(a.header("access-control-allow-credentials")).isNull();
      assertThat(h.fake.requests()).isEmpty();
    }
  }

  /** What the OpenAI JS SDK (Stainless) sends: every header listed, Authorization by name. */
  @Test
  void preflightAllowsTheOpenAiSdksHeaders() throws Exception {
    try (GatewayHarness h = GatewayHarness.start()) {
      List<String> sdk = List.of("authorization", "content-type", "accept", "x-stainless-lang",
          "x-stainless-package-version", "x-stainless-os", "x-stainless-arch", "x-stainless-runtime",
          "x-stainless-runtime-version", "x-stainless-retry-count", "x-stainless-timeout");
      RawHttp.Answer a = preflight(h, "/v1/chat/completions", BROWSER, String.join(",", sdk));
      assertThat(a.status()).isEqualTo(204);
      assertThat(list(a.header("access-control-allow-headers"))).containsAll(sdk).contains("*");
      assertThat(a.header("access-control-allow-credentials")).isNull();
    }
  }

  @Test
  void anyOriginGetsAStarAndNeverCredentials() throws Exception {
    try (GatewayHarness h = GatewayHarness.start()) {
      RawHttp.Answer ok = post(h, GENERATE, BROWSER, "x-goog-api-key: " + CLIENT_TOKEN + "\r\n");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.header("access-control-allow-origin")).isEqualTo("*");
      assertThat(ok.header("access-control-allow-credentials")).isNull();
      assertThat(list(ok.header("access-control-expose-headers"))).contains("retry-after");
      assertThat(ok.header("vary")).as("the answer is the same for every origin").isNull();
      // A browser can read why it was refused.
      RawHttp.Answer refused = post(h, "/v1/chat/completions", BROWSER, "");
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("access-control-allow-origin")).isEqualTo("*");
    }
  }

  @Test
  void listedOriginIsEchoedWithVaryAndOthersAreRefusedInTheCallersShape() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CORS_ALLOWED_ORIGINS", "[\"" + BROWSER + "\"]"))) {
      RawHttp.Answer ok = post(h, GENERATE, BROWSER, "x-goog-api-key: " + CLIENT_TOKEN + "\r\n");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.header("access-control-allow-origin")).isEqualTo(BROWSER);
      assertThat(list(ok.header("vary"))).contains("origin");
      assertThat(ok.header("access-control-allow-credentials")).isNull();

      RawHttp.Answer other = post(h, GENERATE, "https://evil.example", "x-goog-api-key: " + CLIENT_TOKEN + "\r\n");
      assertThat(other.status()).isEqualTo(403);
      assertThat(other.body()).contains("\"status\":\"PERMISSION_DENIED\"").contains("CORS_ALLOWED_ORIGINS");
      assertThat(other.header("access-control-allow-origin")).isNull();
      RawHttp.Answer otherOpenAi = post(h, "/v1/chat/completions", "https://evil.example",
          "Authorization: Bearer " + CLIENT_TOKEN + "\r\n");
      assertThat(otherOpenAi.status()).isEqualTo(403);
      assertThat(otherOpenAi.body()).contains("\"code\":\"origin_not_allowed\"");
      assertThat(preflight(h, GENERATE, "https://evil.example", "content-type").status()).isEqualTo(403);
      assertThat(h.fake.requests(":generateContent")).hasSize(1);

      RawHttp.Answer server = post(h, GENERATE, null, "x-goog-api-key: " + CLIENT_TOKEN + "\r\n");
      assertThat(server.status()).as("clients that send no Origin are not browsers").isEqualTo(200);
      assertThat(list(server.header("vary"))).contains("origin");
      assertThat(server.header("access-control-allow-origin")).isNull();
    }
  }

  @Test
  void severalListedOriginsEachGetTheirOwn() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CORS_ALLOWED_ORIGINS",
        BROWSER + ",http://localhost:3000"))) {
      for (String origin : List.of(BROWSER, "http://localhost:3000")) {
        RawHttp.Answer ok = post(h, GENERATE, origin, "x-goog-api-key: " + CLIENT_TOKEN + "\r\n");
        assertThat(ok.header("access-control-allow-origin")).isEqualTo(origin);
        assertThat(list(ok.header("vary"))).filteredOn(v -> v.equalsIgnoreCase("origin")).hasSize(1);
      }
    }
  }

  @Test
  void emptyListTurnsCorsOff() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CORS_ALLOWED_ORIGINS", "[]"))) {
      RawHttp.Answer ok = post(h, GENERATE, BROWSER, "x-goog-api-key: " + CLIENT_TOKEN + "\r\n");
      assertThat(ok.status()).isEqualTo(200);
      assertNoCorsHeaders(ok);
      RawHttp.Answer pre = preflight(h, GENERATE, BROWSER, "content-type");
      assertThat(pre.status()).as("no preflight answer: it needs a credential like any call").isEqualTo(401);
      assertNoCorsHeaders(pre);
    }
  }

  @Test
  void adminApiNeverSendsCorsHeaders() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CORS_ALLOWED_ORIGINS", "[\"" + BROWSER + "\"]"))) {
      RawHttp.Answer get = send(h, "GET /api/config HTTP/1.1\r\nHost: x\r\nOrigin: " + BROWSER
          + "\r\nAuthorization: Bearer " + ADMIN_TOKEN + "\r\n\r\n");
      assertThat(get.status()).isEqualTo(200);
      assertNoCorsHeaders(get);
      RawHttp.Answer pre = preflight(h, "/api/config", BROWSER, "authorization");
      assertThat(pre.status()).isEqualTo(401);
      assertNoCorsHeaders(pre);
    }
    try (GatewayHarness h = GatewayHarness.start()) {
      RawHttp.Answer get = send(h, "GET /api/pool HTTP/1.1\r\nHost: x\r\nOrigin: " + BROWSER
          + "\r\nAuthorization: Bearer " + ADMIN_TOKEN + "\r\n\r\n");
      assertThat(get.status()).isEqualTo(200);
      assertNoCorsHeaders(get);
    }
  }

  @Test
  void changedOriginsApplyWithoutRestart() throws Exception {
    try (GatewayHarness h = GatewayHarness.start()) {
      var saved = h.send(h.request("/api/config", "Authorization", "Bearer " + ADMIN_TOKEN,
          "Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"CORS_ALLOWED_ORIGINS\":[\"https://new.example\"]}")).build());
      assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
      assertThat(preflight(h, GENERATE, "https://new.example", "content-type").header("access-control-allow-origin"))
          .isEqualTo("https://new.example");
      assertThat(preflight(h, GENERATE, BROWSER, "content-type").status()).isEqualTo(403);
    }
  }

  @Test
  void originsThatBrowsersNeverSendStopStartUp() {
    for (String bad : List.of("[\"https://app.example.com/\"]", "[\"app.example.com\"]", "*,https://app.example.com",
        "[\"ftp://x.example\"]")) {
      assertThatThrownBy(() -> GatewayHarness.start(Map.of("CORS_ALLOWED_ORIGINS", bad)).close()).as(bad)
          .hasRootCauseInstanceOf(ConfigException.class).rootCause().hasMessageContaining("CORS_ALLOWED_ORIGINS");
    }
  }
}
