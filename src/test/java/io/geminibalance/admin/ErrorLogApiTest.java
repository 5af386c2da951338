package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.requestlog.ErrorLogEntry;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.storage.ErrorLogQuery;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /api/logs/errors} and its variants, over a real gateway and its SQLite database. */
class ErrorLogApiTest {
  static final String ADMIN = "Bearer " + ADMIN_TOKEN;
  static final String SECRET = "AIzaSyErrorLogApiTestKey000000000000wXyZ";
  static final KeyIdentity KEY = KeyIdentity.ofSecret(SECRET);
  static final KeyIdentity OTHER = KeyIdentity.ofSecret("AIzaSyErrorLogApiTestKey11111111111111Ab12");
  static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  @BeforeEach
  void seed() {
    var store = h.gateway.persistence().storage().errorLogs();
    store.deleteAll().join();
    store.insert(List.of(
        entry(T0, KEY, "gemini-2.5-flash", "gemini-chat-non-stream", 429, "Resource exhausted: quota", "{\"a\":[1,2]}"),
        entry(T0.plusSeconds(60), OTHER, "gemini-2.5-pro", "openai-chat-stream", 400, "API key not valid", null),
        entry(T0.plusSeconds(120), KEY, "gemini-2.5-pro", "gemini-chat-stream", 500, "Internal error", "not json")))
        .join();
  }

  static ErrorLogEntry entry(Instant time, KeyIdentity key, String model, String type, int status, String message,
      String body) {
    return new ErrorLogEntry(time, key, model, type, status, message, body, "req-" + status);
  }

