package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.RequestLogRow;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which attempts carry token counts in the request log (what the statistics add up). */
class RequestLogUsageTest {

  /**
   * The translated non-streaming chat path logs its attempt with the tokens Google reported (the
   * fake answers 3 + 4); a native call and a broken answer log theirs without; each exactly once.
   */
  @Test
  void translatedChatCallsAreLoggedWithTheirTokensOthersWithout() throws InterruptedException {
    try (GatewayHarness h = GatewayHarness.start()) {
      Instant since = Instant.now().minusSeconds(5);
      String chat = "{\"model\":\"gemini-2.5-flash-lite\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      assertThat(h.post("/v1/chat/completions", chat, "authorization", "Bearer " + GatewayHarness.CLIENT_TOKEN,
          "content-type", "application/json").statusCode()).isEqualTo(200);
      assertThat(h.post("/v1beta/models/gemini-2.5-flash-lite:generateContent", "{\"contents\":[]}",
          "x-goog-api-key", GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
      h.fake.on(r -> true, Replies.json(200, "not json"));
      assertThat(h.post("/v1/chat/completions", chat, "authorization", "Bearer " + GatewayHarness.CLIENT_TOKEN,
          "content-type", "application/json").statusCode()).isEqualTo(502);
      var log = h.gateway.persistence().storage().requestLogs();
      List<RequestLogRow> lite = List.of();
      for (int i = 0; i < 100 && lite.size() < 3; i++) {
        Thread.sleep(50);
        lite = log.recent(since, Instant.now().plusSeconds(60), null, 100).join().stream()
            .filter(row -> "gemini-2.5-flash-lite".equals(row.model())).toList();
      }
      assertThat(lite).hasSize(3);
      var usage = h.gateway.persistence().storage().stats()
          .perModel(since, Instant.now().plusSeconds(60)).join().stream()
          .filter(m -> m.model().equals("gemini-2.5-flash-lite")).findFirst().orElseThrow();
      assertThat(usage.promptTokens()).isEqualTo(3);
      assertThat(usage.completionTokens()).isEqualTo(4);
      assertThat(usage.success()).isEqualTo(3);
    }
  }
}
