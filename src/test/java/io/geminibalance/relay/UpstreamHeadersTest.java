package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamHeadersTest {

  @Test
  void customHeadersAreAddedAndHopByHopAndCredentialHeadersDropped() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CUSTOM_HEADERS", "{\"X-Team\":\"ml\",\"X-Route\":\"eu\"}"))) {
      h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN,
          "x-goog-api-client", "genai-test/1.0", "cookie", "session=secret", "proxy-authorization", "Basic eDp5",
          "keep-alive", "timeout=5", "accept-encoding", "gzip");
      Recorded upstream = h.fake.requests().get(0);
      assertThat(upstream.headers().get("X-Team")).isEqualTo("ml");
      assertThat(upstream.headers().get("X-Route")).isEqualTo("eu");
      assertThat(upstream.headers().get("x-goog-api-client")).isEqualTo("genai-test/1.0");
      assertThat(upstream.headers().contains("cookie")).isFalse();
      assertThat(upstream.headers().contains("proxy-authorization")).isFalse();
      assertThat(upstream.headers().contains("keep-alive")).isFalse();
      assertThat(upstream.headers().contains("accept-encoding")).isFalse();
      assertThat(upstream.headers().get("x-goog-api-key")).isEqualTo(GatewayHarness.KEY_A);
    }
  }

  /**
   * CUSTOM_HEADERS may not name the upstream host, an expectation or how the bodies are encoded:
   * refused on PUT (400 naming the setting, nothing saved), and the upstream keeps receiving the
   * Host of BASE_URL. Before, {@code {"Host":"evil.example"}} was saved and sent on every call.
   */
  @Test
  void customHeadersCannotSetHostExpectOrBodyEncoding() {
    try (GatewayHarness h = GatewayHarness.start()) {
      for (String name : new String[] {"Host", "host", "Expect", "Content-Type", "Content-Encoding", "Accept-Encoding"}) {
        HttpResponse<String> r = h.send(h.request("/api/config", "authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN,
                "content-type", "application/json")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"CUSTOM_HEADERS\":{\"" + name + "\":\"evil.example\"}}")).build());
        assertThat(r.statusCode()).as(name).isEqualTo(400);
        assertThat(r.body()).as(name).contains("CUSTOM_HEADERS").contains("'" + name + "' is set by the gateway itself");
      }
      h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
      Recorded upstream = h.fake.requests().get(0);
      String baseHost = java.net.URI.create(h.fake.baseUrl()).getAuthority();
      assertThat(upstream.headers().get("host")).isEqualTo(baseHost);
      assertThat(upstream.headers().contains("expect")).isFalse();
      assertThat(upstream.headers().get("content-type")).isEqualTo("application/json");
    }
  }

  @Test
  void onlyAllowListedRequestHeadersReachGoogle() {
    try (GatewayHarness h = GatewayHarness.start()) {
      String[] sent = {"x-goog-api-key", CLIENT_TOKEN, "content-type", "application/json", "accept", "*/*",
          "user-agent", "google-genai-sdk/1.0 gl-java/21", "x-goog-api-client", "google-genai-sdk/1.0",
          "x-server-timeout", "30", "x-goog-fieldmask", "candidates",
          "x-goog-user-project", "someone-elses-project", "x-forwarded-for", "203.0.113.7",
          "forwarded", "for=203.0.113.7", "x-real-ip", "203.0.113.7", "via", "1.1 proxy", "origin", "https://evil.example",
          "referer", "https://evil.example/page", "cookie", "session=abc", "x-http-method-override", "DELETE",
          "x-stainless-os", "Linux", "openai-organization", "org-1", "traceparent", "00-abc-def-01",
          "x-unknown-header", "anything"};
      h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", sent);
      h.get("/openai/v1/models", "authorization", "Bearer " + CLIENT_TOKEN, "x-goog-user-project", "p",
          "x-forwarded-for", "203.0.113.7", "user-agent", "OpenAI/Java 4");
      Recorded nativeCall = h.fake.requests().get(0);
      assertThat(nativeCall.headers().get("content-type")).isEqualTo("application/json");
      assertThat(nativeCall.headers().get("accept")).isEqualTo("*/*");
      assertThat(nativeCall.headers().get("user-agent")).isEqualTo("google-genai-sdk/1.0 gl-java/21");
      assertThat(nativeCall.headers().get("x-goog-api-client")).isEqualTo("google-genai-sdk/1.0");
      assertThat(nativeCall.headers().get("x-server-timeout")).isEqualTo("30");
      assertThat(nativeCall.headers().get("x-goog-fieldmask")).isEqualTo("candidates");
      for (Recorded upstream : h.fake.requests()) {
        for (String dropped : new String[] {"x-goog-user-project", "x-forwarded-for", "forwarded", "x-real-ip", "via",
            "origin", "referer", "cookie", "x-http-method-override", "x-stainless-os", "openai-organization",
            "traceparent", "x-unknown-header"}) {
          assertThat(upstream.headers().contains(dropped)).as(dropped).isFalse();
        }
        assertThat(upstream.headers().toString()).doesNotContain(CLIENT_TOKEN);
      }
      assertThat(h.fake.requests().get(1).headers().get("authorization")).startsWith("Bearer key-");
    }
  }

  @Test
  void onlyAllowListedResponseHeadersReachTheClient() {
    try (GatewayHarness h = GatewayHarness.start()) {
      h.fake.on(r -> true, (r, res, raw) -> res.setStatusCode(200)
          .putHeader("content-type", "application/json; charset=UTF-8")
          .putHeader("x-gemini-service-tier", "standard")
          .putHeader("server-timing", "gfet4t7; dur=12")
          .putHeader("x-goog-upload-url", "https://upload.example/upload?upload_id=1&key=" + r.key())
          .putHeader("x-goog-upload-control-url", "https://upload.example/c?key=" + r.key())
          .putHeader("location", "https://upload.example/?key=" + r.key())
          .putHeader("link", "<https://upload.example/?key=" + r.key() + ">; rel=next")
          .putHeader("x-goog-new-header", r.key())
          .putHeader("set-cookie", "NID=1")
          .putHeader("alt-svc", "h3=\":443\"")
          .putHeader("server", "ESF")
          .putHeader("vary", "Origin")
          .end(Replies.TEXT_RESPONSE));
      HttpResponse<String> nativeCall = h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}",
          "x-goog-api-key", CLIENT_TOKEN);
      HttpResponse<String> compat = h.get("/openai/v1/models", "authorization", "Bearer " + CLIENT_TOKEN);
      for (HttpResponse<String> r : java.util.List.of(nativeCall, compat)) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=UTF-8");
        assertThat(r.headers().firstValue("x-gemini-service-tier")).hasValue("standard");
        assertThat(r.headers().firstValue("server-timing")).hasValue("gfet4t7; dur=12");
        for (String dropped : new String[] {"x-goog-upload-url", "x-goog-upload-control-url", "location", "link",
            "x-goog-new-header", "set-cookie", "alt-svc", "server", "vary"}) {
          assertThat(r.headers().firstValue(dropped)).as(dropped).isEmpty();
        }
        assertThat(r.headers().map().toString()).doesNotContain(GatewayHarness.KEY_A)
            .doesNotContain(GatewayHarness.KEY_B).doesNotContain(GatewayHarness.KEY_C);
      }
    }
  }
}