  static JsonObject getJson(String path) {
    HttpResponse<String> r = h.get(path, "authorization", ADMIN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static HttpResponse<String> delete(String path, String body) {
    HttpRequest.Builder b = h.request(path, "authorization", ADMIN, "content-type", "application/json");
    return h.send((body == null ? b.DELETE() : b.method("DELETE", HttpRequest.BodyPublishers.ofString(body))).build());
  }

  static List<Integer> codes(JsonObject page) {
    return page.getJsonArray("logs").stream().map(o -> ((JsonObject) o).getInteger("error_code")).toList();
  }

  @Test
  void onlyTheAdminMayReadOrDelete() {
    assertThat(h.get("/api/logs/errors").statusCode()).isEqualTo(401);
    assertThat(h.get("/api/logs/errors", "authorization", "Bearer " + CLIENT_TOKEN).statusCode()).isEqualTo(401);
    assertThat(h.send(h.request("/api/logs/errors/all").DELETE().build()).statusCode()).isEqualTo(401);
    assertThat(h.gateway.persistence().storage().errorLogs().search(ErrorLogQuery.firstPage(10)).join().total())
        .isEqualTo(3);
  }

  @Test
  void listsNewestFirstWithMaskedKeysAndTheOriginalsFieldNames() {
    JsonObject page = getJson("/api/logs/errors");
    assertThat(page.getLong("total")).isEqualTo(3);
    assertThat(codes(page)).containsExactly(500, 400, 429);
    JsonObject first = page.getJsonArray("logs").getJsonObject(0);
    assertThat(first.fieldNames()).contains("id", "gemini_key", "error_type", "error_code", "model_name",
        "request_time");
    assertThat(first.getString("gemini_key")).isEqualTo("...wXyZ");
    assertThat(first.getString("request_time")).isEqualTo("2026-12-01T08:02:00Z");
    assertThat(page.encode()).doesNotContain(SECRET);
  }

  @Test
  void filtersByKeyTextWholeKeyErrorTextCodeAndDates() {
    assertThat(codes(getJson("/api/logs/errors?key_search=wxyz"))).containsExactly(500, 429);
    assertThat(codes(getJson("/api/logs/errors?key_search=AIza...Ab12"))).containsExactly(400);
    assertThat(codes(getJson("/api/logs/errors?key_search=" + SECRET))).containsExactly(500, 429);
    assertThat(codes(getJson("/api/logs/errors?error_search=QUOTA"))).containsExactly(429);
    assertThat(codes(getJson("/api/logs/errors?error_search=openai-chat"))).containsExactly(400);
    assertThat(codes(getJson("/api/logs/errors?error_code_search=500"))).containsExactly(500);
    assertThat(codes(getJson("/api/logs/errors?start_date=2026-12-01T08:01:00Z&end_date=2026-12-01T08:02:00Z")))
        .containsExactly(400);
    assertThat(codes(getJson("/api/logs/errors?sort_by=request_time&sort_order=asc&limit=2")))
        .containsExactly(429, 400);
    JsonObject second = getJson("/api/logs/errors?limit=2&offset=2");
    assertThat(codes(second)).containsExactly(429);
    assertThat(second.getLong("total")).isEqualTo(3);
  }

  @Test
  void badParametersAre400NamingTheParameter() {
    for (String[] c : new String[][] {{"limit=0", "limit"}, {"limit=1001", "limit"}, {"limit=x", "limit"},
        {"offset=-1", "offset"}, {"start_date=yesterday", "start_date"}, {"end_date=2026-13-01", "end_date"},
        {"sort_by=model", "sort_by"}, {"sort_order=up", "sort_order"}, {"error_code_search=abc", "error_code_search"},
        {"start_date=2026-12-02&end_date=2026-12-01", "end_date"}, {"key_search=" + "k".repeat(201), "key_search"}}) {
      HttpResponse<String> r = h.get("/api/logs/errors?" + c[0], "authorization", ADMIN);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      JsonObject error = new JsonObject(r.body()).getJsonObject("error");
      assertThat(error.getString("param")).as(c[0]).isEqualTo(c[1]);
      assertThat(error.getString("message")).as(c[0]).startsWith(c[1]);
    }
  }

  /**
   * A row gemini-balance wrote (read in place; rewritten only with ENCRYPTION_KEY set) can quote a
   * key in its error text or request: the details never show it whole.
   */
  @Test
  void detailsOfALegacyRowDoNotShowAKeyItsTextsQuote() throws Exception {
    String db = GatewayHarness.tempDatabase();
    String legacyKey = "AIzaSyLegacyRowKey0000000000000000000Qq9";
    try (GatewayHarness g = GatewayHarness.start(java.util.Map.of(), db);
        java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO t_error_logs (gemini_key, model_name,"
            + " error_type, error_log, error_code, request_msg, request_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
            java.sql.Statement.RETURN_GENERATED_KEYS)) {
      insert.setString(1, legacyKey);
      insert.setString(2, "gemini-2.0-flash");
      insert.setString(3, "gemini-chat-non-stream");
      insert.setString(4, "400 Bad Request for url https://generativelanguage.googleapis.com/v1beta/models/"
          + "gemini-2.0-flash:generateContent?key=" + legacyKey);
      insert.setInt(5, 400);
      insert.setString(6, "{\"key\":\"" + legacyKey + "\"}");
      insert.setString(7, "2026-11-30 10:00:00");
      insert.executeUpdate();
      long id;
      try (java.sql.ResultSet keys = insert.getGeneratedKeys()) {
        keys.next();
        id = keys.getLong(1);
      }
      HttpResponse<String> details = g.get("/api/logs/errors/" + id + "/details", "authorization", ADMIN);
      assertThat(details.statusCode()).as(details.body()).isEqualTo(200);
      assertThat(details.body()).doesNotContain(legacyKey).contains("400 Bad Request");
    }
  }

  @Test
  void detailsShowTheMessageAndThePrettyRequestBody() {
    long id = idOf(429);
    JsonObject details = getJson("/api/logs/errors/" + id + "/details");
    assertThat(details.getString("error_log")).isEqualTo("Resource exhausted: quota");
    assertThat(details.getString("request_msg")).contains("\n").contains("\"a\"");
    assertThat(details.getString("gemini_key")).isEqualTo("...wXyZ");
    assertThat(getJson("/api/logs/errors/" + idOf(500) + "/details").getString("request_msg")).isEqualTo("not json");
    assertThat(h.get("/api/logs/errors/999999/details", "authorization", ADMIN).statusCode()).isEqualTo(404);
    HttpResponse<String> bad = h.get("/api/logs/errors/abc/details", "authorization", ADMIN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"param\":\"id\"");
  }

  @Test
  void lookupFindsTheRowNearestInTimePreferringTheStatusOrByRequestId() {
    JsonObject near = getJson("/api/logs/errors/lookup?gemini_key=" + SECRET + "&timestamp=2026-12-01T08:01:50Z");
    assertThat(near.getInteger("error_code")).isEqualTo(500);
    JsonObject withCode = getJson("/api/logs/errors/lookup?gemini_key=" + SECRET
        + "&timestamp=2026-12-01T08:01:50Z&status_code=429&window_seconds=300");
    assertThat(withCode.getInteger("error_code")).isEqualTo(429);
    assertThat(getJson("/api/logs/errors/lookup?request_id=req-400").getInteger("error_code")).isEqualTo(400);
    assertThat(h.get("/api/logs/errors/lookup?gemini_key=" + SECRET + "&timestamp=2026-12-02T00:00:00Z",
        "authorization", ADMIN).statusCode()).isEqualTo(404);
    HttpResponse<String> missing = h.get("/api/logs/errors/lookup?gemini_key=" + SECRET, "authorization", ADMIN);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("\"param\":\"timestamp\"");
    assertThat(h.get("/api/logs/errors/lookup?request_id=r&window_seconds=301", "authorization", ADMIN)
        .statusCode()).isEqualTo(400);
  }

  @Test
  void deletesSelectedOneAndAllAndRefusesBadSelectionsChangingNothing() {
    for (String body : new String[] {"", "{}", "{\"ids\":[]}", "{\"ids\":\"1\"}", "{\"ids\":[1,\"x\"]}",
        "{\"ids\":[0]}", "{\"ids\":[1.5]}", "[1]", "{not json"}) {
      HttpResponse<String> r = delete("/api/logs/errors", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(r.body()).as(body).contains("\"param\":\"ids\"");
    }
    assertThat(getJson("/api/logs/errors").getLong("total")).isEqualTo(3);

    assertThat(delete("/api/logs/errors", "{\"ids\":[" + idOf(429) + "," + idOf(400) + ",987654]}").statusCode())
        .isEqualTo(204);
    assertThat(codes(getJson("/api/logs/errors"))).containsExactly(500);
    assertThat(delete("/api/logs/errors/987654", null).statusCode()).isEqualTo(404);
    assertThat(delete("/api/logs/errors/x", null).statusCode()).isEqualTo(400);
    assertThat(delete("/api/logs/errors/" + idOf(500), null).statusCode()).isEqualTo(204);
    seed();
    assertThat(delete("/api/logs/errors/all", null).statusCode()).isEqualTo(204);
    assertThat(getJson("/api/logs/errors").getLong("total")).isZero();
    JsonArray audit = getJson("/api/audit").getJsonArray("entries");
    assertThat(audit.stream().map(e -> ((JsonObject) e).getString("action")))
        .contains("error-logs.delete", "error-logs.delete-all");
  }

  @Test
  void aFailedUpstreamCallAppearsInTheErrorLogWithoutItsKey() throws Exception {
    h.fake.on(r -> true, Replies.googleError(500, "INTERNAL", "upstream broke"));
    h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{\"contents\":[]}", "x-goog-api-key", CLIENT_TOKEN);
    JsonObject page = null;
    for (int i = 0; i < 100; i++) {
      page = getJson("/api/logs/errors?error_search=upstream%20broke");
      if (page.getLong("total") > 0) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(page.getLong("total")).isPositive();
    JsonObject row = page.getJsonArray("logs").getJsonObject(0);
    assertThat(row.getString("model_name")).isEqualTo("gemini-2.5-flash");
    assertThat(row.getString("gemini_key")).matches("\\.\\.\\.\\w{4}");
    assertThat(page.encode()).doesNotContain(GatewayHarness.KEY_A).doesNotContain(GatewayHarness.KEY_B)
        .doesNotContain(GatewayHarness.KEY_C);
  }

  /** Rows hold the key's fingerprint and last 4 in clear, so search needs no decryption. */
  @Test
  void keySearchWorksTheSameWithEncryptionAtRest() {
    String encryptionKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    try (GatewayHarness encrypted = GatewayHarness.start(java.util.Map.of("ENCRYPTION_KEY", encryptionKey))) {
      encrypted.gateway.persistence().storage().errorLogs().insert(List.of(
          entry(T0, KEY, "gemini-2.5-flash", "gemini-chat-non-stream", 429, "quota", null),
          entry(T0, OTHER, "gemini-2.5-flash", "gemini-chat-non-stream", 400, "bad", null))).join();
      for (String search : new String[] {"wXyZ", "AIza...wXyZ", SECRET}) {
        HttpResponse<String> r = encrypted.get("/api/logs/errors?key_search=" + search, "authorization", ADMIN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(codes(new JsonObject(r.body()))).as(search).containsExactly(429);
      }
    }
  }

  private static long idOf(int code) {
    return getJson("/api/logs/errors?error_code_search=" + code).getJsonArray("logs").getJsonObject(0).getLong("id");
  }
}
