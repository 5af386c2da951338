package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigApiTest {
  static final String ADMIN = "Bearer " + ADMIN_TOKEN;

  private static HttpResponse<String> put(GatewayHarness h, String body) {
    return h.send(h.request("/api/config", "authorization", ADMIN, "content-type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static HttpResponse<String> delete(GatewayHarness h, String name) {
    return h.send(h.request("/api/config/" + name, "authorization", ADMIN).DELETE().build());
  }

  @Test
  void onlyTheAdminTokenMayUseTheAdminApi() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(h.get("/api/config").statusCode()).isEqualTo(401);
      assertThat(h.get("/api/config", "authorization", "Bearer " + CLIENT_TOKEN).statusCode()).isEqualTo(401);
      assertThat(h.get("/api/config", "authorization", ADMIN).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void getShowsEverySettingWithItsSourceAndMasksSecrets() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_RETRIES", "2"))) {
      String body = h.get("/api/config", "authorization", ADMIN).body();
      assertThat(body).contains("\"name\":\"MAX_RETRIES\",\"value\":\"2\",\"source\":\"ENV\"");
      assertThat(body).contains("\"name\":\"TEST_MODEL\",\"value\":\"gemini-2.5-flash-lite\",\"source\":\"DEFAULT\"");
      assertThat(body).doesNotContain(GatewayHarness.KEY_A).doesNotContain(CLIENT_TOKEN).doesNotContain(ADMIN_TOKEN);
      assertThat(body).contains("...1111");
    }
  }

  /** A pool of thousands of keys is counted, not listed: the keys page lists them page by page. */
  @Test
  void aLargeKeyListIsCountedAndOnlyItsFirstItemsShownMasked() {
    StringBuilder keys = new StringBuilder("[");
    for (int i = 0; i < 2000; i++) {
      keys.append(i == 0 ? "" : ",").append("\"key-many-").append(String.format("%06d", i)).append('"');
    }
    try (GatewayHarness h = GatewayHarness.start(Map.of("API_KEYS", keys.append(']').toString()))) {
      io.vertx.core.json.JsonObject apiKeys = new io.vertx.core.json.JsonObject(
          h.get("/api/config", "authorization", ADMIN).body()).getJsonArray("settings").stream()
          .map(io.vertx.core.json.JsonObject.class::cast).filter(s -> s.getString("name").equals("API_KEYS"))
          .findFirst().orElseThrow();
      assertThat(apiKeys.getInteger("count")).isEqualTo(2000);
      assertThat(apiKeys.getBoolean("truncated")).isTrue();
      io.vertx.core.json.JsonArray shown = new io.vertx.core.json.JsonArray(apiKeys.getString("value"));
      assertThat(shown).hasSize(ConfigApi.SECRET_LIST_SHOWN);
      assertThat(shown.getString(0)).isEqualTo("...0000");
      io.vertx.core.json.JsonObject tokens = new io.vertx.core.json.JsonObject(
          h.get("/api/config", "authorization", ADMIN).body()).getJsonArray("settings").stream()
          .map(io.vertx.core.json.JsonObject.class::cast).filter(s -> s.getString("name").equals("ALLOWED_TOKENS"))
          .findFirst().orElseThrow();
      assertThat(tokens.getInteger("count")).isEqualTo(1);
      assertThat(tokens.containsKey("truncated")).isFalse();
    }
  }

  /** A map of several headers holds commas: it is still masked whole, not as a list of pieces. */
  @Test
  void customHeadersWithSeveralEntriesAreMaskedWhole() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CUSTOM_HEADERS",
        "{\"X-Team\":\"secret-value-1\",\"X-Other\":\"secret-value-2\"}"))) {
      String body = h.get("/api/config", "authorization", ADMIN).body();
      assertThat(body).contains("\"name\":\"CUSTOM_HEADERS\",\"value\":\"{...}\"")
          .doesNotContain("ue-1").doesNotContain("ue-2").doesNotContain("secret-value");
    }
  }

  @Test
  void theEncryptionKeyIsShownOnlyAsSetNotEvenItsLastCharacters() {
    String key = java.util.Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA=", "Zq9x=");
    try (GatewayHarness h = GatewayHarness.start(Map.of("ENCRYPTION_KEY", key))) {
      String body = h.get("/api/config", "authorization", ADMIN).body();
      assertThat(body).contains("\"name\":\"ENCRYPTION_KEY\",\"value\":\"(set)\"");
      assertThat(body).doesNotContain("q9x=");
    }
  }

  @Test
  void savedValuesApplyAtOnceAndSurviveARestartAndRevertRestoresTheEnvironment() {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      HttpResponse<String> r = put(h, "{\"ALLOWED_TOKENS\":[\"tok-new-9999\"],\"MAX_RETRIES\":0}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"name\":\"MAX_RETRIES\",\"value\":\"0\",\"source\":\"SAVED\"");
      assertThat(h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", "tok-new-9999").statusCode())
          .isEqualTo(200);
      assertThat(h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode())
          .isEqualTo(401);
    }
    try (GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      assertThat(h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", "tok-new-9999").statusCode())
          .isEqualTo(200);
      HttpResponse<String> reverted = delete(h, "ALLOWED_TOKENS");
      assertThat(reverted.statusCode()).isEqualTo(200);
      assertThat(reverted.body()).contains("\"reverted\":true");
      assertThat(h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void controlCharactersInKeysTokensAndHeadersAre400AndNothingIsSaved() {
    String goodKey = "AIzaSyD4x9Qm2Lr7Tn0Pw3Ke8Jb5Vc1Hs6Gf2Zq";
    try (GatewayHarness h = GatewayHarness.start()) {
      Map<String, String> bad = Map.of(
          "CUSTOM_HEADERS", "{\"x\":\"a\\r\\nb\"}",
          "API_KEYS", "[\"" + goodKey + "\",\"odd\\r\\nX-Injected: 1\"]",
          "ALLOWED_TOKENS", "[\"tok-ok-12345\",\"bad\\ntoken\"]",
          "AUTH_TOKEN", "\"admin\\u0000token\"");
      bad.forEach((name, json) -> {
        HttpResponse<String> r = put(h, "{\"TEST_MODEL\":\"changed-model\",\"" + name + "\":" + json + "}");
        assertThat(r.statusCode()).as(name).isEqualTo(400);
        assertThat(r.body()).as(name).contains("\"param\":\"" + name + "\"").contains(name + ": ")
            .doesNotContain(goodKey).doesNotContain("X-Injected").doesNotContain("tok-ok-12345");
      });
      String config = h.get("/api/config", "authorization", ADMIN).body();
      assertThat(config).contains("\"name\":\"TEST_MODEL\",\"value\":\"gemini-2.5-flash-lite\",\"source\":\"DEFAULT\"");
      new io.vertx.core.json.JsonObject(config).getJsonArray("settings").stream()
          .map(io.vertx.core.json.JsonObject.class::cast)
          .filter(setting -> bad.containsKey(setting.getString("name")))
          .forEach(setting -> assertThat(setting.getString("source")).as(setting.getString("name")).isNotEqualTo("SAVED"));
      // The data plane still works, with nothing of the rejected header upstream.
      assertThat(h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode())
          .isEqualTo(200);
      assertThat(h.fake.requests().get(0).headers().contains("x")).isFalse();
    }
  }

  @Test
  void aBadValueIs400NamingItAndNothingIsSaved() {
    try (GatewayHarness h = GatewayHarness.start()) {
      HttpResponse<String> r = put(h, "{\"TEST_MODEL\":\"x\",\"MAX_RETRIES\":\"lots\"}");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("\"param\":\"MAX_RETRIES\"").contains("MAX_RETRIES: 'lots'");
      assertThat(h.get("/api/config", "authorization", ADMIN).body())
          .contains("\"name\":\"TEST_MODEL\",\"value\":\"gemini-2.5-flash-lite\",\"source\":\"DEFAULT\"");
      assertThat(put(h, "{\"NO_SUCH_SETTING\":1}").statusCode()).isEqualTo(400);
      assertThat(put(h, "{\"PORT\":1234}").statusCode()).isEqualTo(400);
      assertThat(put(h, "[1,2]").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void apiKeysEditedThroughTheApiReplaceTheStoredSet() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(put(h, "{\"API_KEYS\":[\"key-zzzz-9999\"]}").statusCode()).isEqualTo(200);
      assertThat(h.get("/health").body()).contains("\"total\":1");
      h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(h.fake.requests().get(0).key()).isEqualTo("key-zzzz-9999");
    }
  }

  @Test
  void savedValueHidingADifferentEnvironmentValueIsReported() {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of("TEST_MODEL", "env-model"), db)) {
      put(h, "{\"TEST_MODEL\":\"saved-model\"}");
    }
    try (GatewayHarness h = GatewayHarness.start(Map.of("TEST_MODEL", "env-model"), db)) {
      String body = h.get("/api/config", "authorization", ADMIN).body();
      assertThat(body).contains("\"name\":\"TEST_MODEL\",\"value\":\"saved-model\",\"source\":\"SAVED\"");
      assertThat(body).contains("TEST_MODEL: the saved value");
    }
  }

  @Test
  void quotaLimitsChangedThroughTheApiApplyAtOnce() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("API_KEYS", "key-only-0001"))) {
      for (int i = 0; i < 3; i++) {
        assertThat(h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode())
            .isEqualTo(200);
      }
      assertThat(put(h, "{\"DEFAULT_RPM\":3,\"QUEUE_TIMEOUT_SECONDS\":0}").statusCode()).isEqualTo(200);
      HttpResponse<String> limited = h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.body()).contains("gateway");
      assertThat(put(h, "{\"DEFAULT_RPM\":\"-2\"}").statusCode()).isEqualTo(400);
    }
  }

  /** Every setting the gateway reads, env-only ones too, with its declaration; the page's tabs in order. */
  @Test
  void getListsEverySettingWithItsDeclarationAndTheGroupsInDisplayOrder() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MYSQL_PASSWORD", "hunter2-db-pass", "EVENT_LOOPS", "2"))) {
      io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject(
          h.get("/api/config", "authorization", ADMIN).body());
      Map<String, io.vertx.core.json.JsonObject> byName = new java.util.LinkedHashMap<>();
      body.getJsonArray("settings").forEach(o -> {
        io.vertx.core.json.JsonObject setting = (io.vertx.core.json.JsonObject) o;
        byName.put(setting.getString("name"), setting);
      });
      assertThat(byName.keySet()).containsExactlyElementsOf(io.geminibalance.config.SettingsCatalog.all().stream()
          .map(io.geminibalance.config.SettingsCatalog.Definition::name).toList());
      java.util.List<String> groupIds = body.getJsonArray("groups").stream()
          .map(g -> ((io.vertx.core.json.JsonObject) g).getString("id")).toList();
      assertThat(groupIds).containsExactly("keys", "upstream", "models", "quotas", "features", "images", "logs",
          "security", "resources", "server", "storage");
      body.getJsonArray("groups").forEach(g -> assertThat(((io.vertx.core.json.JsonObject) g).getString("zh"))
          .isNotBlank());
      byName.values().forEach(setting -> {
        assertThat(setting.fieldNames()).as(setting.getString("name")).contains("name", "value", "source", "secret",
            "editable", "restart", "type", "default", "group", "description", "description_zh");
        assertThat(groupIds).contains(setting.getString("group"));
        assertThat(setting.getString("description_zh")).as(setting.getString("name")).isNotBlank();
      });

      io.vertx.core.json.JsonObject retries = byName.get("MAX_RETRIES");
      assertThat(retries.getString("type")).isEqualTo("int");
      assertThat(retries.getLong("min")).isZero();
      assertThat(retries.getLong("max")).isEqualTo(100);
      assertThat(retries.getString("default")).isEqualTo("3");
      assertThat(retries.getBoolean("editable")).isTrue();
      assertThat(retries.getBoolean("restart")).isFalse();
      assertThat(retries.getString("group")).isEqualTo("upstream");
      assertThat(byName.get("CHECK_INTERVAL_HOURS").getString("type")).isEqualTo("decimal");
      assertThat(byName.get("LOG_LEVEL").getJsonArray("allowed").getList())
          .containsExactly("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");
      assertThat(byName.get("API_KEYS").getString("type")).isEqualTo("secret_list");
      assertThat(byName.get("ERROR_LOG_QUEUE_MB").getBoolean("restart")).isTrue();
      assertThat(byName.get("ERROR_LOG_QUEUE_MB").getBoolean("editable")).isTrue();

      io.vertx.core.json.JsonObject port = byName.get("PORT");
      assertThat(port.getBoolean("editable")).isFalse();
      assertThat(port.getBoolean("restart")).isTrue();
      assertThat(port.getString("group")).isEqualTo("server");
      io.vertx.core.json.JsonObject loops = byName.get("EVENT_LOOPS");
      assertThat(loops.getString("value")).isEqualTo("2");
      assertThat(loops.getString("source")).isEqualTo("ENV");
      io.vertx.core.json.JsonObject password = byName.get("MYSQL_PASSWORD");
      assertThat(password.getBoolean("secret")).isTrue();
      assertThat(password.getString("value")).isEqualTo("(set)");
      assertThat(byName.get("DATABASE_URL").getString("value")).isEmpty();
      assertThat(byName.get("CUSTOM_HEADERS").getString("default")).isEqualTo("{}");
      assertThat(byName.get("API_KEYS").getString("default")).isEqualTo("[]");
      assertThat(body.encode()).doesNotContain("hunter2").doesNotContain("pass\"");
    }
  }

  @Test
  void outOfRangeWrongTypeAndUnknownEnumValuesAre400NamingTheSettingAndNothingIsSaved() {
    try (GatewayHarness h = GatewayHarness.start()) {
      Map<String, String> bad = Map.of(
          "MAX_RETRIES", "101",
          "QUEUE_TIMEOUT_SECONDS", "-1",
          "CHECK_INTERVAL_HOURS", "\"soon\"",
          "SHOW_THINKING_PROCESS", "\"perhaps\"",
          "LOG_LEVEL", "\"LOUD\"",
          "TIMEZONE", "\"Mars/Olympus\"",
          "MODEL_RATE_LIMITS", "[1,2]",
          "BASE_URL", "\"ftp://example\"");
      bad.forEach((name, json) -> {
        HttpResponse<String> r = put(h, "{\"TEST_MODEL\":\"changed-model\",\"" + name + "\":" + json + "}");
        assertThat(r.statusCode()).as(name).isEqualTo(400);
        assertThat(r.body()).as(name).contains("\"param\":\"" + name + "\"").contains(name + ": ");
      });
      String config = h.get("/api/config", "authorization", ADMIN).body();
      assertThat(config).contains("\"name\":\"TEST_MODEL\",\"value\":\"gemini-2.5-flash-lite\",\"source\":\"DEFAULT\"");
      assertThat(config).doesNotContain("\"source\":\"SAVED\"");
      HttpResponse<String> envOnly = put(h, "{\"EVENT_LOOPS\":4}");
      assertThat(envOnly.statusCode()).isEqualTo(400);
      assertThat(envOnly.body()).contains("\"param\":\"EVENT_LOOPS\"");
    }
  }

  @Test
  void aSavedSettingThatIsReadAtStartIsNamedInTheAnswer() {
    try (GatewayHarness h = GatewayHarness.start()) {
      HttpResponse<String> r = put(h, "{\"TIMEZONE\":\"Europe/Berlin\",\"MAX_RETRIES\":1}");
      assertThat(r.statusCode()).isEqualTo(200);
      io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject(r.body());
      assertThat(body.getJsonArray("restart_required").getList()).containsExactly("TIMEZONE");
      assertThat(r.body()).contains("\"name\":\"TIMEZONE\",\"value\":\"Europe/Berlin\",\"source\":\"SAVED\"");
    }
  }
}
