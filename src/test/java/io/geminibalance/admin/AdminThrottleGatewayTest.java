package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Failed admin authentications from 127.0.0.1 against a running gateway (the clock is tested in AdminThrottleTest). */
class AdminThrottleGatewayTest {

  @Test
  void theEleventhFailureFromLoopbackGets429WithRetryAfterAndTheRightTokenIsRefusedToo() {
    try (CapturedOutput out = new CapturedOutput(); GatewayHarness h = GatewayHarness.start()) {
      for (int i = 0; i < 10; i++) {
        assertThat(h.get("/api/config", "authorization", "Bearer wrong-token-" + i).statusCode()).isEqualTo(401);
      }
      HttpResponse<String> eleventh = h.get("/api/config", "authorization", "Bearer wrong-token-10");
      assertThat(eleventh.statusCode()).isEqualTo(429);
      assertThat(Long.parseLong(eleventh.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
      assertThat(new JsonObject(eleventh.body()).getJsonObject("error").getInteger("code")).isEqualTo(429);

      assertThat(h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(429);
      assertThat(h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode())
          .as("the data plane is not affected").isEqualTo(200);
      assertThat(out.logLines()).containsOnlyOnce("WARN Too many failed authentications from 127.0.0.1; refusing the"
          + " admin token and unknown credentials from it for up to a minute, client tokens still work"
          + " (ADMIN_AUTH_FAILURES_PER_MINUTE)");
    }
  }

  /** The reviewer's bypass: guessing on the data plane, then using the guess on /api. */
  @Test
  void failuresOnTheDataPlaneThrottleTheAdminTokenOnBothPlanesButNotClientTokens() {
    try (GatewayHarness h = GatewayHarness.start()) {
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> failed = i % 2 == 0
            ? h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", "wrong-token-" + i)
            : h.post("/v1/chat/completions", "{}", "authorization", "Bearer wrong-token-" + i);
        assertThat(failed.statusCode()).as("failure %d", i + 1).isEqualTo(401);
      }
      HttpResponse<String> nativeAdmin = h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key",
          ADMIN_TOKEN);
      assertThat(nativeAdmin.statusCode()).as("AUTH_TOKEN on /v1beta").isEqualTo(429);
      assertThat(Long.parseLong(nativeAdmin.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
      assertThat(new JsonObject(nativeAdmin.body()).getJsonObject("error").getString("status"))
          .isEqualTo("RESOURCE_EXHAUSTED");
      assertThat(h.post("/v1/chat/completions", "{}", "authorization", "Bearer " + ADMIN_TOKEN).statusCode())
          .as("AUTH_TOKEN on /v1").isEqualTo(429);
      HttpResponse<String> admin = h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN);
      assertThat(admin.statusCode()).as("AUTH_TOKEN on /api").isEqualTo(429);
      assertThat(admin.headers().firstValue("retry-after")).isPresent();
      assertThat(h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode())
          .as("a client token from the same address").isEqualTo(200);
    }
  }

  /** Behind a trusted proxy, IPv6 clients of one /64 share a window: a host picks any address in its /64. */
  @Test
  void ipv6ClientsBehindATrustedProxyAreCountedByTheirSlash64() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("TRUSTED_PROXIES", "127.0.0.1"))) {
      for (int i = 0; i < 10; i++) {
        assertThat(h.get("/api/config", "authorization", "Bearer wrong-token-" + i,
            "x-forwarded-for", "2001:db8:1:2::" + Integer.toHexString(i + 1)).statusCode()).isEqualTo(401);
      }
      assertThat(h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN,
          "x-forwarded-for", "2001:db8:1:2:aaaa::1").statusCode()).as("another address in the /64").isEqualTo(429);
      assertThat(h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN,
          "x-forwarded-for", "2001:db8:1:3::1").statusCode()).as("another /64").isEqualTo(200);
    }
  }

  @Test
  void theLimitIsASetting() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("ADMIN_AUTH_FAILURES_PER_MINUTE", "2"))) {
      assertThat(h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN).body())
          .contains("\"name\":\"ADMIN_AUTH_FAILURES_PER_MINUTE\",\"value\":\"2\",\"source\":\"ENV\"");
      h.get("/api/config", "authorization", "Bearer wrong-1");
      h.get("/api/config", "authorization", "Bearer wrong-2");
      assertThat(h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(429);
    }
    assertThat(org.assertj.core.api.Assertions.catchThrowable(
        () -> GatewayHarness.start(Map.of("ADMIN_AUTH_FAILURES_PER_MINUTE", "0")).close()))
        .hasStackTraceContaining("ADMIN_AUTH_FAILURES_PER_MINUTE: '0'");
  }
}
