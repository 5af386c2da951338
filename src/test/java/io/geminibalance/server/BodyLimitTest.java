package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.config.ConfigException;
import io.geminibalance.testing.GatewayHarness;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MAX_REQUEST_BODY_MB: the cap on bodies read whole, stated in the 413, changeable live. */
class BodyLimitTest {
  static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";

  private static String body(int bytes) {
    String head = "{\"contents\":[{\"parts\":[{\"text\":\"";
    String tail = "\"}]}]}";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }

  private static HttpResponse<String> generate(GatewayHarness h, String body) {
    return h.post(GENERATE, body, "x-goog-api-key", CLIENT_TOKEN, "Content-Type", "application/json");
  }

  @Test
  void bodyOverTheLimitIs413StatingIt() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_REQUEST_BODY_MB", "1"))) {
      HttpResponse<String> r = generate(h, body(1024 * 1024 + 1));
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(r.body()).contains("larger than 1 MiB (MAX_REQUEST_BODY_MB)");
      assertThat(generate(h, body(1024 * 1024)).statusCode()).isEqualTo(200);
      HttpResponse<String> openAi = h.post("/v1/chat/completions", "{\"model\":\"x\",\"messages\":[{\"role\":\"user\","
          + "\"content\":\"" + "y".repeat(1024 * 1024) + "\"}]}", "Authorization", "Bearer " + CLIENT_TOKEN);
      assertThat(openAi.statusCode()).isEqualTo(413);
      assertThat(openAi.body()).contains("\"code\":\"request_too_large\"").contains("1 MiB");
    }
  }

  @Test
  void adminBodiesHaveTheSameLimit() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_REQUEST_BODY_MB", "1"))) {
      HttpResponse<String> r = h.send(h.request("/api/config", "Authorization", "Bearer " + ADMIN_TOKEN)
          .PUT(HttpRequest.BodyPublishers.ofString("{\"TEST_MODEL\":\"" + "m".repeat(1024 * 1024) + "\"}")).build());
      assertThat(r.statusCode()).isEqualTo(413);
    }
  }

  @Test
  void aSavedLimitAppliesAtOnce() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_REQUEST_BODY_MB", "1"))) {
      String twoMegabytes = body(2 * 1024 * 1024 - 10);
      assertThat(generate(h, twoMegabytes).statusCode()).isEqualTo(413);
      HttpResponse<String> saved = h.send(h.request("/api/config", "Authorization", "Bearer " + ADMIN_TOKEN)
          .PUT(HttpRequest.BodyPublishers.ofString("{\"MAX_REQUEST_BODY_MB\":\"3\"}")).build());
      assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
      assertThat(generate(h, twoMegabytes).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void badLimitStopsStartUp() {
    for (String bad : new String[] {"0", "-1", "2048", "lots"}) {
      assertThatThrownBy(() -> GatewayHarness.start(Map.of("MAX_REQUEST_BODY_MB", bad)).close()).as(bad)
          .hasRootCauseInstanceOf(ConfigException.class).rootCause().hasMessageContaining("MAX_REQUEST_BODY_MB");
    }
  }
}
