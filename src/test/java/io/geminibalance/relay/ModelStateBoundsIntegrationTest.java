package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Made-up model names cost nothing that lasts: no lane, no quota cells, no stored rows, no line
 * in the public /health, while models Google lists keep their quota scheduling.
 */
class ModelStateBoundsIntegrationTest {
  private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

  @Test
  void threeHundredUnknownModelsAnswered404LeaveNoLaneNoRowAndTheSameHealth() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of("DEFAULT_RPM", "0", "DEFAULT_RPD", "1000"), db)) {
      h.fake.on(r -> r.path().contains("/zz-random-"),
          Replies.googleError(404, "NOT_FOUND", "models/zz-random is not found for API version v1beta"));
      String healthBefore = h.get("/health").body();
      for (int i = 1; i <= 300; i++) {
        assertThat(h.post("/v1beta/models/zz-random-" + i + ":generateContent", "{}", "x-goog-api-key",
            CLIENT_TOKEN).statusCode()).isEqualTo(404);
      }
      assertThat(h.fake.requests(":generateContent")).hasSize(300); // Google decided, with a pool key
      assertThat(h.post(FLASH, "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);

      assertThat(h.get("/health").body()).isEqualTo(healthBefore);
      assertThat(h.gateway.pool().models()).contains("gemini-2.5-flash").noneMatch(m -> m.startsWith("zz-"));
      assertThat(h.gateway.pool().quotaSnapshot().keys()).noneMatch(row -> row.model().startsWith("zz-"));
      String pool = h.get("/api/pool", "authorization", "Bearer " + ADMIN_TOKEN).body();
      assertThat(pool).doesNotContain("zz-random").contains(QuotaKeyPool.UNLISTED);
    }
    // Written at close: one row, for the key that served the listed model (today's use of 1000).
    assertThat(modelRows(db)).containsExactly("gemini-2.5-flash");
  }

  @Test
  void googles404sUseUpNothingOfTheLaneUnlistedModelsShare() {
    // 3 keys at 5 RPM and 100 RPD: the shared lane takes 15 requests a minute and 300 a day.
    try (GatewayHarness h = GatewayHarness.start(Map.of("DEFAULT_RPM", "5", "DEFAULT_RPD", "100",
        "QUEUE_TIMEOUT_SECONDS", "0"))) {
      h.fake.on(r -> r.path().contains("/zz-made-up-"),
          Replies.googleError(404, "NOT_FOUND", "models/zz-made-up is not found for API version v1beta"));
      for (int i = 1; i <= 20; i++) {
        assertThat(h.post("/v1beta/models/zz-made-up-" + i + ":generateContent", "{}", "x-goog-api-key",
            CLIENT_TOKEN).statusCode()).as("request %d", i).isEqualTo(404);
      }
      String pool = h.get("/api/pool", "authorization", "Bearer " + ADMIN_TOKEN).body();
      assertThat(pool).contains("\"model\":\"" + QuotaKeyPool.UNLISTED + "\",\"keys\":3,\"usable\":3,"
          + "\"cooling\":0,\"parked\":0,\"disabled\":0,\"rpmCapacity\":15,\"rpdCapacity\":300,"
          + "\"remainingToday\":300");
      // An unlisted model Google serves is counted (and gets its own lane).
      assertThat(h.post("/v1beta/models/gemini-unlisted-preview:generateContent", "{}", "x-goog-api-key",
          CLIENT_TOKEN).statusCode()).isEqualTo(200);
      assertThat(h.get("/api/pool", "authorization", "Bearer " + ADMIN_TOKEN).body())
          .contains("\"model\":\"" + QuotaKeyPool.UNLISTED + "\",\"keys\":3,\"usable\":3,")
          .contains("\"remainingToday\":299");
    }
  }

  @Test
  void beyondMaxModelsRequestsAreStillServedWithoutQuotaStateOfTheirOwn() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_MODELS", "1", "DEFAULT_RPM", "1",
        "DEFAULT_RPD", "0"))) {
      assertThat(h.post(FLASH, "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
      // Three keys at 1 RPM would refuse the fourth request if it were counted.
      for (int i = 0; i < 5; i++) {
        assertThat(h.post("/v1beta/models/gemini-2.5-pro:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN)
            .statusCode()).isEqualTo(200);
      }
      assertThat(h.gateway.pool().models()).contains("gemini-2.5-flash").doesNotContain("gemini-2.5-pro");
      String pool = h.get("/api/pool", "authorization", "Bearer " + ADMIN_TOKEN).body();
      assertThat(pool).contains(QuotaKeyPool.OVERFLOW);
    }
  }

  @Test
  void healthShowsCountsOnlyAndThePoolEndpointShowsModelsAndCapacity() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("DEFAULT_RPM", "5", "DEFAULT_RPD", "100",
        "MODEL_RATE_LIMITS", "{\"gemini-2.5-pro\": [2, 50]}"))) {
      h.post("/v1beta/models/gemini-2.5-pro-search:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
      h.post(FLASH, "{}", "x-goog-api-key", CLIENT_TOKEN);
      String health = h.get("/health").body();
      assertThat(health).doesNotContain("gemini").doesNotContain("capacity").doesNotContain("rpm")
          .contains("\"status\":\"healthy\"").contains("\"total\":3").contains("\"usable\":3")
          .contains("\"disabled\":0").contains("\"droppedRequestLogs\":0");
      String pool = h.get("/api/pool", "authorization", "Bearer " + ADMIN_TOKEN).body();
      assertThat(pool).contains("\"gemini-2.5-pro\":{\"keys\":3,\"rpm\":6,\"rpd\":150}")
          .contains("\"default\":{\"keys\":3,\"rpm\":15,\"rpd\":300}")
          .contains("\"model\":\"gemini-2.5-flash\"");
      assertThat(h.get("/api/pool").statusCode()).isEqualTo(401);
    }
  }

  private static List<String> modelRows(String sqliteFile) throws Exception {
    List<String> models = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT model FROM gb_key_model_state")) {
      while (rows.next()) {
        models.add(rows.getString(1));
      }
    }
    return models;
  }
}
