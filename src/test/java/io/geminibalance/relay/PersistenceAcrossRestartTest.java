package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static io.geminibalance.testing.GatewayHarness.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.RequestLogRow;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the gateway learned must survive a restart, and every attempt must reach the request log. */
class PersistenceAcrossRestartTest {

  @Test
  void disabledKeyStaysDisabledAndAttemptsAreLoggedAcrossARestart() {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness first = GatewayHarness.start(Map.of(), db)) {
      first.fake.on(r -> KEY_A.equals(r.key()), Replies.invalidKey());
      for (int i = 0; i < 3; i++) {
        assertThat(first.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key",
            CLIENT_TOKEN).statusCode()).isEqualTo(200);
      }
      assertThat(first.get("/health").body()).contains("\"disabled\":1");
    }
    try (GatewayHarness second = GatewayHarness.start(Map.of(), db)) {
      assertThat(second.get("/health").body()).contains("\"disabled\":1");
      for (int i = 0; i < 4; i++) {
        second.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
      }
      assertThat(second.fake.requests()).extracting(Recorded::key).doesNotContain(KEY_A);
      List<RequestLogRow> rows = second.gateway.persistence().storage().requestLogs()
          .recent(Instant.now().minusSeconds(600), Instant.now().plusSeconds(60), null, 100).join();
      // 3 successes + 1 failed attempt on the dead key, written by the first run before it closed.
      assertThat(rows).hasSizeGreaterThanOrEqualTo(4);
      assertThat(rows.toString()).doesNotContain(KEY_A).doesNotContain(CLIENT_TOKEN);
    }
  }

  @Test
  void keysFromApiKeysAreMergedIntoTheStoredSet() {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness first = GatewayHarness.start(Map.of("API_KEYS", "k-one-0001,k-two-0002"), db)) {
      assertThat(first.get("/health").body()).contains("\"total\":2");
    }
    try (GatewayHarness second = GatewayHarness.start(Map.of("API_KEYS", "k-two-0002,k-three-0003"), db)) {
      assertThat(second.get("/health").body()).contains("\"total\":3");
    }
  }
}
