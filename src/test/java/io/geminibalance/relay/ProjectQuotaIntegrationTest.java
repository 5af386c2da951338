package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static io.geminibalance.testing.GatewayHarness.KEY_A;
import static io.geminibalance.testing.GatewayHarness.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.UpstreamQuota;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keys of one project against a fake Google that counts per project, as Google does: grouped by
 * KEY_PROJECTS, or learned from the consumer Google names in a 429, they share one quota.
 */
class ProjectQuotaIntegrationTest {
  private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  private static final int RPM = 4;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static int served(GatewayHarness h, int requests) {
    int served = 0;
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> response = h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN);
      served += response.statusCode() == 200 ? 1 : 0;
    }
    return served;
  }

  private static JsonNode pool(GatewayHarness h) throws Exception {
    return JSON.readTree(h.get("/api/pool", "authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN).body());
  }

  /** Keys /api/pool shows in {@code project} for the model of these tests. */
  private static long keysIn(JsonNode pool, String project) {
    long count = 0;
    for (JsonNode row : pool.path("keys")) {
      count += row.path("model").asText().equals("gemini-2.5-flash")
          && project.equals(row.path("project").asText(null)) ? 1 : 0;
    }
    return count;
  }

  @Test
  void configuredProjectKeysShareOneQuotaWithoutAnUpstream429() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("DEFAULT_RPM", String.valueOf(RPM), "DEFAULT_RPD", "0",
        "QUEUE_TIMEOUT_SECONDS", "0", "KEY_PROJECTS", "{\"team-a\": [\"" + KEY_A + "\", \"" + KEY_B.substring(5) + "\"]}"))) {
      UpstreamQuota google = new UpstreamQuota(RPM, 60_000).project("77", KEY_A, KEY_B).install(h.fake);
      int served = served(h, 4 * RPM);
      System.out.printf("configured project: served %d (capacity %d), upstream 429s %s%n", served, 2 * RPM,
          google.rejectedPerBucket());
      assertThat(served).as("the project's 4 and key C's 4").isEqualTo(2 * RPM);
      assertThat(google.rejectedTotal()).isZero();
      JsonNode pool = pool(h);
      assertThat(keysIn(pool, "team-a")).isEqualTo(2);
      assertThat(pool.toString()).doesNotContain(KEY_A).doesNotContain(KEY_B);
    }
  }

  @Test
  void aProjectNamedByGoogleIsLearnedWithOne429PerKey() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("DEFAULT_RPM", String.valueOf(RPM), "DEFAULT_RPD", "0",
        "QUEUE_TIMEOUT_SECONDS", "0"))) {
      UpstreamQuota google = new UpstreamQuota(RPM, 60_000).project("123456789012", KEY_A, KEY_B).install(h.fake);
      int served = served(h, 6 * RPM);
      System.out.printf("learned project: served %d (capacity %d), upstream 429s %s%n", served, 2 * RPM,
          google.rejectedPerBucket());
      assertThat(served).isEqualTo(2 * RPM);
      // Google names a key's project only in an answer to that key: one 429 per key of the project.
      assertThat(google.rejectedPerBucket()).hasSize(2).allSatisfy((bucket, n) -> assertThat(n).isEqualTo(1));
      assertThat(keysIn(pool(h), "projects/123456789012")).isEqualTo(2);
    }
  }

  @Test
  void aBadKeyProjectsIsRefusedNamingItWithoutEchoingAKey() {
    try (GatewayHarness h = GatewayHarness.start()) {
      HttpResponse<String> bad = h.putConfig("{\"KEY_PROJECTS\": {\"a\": [\"" + KEY_A + "\"], \"b\": [\"" + KEY_A + "\"]}}");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("KEY_PROJECTS").doesNotContain(KEY_A);
      HttpResponse<String> notJson = h.putConfig("{\"KEY_PROJECTS\": \"" + KEY_A + "\"}");
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(notJson.body()).contains("KEY_PROJECTS").doesNotContain(KEY_A);
      HttpResponse<String> badRpm = h.putConfig("{\"DEFAULT_RPM\": \"fast\"}");
      assertThat(badRpm.statusCode()).isEqualTo(400);
      assertThat(badRpm.body()).contains("DEFAULT_RPM");
      assertThat(h.putConfig("{\"DEFAULT_RPM\": \"auto\", \"KEY_PROJECTS\": {\"a\": [\"" + KEY_A + "\"]}}")
          .statusCode()).isEqualTo(200);
      assertThat(h.get("/api/config", "authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN).body())
          .doesNotContain(KEY_A);
    }
  }
}
