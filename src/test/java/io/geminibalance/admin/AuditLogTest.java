package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LogCapture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every admin change lands in gb_audit_log, masked, and is readable at GET /api/audit. */
class AuditLogTest {
  /** The admin token's fingerprint: an HMAC with the installation's secret, as client tokens get. */
  static String adminFingerprint(GatewayHarness h) {
    return h.gateway.persistence().storage().tokenFingerprints().of(ADMIN_TOKEN).fingerprint();
  }

  static JsonObject audit(GatewayHarness h, String query) {
    HttpResponse<String> r = h.get("/api/audit" + query, "authorization", "Bearer " + ADMIN_TOKEN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static Map<String, JsonObject> changesBySetting(JsonObject entry) {
    Map<String, JsonObject> bySetting = new java.util.LinkedHashMap<>();
    entry.getJsonArray("changes").forEach(c -> bySetting.put(((JsonObject) c).getString("setting"), (JsonObject) c));
    return bySetting;
  }

  @Test
  void aPutAndADeleteAreRecordedWithMaskedValuesTimeAddressAndTokenFingerprint() {
    try (LogCapture out = new LogCapture(); GatewayHarness h = GatewayHarness.start()) {
      String fingerprint = adminFingerprint(h);
      Instant before = Instant.now().minusSeconds(1);
      String newBaseUrl = h.fake.baseUrl().replace("127.0.0.1", "localhost");
      assertThat(AdminTokenTest.put(h, ADMIN_TOKEN, "{\"MAX_RETRIES\":1,\"BASE_URL\":\"" + newBaseUrl + "\","
          + "\"ALLOWED_TOKENS\":[\"" + CLIENT_TOKEN + "\",\"tok-added-secret-4242\"],"
          + "\"CUSTOM_HEADERS\":{\"x-secret-header\":\"header-value-secret-7777\"},"
          + "\"API_KEYS\":[\"" + GatewayHarness.KEY_A + "\",\"key-new-secret-9999\"]}").statusCode()).isEqualTo(200);
      assertThat(AdminTokenTest.delete(h, ADMIN_TOKEN, "MAX_RETRIES").statusCode()).isEqualTo(200);

      JsonObject page = audit(h, "");
      assertThat(page.getLong("total")).isEqualTo(2);
      JsonArray entries = page.getJsonArray("entries");
      JsonObject revert = entries.getJsonObject(0);
      JsonObject update = entries.getJsonObject(1);
      assertThat(revert.getLong("id")).isGreaterThan(update.getLong("id"));

      assertThat(update.getString("action")).isEqualTo("settings.update");
      assertThat(update.getString("clientAddress")).isEqualTo("127.0.0.1");
      assertThat(update.getString("adminFingerprint")).isEqualTo(fingerprint);
      assertThat(Instant.parse(update.getString("time"))).isBetween(before, Instant.now().plusSeconds(1));
      Map<String, JsonObject> changes = changesBySetting(update);
      assertThat(changes.keySet()).containsExactlyInAnyOrder("MAX_RETRIES", "BASE_URL", "ALLOWED_TOKENS",
          "CUSTOM_HEADERS", "API_KEYS");
      assertThat(changes.get("MAX_RETRIES").getString("old")).isEqualTo("3");
      assertThat(changes.get("MAX_RETRIES").getString("new")).isEqualTo("1");
      assertThat(changes.get("BASE_URL").getString("old")).isEqualTo(h.fake.baseUrl());
      assertThat(changes.get("BASE_URL").getString("new")).isEqualTo(newBaseUrl);
      assertThat(changes.get("ALLOWED_TOKENS").getString("old")).isEqualTo("1 item");
      assertThat(changes.get("ALLOWED_TOKENS").getString("new")).isEqualTo("2 items; added ...4242");
      assertThat(changes.get("CUSTOM_HEADERS").getString("old")).isEqualTo("{}");
      assertThat(changes.get("CUSTOM_HEADERS").getString("new")).isEqualTo("{x-secret-header} (values hidden)");
      assertThat(changes.get("API_KEYS").getString("old")).isEqualTo("3 items");
      assertThat(changes.get("API_KEYS").getString("new"))
          .isEqualTo("2 items; added ...9999; removed ...2222, ...3333");

      assertThat(revert.getString("action")).isEqualTo("settings.revert");
      assertThat(changesBySetting(revert).get("MAX_RETRIES").getString("old")).isEqualTo("1");
      assertThat(changesBySetting(revert).get("MAX_RETRIES").getString("new")).isEqualTo("3");

      String everything = page.encode();
      for (String secret : List.of(CLIENT_TOKEN, "tok-added-secret-4242", "header-value-secret-7777",
          GatewayHarness.KEY_A, GatewayHarness.KEY_B, "key-new-secret-9999", ADMIN_TOKEN)) {
        assertThat(everything).as("audit answer").doesNotContain(secret);
        assertThat(out.logLines()).as("log").noneMatch(line -> line.contains(secret));
      }
      assertThat(out.logLines()).contains(
          "WARN Admin change settings.update from 127.0.0.1 (admin token " + fingerprint + "): BASE_URL: "
              + h.fake.baseUrl() + " -> " + newBaseUrl,
          "WARN Admin change settings.update from 127.0.0.1 (admin token " + fingerprint
              + "): API_KEYS: 3 items -> 2 items; added ...9999; removed ...2222, ...3333",
          "WARN Admin change settings.update from 127.0.0.1 (admin token " + fingerprint
              + "): CUSTOM_HEADERS: {} -> {x-secret-header} (values hidden)");
      assertThat(out.logLines()).anyMatch(line -> line.startsWith("INFO Admin change settings.revert")
          && line.endsWith("MAX_RETRIES"));
    }
  }

  /** A PUT that sets values to what they already are (a settings page saved whole) changes nothing: no row. */
  @Test
  void onlySettingsWhoseValueChangesAreRecordedAndAPutChangingNothingWritesNoRow() {
    try (LogCapture out = new LogCapture(); GatewayHarness h = GatewayHarness.start()) {
      String unchanged = "{\"MAX_RETRIES\":3,\"BASE_URL\":\"" + h.fake.baseUrl() + "\","
          + "\"ALLOWED_TOKENS\":\"" + CLIENT_TOKEN + "\",\"AUTH_TOKEN\":\"" + ADMIN_TOKEN + "\","
          + "\"API_KEYS\":[\"" + GatewayHarness.KEY_C + "\",\"" + GatewayHarness.KEY_B + "\",\""
          + GatewayHarness.KEY_A + "\"],\"CUSTOM_HEADERS\":{}}";
      assertThat(AdminTokenTest.put(h, ADMIN_TOKEN, unchanged).statusCode()).isEqualTo(200);
      assertThat(AdminTokenTest.put(h, ADMIN_TOKEN, unchanged).statusCode()).as("saved now, the same again")
          .isEqualTo(200);
      assertThat(audit(h, "").getLong("total")).isZero();
      assertThat(out.logLines()).noneMatch(line -> line.contains("Admin change"));

      assertThat(AdminTokenTest.put(h, ADMIN_TOKEN, "{\"MAX_RETRIES\":1,\"TEST_MODEL\":\"gemini-2.5-flash-lite\","
          + "\"ALLOWED_TOKENS\":[\"" + CLIENT_TOKEN + "\"]}").statusCode()).isEqualTo(200);
      JsonObject page = audit(h, "");
      assertThat(page.getLong("total")).isEqualTo(1);
      Map<String, JsonObject> changes = changesBySetting(page.getJsonArray("entries").getJsonObject(0));
      assertThat(changes.keySet()).containsExactly("MAX_RETRIES");
      assertThat(changes.get("MAX_RETRIES").getString("new")).isEqualTo("1");
    }
  }

  @Test
  void theAuditLogIsPagedNewestFirstWithALimitCap() {
    try (GatewayHarness h = GatewayHarness.start()) {
      for (int i = 1; i <= 5; i++) {
        assertThat(AdminTokenTest.put(h, ADMIN_TOKEN, "{\"TEST_MODEL\":\"model-" + i + "\"}").statusCode())
            .isEqualTo(200);
      }
      JsonObject first = audit(h, "?limit=2");
      assertThat(first.getLong("total")).isEqualTo(5);
      assertThat(first.getInteger("limit")).isEqualTo(2);
      assertThat(newValues(first)).containsExactly("model-5", "model-4");
      assertThat(newValues(audit(h, "?limit=2&offset=2"))).containsExactly("model-3", "model-2");
      assertThat(newValues(audit(h, "?limit=2&offset=4"))).containsExactly("model-1");
      assertThat(newValues(audit(h, "?offset=5"))).isEmpty();
      assertThat(audit(h, "").getInteger("limit")).isEqualTo(AuditApi.DEFAULT_LIMIT);
      assertThat(audit(h, "?limit=" + AuditApi.MAX_LIMIT).getJsonArray("entries")).hasSize(5);

      for (String bad : List.of("?limit=0", "?limit=" + (AuditApi.MAX_LIMIT + 1), "?limit=ten", "?offset=-1")) {
        HttpResponse<String> r = h.get("/api/audit" + bad, "authorization", "Bearer " + ADMIN_TOKEN);
        assertThat(r.statusCode()).as(bad).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("param")).isEqualTo(bad.substring(1, bad.indexOf('=')));
        assertThat(error.getString("message")).contains("expected: a whole number from");
      }
    }
  }

  @Test
  void theAuditLogNeedsTheAdminToken() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(h.get("/api/audit").statusCode()).isEqualTo(401);
      assertThat(h.get("/api/audit", "authorization", "Bearer " + CLIENT_TOKEN).statusCode()).isEqualTo(401);
      assertThat(h.get("/api/audit", "x-goog-api-key", ADMIN_TOKEN).statusCode()).isEqualTo(401);
      assertThat(h.get("/api/audit", "authorization", "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aChangeThatCannotBeAuditedIsRefusedAndNothingIsSaved() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (LogCapture out = new LogCapture(); GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      execute(db, "ALTER TABLE gb_audit_log RENAME TO gb_audit_log_away");
      try {
        HttpResponse<String> r = AdminTokenTest.put(h, ADMIN_TOKEN, "{\"TEST_MODEL\":\"never-saved\"}");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("the audit log cannot be written, so nothing was changed");
        HttpResponse<String> rotate = AdminTokenTest.rotate(h, ADMIN_TOKEN);
        assertThat(rotate.statusCode()).isEqualTo(500);
        assertThat(rotate.body()).doesNotContain("sk-gb-");
      } finally {
        execute(db, "ALTER TABLE gb_audit_log_away RENAME TO gb_audit_log");
      }
      assertThat(AdminTokenTest.getConfig(h, ADMIN_TOKEN).body())
          .contains("\"name\":\"TEST_MODEL\",\"value\":\"gemini-2.5-flash-lite\",\"source\":\"DEFAULT\"");
      assertThat(out.logLines()).anyMatch(line -> line.startsWith("ERROR Admin change refused: the audit log cannot"));
      assertThat(audit(h, "").getLong("total")).isZero();
    }
  }

  @Test
  void rotationsAreAudited() {
    try (GatewayHarness h = GatewayHarness.start()) {
      String token = new JsonObject(AdminTokenTest.rotate(h, ADMIN_TOKEN).body()).getString("adminToken");
      JsonObject entry = audit(h, "").getJsonArray("entries").getJsonObject(0);
      assertThat(entry.getString("action")).isEqualTo("admin_token.rotate");
      assertThat(entry.getString("adminFingerprint")).isEqualTo(adminFingerprint(h));
      JsonObject change = entry.getJsonArray("changes").getJsonObject(0);
      assertThat(change.getString("setting")).isEqualTo(AuditLog.GENERATED_ADMIN_TOKEN);
      assertThat(change.getString("new")).isEqualTo("new token, fingerprint "
          + h.gateway.persistence().storage().tokenFingerprints().of(token).fingerprint());
      assertThat(entry.encode()).doesNotContain(token);
    }
  }

  private static List<String> newValues(JsonObject page) {
    return page.getJsonArray("entries").stream()
        .map(e -> ((JsonObject) e).getJsonArray("changes").getJsonObject(0).getString("new")).toList();
  }

  static void execute(String sqliteFile, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile);
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout((int) Duration.ofSeconds(10).toSeconds());
      statement.execute(sql);
    }
  }
}
