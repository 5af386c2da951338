package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LogCapture;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /api/config/reveal}: an editable secret in clear, only for the admin, always audited. */
class ConfigRevealTest {
  private static HttpResponse<String> reveal(GatewayHarness h, String body) {
    return h.post("/api/config/reveal", body, "authorization", "Bearer " + ADMIN_TOKEN,
        "content-type", "application/json");
  }

  private static JsonObject error(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error");
  }

  @Test
  void anEditableSecretIsAnsweredInClearAndTheRevealIsAudited() {
    try (LogCapture out = new LogCapture(); GatewayHarness h = GatewayHarness.start()) {
      HttpResponse<String> saved = h.send(h.request("/api/config", "authorization", "Bearer " + ADMIN_TOKEN,
              "content-type", "application/json")
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
              "{\"CUSTOM_HEADERS\":{\"x-team\":\"header-secret-value-5150\"}}")).build());
      assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
      assertThat(saved.body()).doesNotContain("header-secret-value-5150");
      long auditedBefore = AuditLogTest.audit(h, "").getLong("total");

      HttpResponse<String> token = reveal(h, "{\"name\":\"AUTH_TOKEN\"}");
      assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
      assertThat(new JsonObject(token.body())).isEqualTo(new JsonObject().put("name", "AUTH_TOKEN")
          .put("value", ADMIN_TOKEN));
      assertThat(token.headers().firstValue("cache-control")).hasValue("no-store");
      HttpResponse<String> headers = reveal(h, "{\"name\":\"CUSTOM_HEADERS\"}");
      assertThat(new JsonObject(new JsonObject(headers.body()).getString("value")).getString("x-team"))
          .isEqualTo("header-secret-value-5150");
      HttpResponse<String> tokens = reveal(h, "{\"name\":\"ALLOWED_TOKENS\"}");
      assertThat(new JsonObject(tokens.body()).getString("value")).contains(CLIENT_TOKEN);

      JsonObject audit = AuditLogTest.audit(h, "");
      assertThat(audit.getLong("total")).isEqualTo(auditedBefore + 3);
      JsonObject first = audit.getJsonArray("entries").getJsonObject(2);
      assertThat(first.getString("action")).isEqualTo("settings.reveal");
      assertThat(first.getString("adminFingerprint")).isEqualTo(AuditLogTest.adminFingerprint(h));
      JsonObject change = AuditLogTest.changesBySetting(first).get("AUTH_TOKEN");
      assertThat(change.getString("old")).isEqualTo("..." + ADMIN_TOKEN.substring(ADMIN_TOKEN.length() - 4));
      assertThat(change.getString("new")).isEqualTo(AuditChanges.REVEALED);
      assertThat(AuditLogTest.changesBySetting(audit.getJsonArray("entries").getJsonObject(1))
          .get("CUSTOM_HEADERS").getString("old")).isEqualTo("{x-team} (values hidden)");
      // The audit trail and the log say who saw what, never the value itself.
      assertThat(audit.encode()).doesNotContain(ADMIN_TOKEN).doesNotContain("header-secret-value-5150")
          .doesNotContain(CLIENT_TOKEN);
      assertThat(out.logLines()).anyMatch(line -> line.contains("settings.reveal") && line.contains("AUTH_TOKEN"));
      assertThat(out.logLines()).noneMatch(line -> line.contains(ADMIN_TOKEN)
          || line.contains("header-secret-value-5150") || line.contains(CLIENT_TOKEN));
    }
  }

  @Test
  void refusalsAreClearAndRevealNothingAndAuditNothing() {
    String encryptionKey = Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA=", "Zq9x=");
    try (GatewayHarness h = GatewayHarness.start(Map.of("ENCRYPTION_KEY", encryptionKey))) {
      HttpResponse<String> unknown = reveal(h, "{\"name\":\"NO_SUCH_SETTING\"}");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(error(unknown).getString("message")).isEqualTo("NO_SUCH_SETTING: unknown setting");
      assertThat(error(unknown).getString("param")).isEqualTo("name");

      HttpResponse<String> envOnly = reveal(h, "{\"name\":\"ENCRYPTION_KEY\"}");
      assertThat(envOnly.statusCode()).isEqualTo(403);
      assertThat(error(envOnly).getString("message")).startsWith("ENCRYPTION_KEY: set in the environment only");
      assertThat(envOnly.body()).doesNotContain(encryptionKey).doesNotContain("q9x=");

      HttpResponse<String> notSecret = reveal(h, "{\"name\":\"MAX_RETRIES\"}");
      assertThat(notSecret.statusCode()).isEqualTo(400);
      assertThat(error(notSecret).getString("message")).startsWith("MAX_RETRIES: not a secret");

      HttpResponse<String> keys = reveal(h, "{\"name\":\"API_KEYS\"}");
      assertThat(keys.statusCode()).isEqualTo(400);
      assertThat(keys.body()).contains("/keys").doesNotContain(GatewayHarness.KEY_A);

      for (String bad : new String[] {"", "not json", "[\"AUTH_TOKEN\"]", "{}", "{\"name\":42}", "{\"name\":\" \"}",
          "{\"name\":null}", "\"AUTH_TOKEN\""}) {
        HttpResponse<String> r = reveal(h, bad);
        assertThat(r.statusCode()).as(bad).isEqualTo(400);
        assertThat(error(r).getString("param")).as(bad).isEqualTo("name");
        assertThat(r.body()).as(bad).doesNotContain(ADMIN_TOKEN);
      }
      assertThat(AuditLogTest.audit(h, "").getLong("total")).isZero();
    }
  }

  @Test
  void aRevealThatCannotBeAuditedIsNotAnswered() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      AuditLogTest.execute(db, "ALTER TABLE gb_audit_log RENAME TO gb_audit_log_away");
      try {
        HttpResponse<String> r = reveal(h, "{\"name\":\"AUTH_TOKEN\"}");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(error(r).getString("message")).contains("the audit log cannot be written");
        assertThat(r.body()).doesNotContain(ADMIN_TOKEN);
      } finally {
        AuditLogTest.execute(db, "ALTER TABLE gb_audit_log_away RENAME TO gb_audit_log");
      }
    }
  }

  @Test
  void onlyTheAdminMayReveal() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(h.post("/api/config/reveal", "{\"name\":\"AUTH_TOKEN\"}").statusCode()).isEqualTo(401);
      HttpResponse<String> client = h.post("/api/config/reveal", "{\"name\":\"AUTH_TOKEN\"}",
          "authorization", "Bearer " + CLIENT_TOKEN);
      assertThat(client.statusCode()).isEqualTo(401);
      assertThat(client.body()).doesNotContain(ADMIN_TOKEN);
      assertThat(AuditLogTest.audit(h, "").getLong("total")).isZero();
    }
  }
}
