package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
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
}
