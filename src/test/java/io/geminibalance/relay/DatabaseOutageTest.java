package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.ErrorLogQuery;
import io.geminibalance.storage.ErrorLogRow;
import io.geminibalance.storage.StorageConfig;
import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under load: the data plane keeps serving at full speed, log rows wait up
 * to the queue bound and are then counted as dropped (visible in /health), and writing resumes
 * when the database returns. Runs on the real PostgreSQL server of the machine.
 */
class DatabaseOutageTest {

  @Test
  void requestsKeepSucceedingWhileTheDatabaseIsAwayAndLoggingResumes() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres()) {
      StorageConfig config = db.config();
      try (GatewayHarness h = GatewayHarness.start(Map.of("DATABASE_URL", urlWithUser(config),
          "LOG_QUEUE_SIZE", "20"))) {
        send(h, 5);
        awaitRows(h, 5);
        db.refuseConnections(true);
        try {
          long started = System.nanoTime();
          send(h, 60);
          long millis = (System.nanoTime() - started) / 1_000_000;
          JsonObject health = new JsonObject(h.get("/health").body());
          long dropped = health.getJsonObject("logs").getLong("droppedRequestLogs");
          System.out.printf("outage: 60 requests served in %d ms, %d log rows dropped%n", millis, dropped);
          assertThat(dropped).isGreaterThanOrEqualTo(60 - 20);
        } finally {
          db.refuseConnections(false);
        }
        // The rows that waited in the queue are written once the database is back...
        awaitRows(h, 5 + 20);
        // ...and new rows flow again.
        send(h, 3);
        awaitRows(h, 5 + 20 + 3);
      }
    }
  }

  @Test
  void errorRowsWaitingForTheDatabaseHoldAtMostErrorLogQueueMbOfBodies() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres()) {
      // 64 KiB bodies are 128 KiB of heap each: 1 MiB holds 7 of them whole (with their messages).
      try (GatewayHarness h = GatewayHarness.start(Map.of("DATABASE_URL", urlWithUser(db.config()),
          "ERROR_LOG_RECORD_REQUEST_BODY", "true", "ERROR_LOG_REQUEST_BODY_MAX_KB", "64",
          "ERROR_LOG_QUEUE_MB", "1"))) {
        h.fake.on(r -> r.path().endsWith(":generateContent"),
            Replies.googleError(400, "INVALID_ARGUMENT", "Request contains an invalid argument."));
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"" + "lorem ipsum ".repeat(6_000) + "\"}]}]}";
        db.refuseConnections(true);
        try {
          for (int i = 0; i < 20; i++) {
            assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent", body, "x-goog-api-key",
                CLIENT_TOKEN).statusCode()).isEqualTo(400);
          }
          JsonObject logs = new JsonObject(h.get("/health").body()).getJsonObject("logs");
          assertThat(logs.getLong("droppedErrorLogs")).isZero();
          assertThat(logs.getLong("droppedErrorLogBodies")).isEqualTo(20 - 7);
        } finally {
          db.refuseConnections(false);
        }
        List<ErrorLogRow> rows = awaitErrorRows(h, 20);
        assertThat(rows).allSatisfy(row -> {
          assertThat(row.statusCode()).isEqualTo(400);
          assertThat(row.model()).isEqualTo("gemini-2.5-flash");
          assertThat(row.message()).contains("Request contains an invalid argument.");
        });
        assertThat(rows).filteredOn(row -> row.requestBody().contains("\"truncated\"")).hasSize(7);
        assertThat(rows).filteredOn(row -> row.requestBody().startsWith("{\"dropped\":")).hasSize(13)
            .allSatisfy(row -> assertThat(row.requestBody()).contains("ERROR_LOG_QUEUE_MB"));
      }
    }
  }

  private static List<ErrorLogRow> awaitErrorRows(GatewayHarness h, int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    List<ErrorLogRow> rows = List.of();
    while (System.currentTimeMillis() < deadline) {
      rows = h.gateway.persistence().storage().errorLogs().search(ErrorLogQuery.firstPage(100))
          .handle((page, err) -> err == null ? page.rows() : List.<ErrorLogRow>of()).join();
      if (rows.size() >= count) {
        return rows;
      }
      Thread.sleep(200);
    }
    assertThat(rows).as("error-log rows written").hasSize(count);
    return rows;
  }

  private static void send(GatewayHarness h, int n) {
    for (int i = 0; i < n; i++) {
      assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN)
          .statusCode()).isEqualTo(200);
    }
  }

  private static void awaitRows(GatewayHarness h, int atLeast) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    int rows = 0;
    while (System.currentTimeMillis() < deadline) {
      rows = h.gateway.persistence().storage().requestLogs()
          .recent(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(60), null, 1000)
          .handle((list, err) -> err == null ? list.size() : -1).join();
      if (rows >= atLeast) {
        return;
      }
      Thread.sleep(200);
    }
    assertThat(rows).as("request-log rows written").isGreaterThanOrEqualTo(atLeast);
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
