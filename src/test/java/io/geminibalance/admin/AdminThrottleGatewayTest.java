package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LogCapture;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Failed admin authentications from 127.0.0.1 against a running gateway (the clock is tested in AdminThrottleTest). */
class AdminThrottleGatewayTest {

  @Test
  void theEleventhFailureFromLoopbackGets429WithRetryAfterAndTheRightTokenIsRefusedToo() {
    try (LogCapture out = new LogCapture(); GatewayHarness h = GatewayHarness.start()) {
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
      assertThat(out.logLines()).containsOnlyOnce("WARN Admin API: too many failed authentications from 127.0.0.1;"
          + " refusing its admin requests for up to a minute (ADMIN_AUTH_FAILURES_PER_MINUTE)");
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
