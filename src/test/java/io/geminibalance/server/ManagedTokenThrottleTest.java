package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.TokenLimits;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ManagedTokens;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An unknown {@code sk-gb-} value (the admin token has that prefix too) counts as a failed
 * authentication like any other credential, while a managed token, checked before the throttle,
 * keeps working from a throttled address.
 */
class ManagedTokenThrottleTest {
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("ADMIN_AUTH_FAILURES_PER_MINUTE", "3"));
  private static final String PATH = "/v1beta/models/gemini-2.5-flash:generateContent";
  private static final String BODY = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";

  @Test
  void unknownManagedValuesAreThrottledAndKnownOnesStillWork() {
    String value = "sk-gb-ThrottleManagedTokenValue0001";
    ManagedTokens.use(h, "t-thr", "ci-bot", value, List.of(), Set.of(), TokenLimits.NONE);
    for (int i = 0; i < 3; i++) {
      assertThat(h.post(PATH, BODY, "x-goog-api-key", "sk-gb-Guess" + i).statusCode()).isEqualTo(401);
    }
    var throttled = h.post(PATH, BODY, "x-goog-api-key", "sk-gb-Guess9");
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.body()).contains("Too many failed authentications");
    assertThat(h.post(PATH, BODY, "x-goog-api-key", GatewayHarness.ADMIN_TOKEN).statusCode()).isEqualTo(429);
    assertThat(h.post(PATH, BODY, "x-goog-api-key", value).statusCode()).isEqualTo(200);
    assertThat(h.post(PATH, BODY, "x-goog-api-key", GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
  }
}
