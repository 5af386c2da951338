package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.storage.ErrorLogQuery;
import io.geminibalance.storage.ErrorLogRow;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ERROR_LOG_RECORD_REQUEST_BODY keeps at most ERROR_LOG_REQUEST_BODY_MAX_KB of each body, and says so. */
class ErrorLogRequestBodyTest {

  @Test
  void aFiveMegabyteBodyInAnErrorRowIsTruncatedAndMarked() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("ERROR_LOG_RECORD_REQUEST_BODY", "true"))) {
      h.fake.on(r -> r.path().endsWith(":generateContent"),
          Replies.googleError(400, "INVALID_ARGUMENT", "Request contains an invalid argument."));
      String body = "{\"contents\":[{\"parts\":[{\"text\":\"" + "lorem ipsum ".repeat(440_000) + "\"}]}]}";
      int length = body.getBytes(StandardCharsets.UTF_8).length;
      assertThat(length).isGreaterThan(5_000_000);
      assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent", body, "x-goog-api-key", CLIENT_TOKEN)
          .statusCode()).isEqualTo(400);

      ErrorLogRow row = awaitErrorRow(h);
      assertThat(row.requestBody().length()).isLessThan(17 * 1024);
      JsonNode stored = new ObjectMapper().readTree(row.requestBody());
      assertThat(stored.path("truncated").path("totalBytes").asLong()).isEqualTo(length);
      assertThat(stored.path("truncated").path("keptBytes").asInt()).isBetween(16 * 1024 - 16, 16 * 1024);
      assertThat(body).startsWith(stored.path("head").asText());
    }
  }

  @Test
  void theCapIsASetting() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("ERROR_LOG_RECORD_REQUEST_BODY", "true",
        "ERROR_LOG_REQUEST_BODY_MAX_KB", "1"))) {
      h.fake.on(r -> true, Replies.googleError(400, "INVALID_ARGUMENT", "bad"));
      h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{\"a\":\"" + "b".repeat(5_000) + "\"}",
          "x-goog-api-key", CLIENT_TOKEN);
      JsonNode stored = new ObjectMapper().readTree(awaitErrorRow(h).requestBody());
      assertThat(stored.path("truncated").path("totalBytes").asInt()).isEqualTo(5_008);
      assertThat(stored.path("truncated").path("keptBytes").asInt()).isBetween(1, 1024);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayHarness.start(
        Map.of("ERROR_LOG_REQUEST_BODY_MAX_KB", "0"))).hasMessageContaining("ERROR_LOG_REQUEST_BODY_MAX_KB");
  }

  @Test
  void theQueueBudgetIsValidated() {
    for (String bad : new String[] {"0", "4097", "much"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayHarness.start(
          Map.of("ERROR_LOG_QUEUE_MB", bad))).hasMessageContaining("ERROR_LOG_QUEUE_MB");
    }
  }

  /** The newest error-log row, once written (the writers batch asynchronously). */
  static ErrorLogRow awaitErrorRow(GatewayHarness h) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      List<ErrorLogRow> rows = h.gateway.persistence().storage().errorLogs()
          .search(ErrorLogQuery.firstPage(10)).join().rows();
      if (!rows.isEmpty()) {
        return rows.get(0);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no error row within 10 s");
  }
}
