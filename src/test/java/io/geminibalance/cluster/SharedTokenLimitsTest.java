package io.geminibalance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.TokenLimits;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ManagedTokens;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two gateways on one Redis (REDIS_URL) keep one managed token's limit together, end to end. */
class SharedTokenLimitsTest {
  private static final String PATH = "/v1beta/models/gemini-2.5-flash:generateContent";
  private static final String BODY = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";
  private final List<GatewayHarness> gateways = new ArrayList<>();

  @AfterEach
  void stop() {
    gateways.forEach(GatewayHarness::close);
  }

  @Test
  void aTokensRequestsPerMinuteAreOneLimitForAllInstances() {
    Map<String, String> env = Map.of("REDIS_URL", "redis://127.0.0.1:6379",
        "REDIS_KEY_PREFIX", "gbtest:" + UUID.randomUUID() + ":");
    String value = "sk-gb-SharedManagedTokenForTests0001";
    String id = "t-shared-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      GatewayHarness h = GatewayHarness.start(env);
      gateways.add(h);
      // Each instance's own database here: the same token id, hashed with each one's secret.
      ManagedTokens.use(h, id, "ci-bot", value, List.of(), Set.of(), new TokenLimits(3L, null, null, null, null));
    }
    assertThat(gateways.get(0).gateway.tokenLimiter()).isInstanceOf(RedisTokenLimiter.class);
    ManagedTokens.awayFromMinuteEnd();
    int served = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response = gateways.get(i % 2).post(PATH, BODY, "x-goog-api-key", value);
      if (response.statusCode() == 200) {
        served++;
      } else {
        refused = response;
      }
    }
    assertThat(served).as("3 in all, not 3 per instance").isEqualTo(3);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("retry-after")).isPresent();
    assertThat(refused.body()).contains("token 'ci-bot' is over its limit of 3 requests per minute")
        .doesNotContain("share while Redis is away");
  }
}
