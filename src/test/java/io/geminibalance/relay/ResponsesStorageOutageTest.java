package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.storage.StorageConfig;
import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.testing.GatewayHarness;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With the database away, {@code POST /v1/responses} still answers (only the save is lost, and
 * logged); what needs a kept response says so with a 503 in OpenAI's shape. Runs on the real
 * PostgreSQL server of the machine, which can refuse connections on demand.
 */
class ResponsesStorageOutageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUTH = "Bearer " + GatewayHarness.CLIENT_TOKEN;

  @Test
  void answersSurviveADatabaseOutage() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres();
        GatewayHarness h = GatewayHarness.start(Map.of("DATABASE_URL", urlWithUser(db.config())))) {
      JsonNode kept = JSON.readTree(create(h, "").body());
      String id = kept.path("id").asText();
      assertThat(h.get("/v1/responses/" + id, "authorization", AUTH).statusCode()).isEqualTo(200);

      db.refuseConnections(true);
      try {
        HttpResponse<String> answered = create(h, "");
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(JSON.readTree(answered.body()).path("output").get(0).path("content").get(0).path("text")
            .asText()).isEqualTo("Hello from fake");

        HttpResponse<String> continued = create(h, ",\"previous_response_id\":\"" + id + "\"");
        assertThat(continued.statusCode()).as(continued.body()).isEqualTo(503);
        assertThat(JSON.readTree(continued.body()).path("error").path("code").asText())
            .isEqualTo("storage_unavailable");
      } finally {
        db.refuseConnections(false);
      }
      // The pool reconnects on its own, but its connection creator backs off while the database
      // refuses (up to a few seconds), so the first request after the outage may still get a 503:
      // the store must come back shortly, not on the very next request.
      HttpResponse<String> after = create(h, ",\"previous_response_id\":\"" + id + "\"");
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (after.statusCode() == 503 && System.nanoTime() < giveUp) {
        Thread.sleep(250);
        after = create(h, ",\"previous_response_id\":\"" + id + "\"");
      }
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> create(GatewayHarness h, String extra) {
    return h.post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\"" + extra + "}",
        "authorization", AUTH, "content-type", "application/json");
  }

  private static String urlWithUser(StorageConfig config) {
    String url = config.jdbcUrl();
    if (config.user() == null || url.contains("user=")) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + "user=" + config.user()
        + (config.password() == null || config.password().isEmpty() ? "" : "&password=" + config.password());
  }
}
