package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static io.geminibalance.testing.GatewayHarness.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.config.GatewayConfig;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveReconfigurationTest {

  @Test
  void changedSettingsApplyWithoutRestartAndKeysKeepTheirState() {
    try (GatewayHarness h = GatewayHarness.start()) {
      h.fake.on(r -> KEY_A.equals(r.key()), Replies.invalidKey(), 1);
      h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(h.get("/health").body()).contains("\"disabled\":1");

      Map<String, String> env = new HashMap<>(h.gateway.config().values().raw());
      env.put("ALLOWED_TOKENS", "[\"new-token\"]");
      env.put("API_KEYS", "[\"" + KEY_A + "\",\"key-dddd-4444\"]");
      env.put("CUSTOM_HEADERS", "{\"X-Live\":\"yes\"}");
      h.gateway.reconfigure(GatewayConfig.from(env));

      assertThat(h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode())
          .isEqualTo(401);
      h.fake.reset();
      for (int i = 0; i < 3; i++) {
        assertThat(h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", "new-token").statusCode())
            .isEqualTo(200);
      }
      // KEY_A stayed disabled across the change; only the new key serves.
      assertThat(h.fake.requests()).extracting(Recorded::key).containsOnly("key-dddd-4444");
      assertThat(h.fake.requests().get(0).headers().get("X-Live")).isEqualTo("yes");
      assertThat(h.get("/health").body()).contains("\"total\":2").contains("\"disabled\":1");
    }
  }
}
