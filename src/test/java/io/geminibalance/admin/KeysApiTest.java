package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static io.geminibalance.testing.GatewayHarness.KEY_A;
import static io.geminibalance.testing.GatewayHarness.KEY_B;
import static io.geminibalance.testing.GatewayHarness.KEY_C;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key management API over a running gateway and the fake upstream. */
class KeysApiTest {
  static final String ADMIN = "Bearer " + ADMIN_TOKEN;
  static final String NEW_KEY = "AIzaSyNewKey0123456789abcdefghijklmnopq";
  static final String OTHER_KEY = "AIzaSyOther-_0123456789ABCDEFGHIJKLMNOP";

  static HttpResponse<String> get(GatewayHarness h, String path) {
    return h.get(path, "authorization", ADMIN);
  }

  static HttpResponse<String> post(GatewayHarness h, String path, String body) {
    return h.post(path, body, "authorization", ADMIN, "content-type", "application/json");
  }

  static HttpResponse<String> delete(GatewayHarness h, String path) {
    return h.send(h.request(path, "authorization", ADMIN).DELETE().build());
  }

  static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }

  static String id(String key) {
    return new ApiKey(key).fingerprint();
  }

  static int total(GatewayHarness h) {
    return json(get(h, "/api/keys")).getInteger("total_items");
  }

  @Test
  void listPagesSearchesFiltersAndSortsWithKeysMasked() {
    try (GatewayHarness h = GatewayHarness.start()) {
      HttpResponse<String> first = get(h, "/api/keys?page=1&limit=2");
      assertThat(first.statusCode()).isEqualTo(200);
      JsonObject page = json(first);
      assertThat(page.getInteger("total_items")).isEqualTo(3);
      assertThat(page.getInteger("total_pages")).isEqualTo(2);
      assertThat(page.getInteger("current_page")).isEqualTo(1);
      assertThat(page.getJsonArray("keys")).hasSize(2);
      JsonObject key = page.getJsonArray("keys").getJsonObject(0);
      assertThat(key.getString("key")).isEqualTo("key-...1111");
      assertThat(key.getString("id")).isEqualTo(id(KEY_A));
      assertThat(key.getString("status")).isEqualTo("valid");
      assertThat(key.getInteger("fail_count")).isZero();
      assertThat(page.getJsonObject("totals").getInteger("total")).isEqualTo(3);
      assertThat(first.body()).doesNotContain(KEY_A).doesNotContain(KEY_B);

      assertThat(json(get(h, "/api/keys?page=2&limit=2")).getJsonArray("keys")).hasSize(1);
      JsonObject bySearch = json(get(h, "/api/keys?search=BBBB"));
      assertThat(bySearch.getInteger("total_items")).isEqualTo(1);
      assertThat(bySearch.getJsonArray("keys").getJsonObject(0).getString("id")).isEqualTo(id(KEY_B));
      assertThat(json(get(h, "/api/keys?search=3333")).getJsonArray("keys").getJsonObject(0).getString("id"))
          .isEqualTo(id(KEY_C));
      assertThat(json(get(h, "/api/keys?status=invalid")).getInteger("total_items")).isZero();
      assertThat(json(get(h, "/api/keys?state=usable")).getInteger("total_items")).isEqualTo(3);
      assertThat(json(get(h, "/api/keys?fail_count_threshold=1")).getInteger("total_items")).isZero();
      JsonArray newestFirst = json(get(h, "/api/keys?sort=added&order=desc")).getJsonArray("keys");
      assertThat(newestFirst.getJsonObject(0).getString("id")).isEqualTo(id(KEY_C));
    }
  }

  @Test
  void badQueryValuesAre400NamingTheParameter() {
    try (GatewayHarness h = GatewayHarness.start()) {
      for (String[] bad : List.of(new String[] {"page=0", "page"}, new String[] {"limit=501", "limit"},
          new String[] {"limit=0", "limit"}, new String[] {"page=x", "page"}, new String[] {"status=maybe", "status"},
          new String[] {"sort=name", "sort"}, new String[] {"order=up", "order"}, new String[] {"state=sleepy", "state"},
          new String[] {"fail_count_threshold=-1", "fail_count_threshold"})) {
        HttpResponse<String> r = get(h, "/api/keys?" + bad[0]);
        assertThat(r.statusCode()).as(bad[0]).isEqualTo(400);
        assertThat(json(r).getJsonObject("error").getString("param")).as(bad[0]).isEqualTo(bad[1]);
      }
      assertThat(get(h, "/api/keys?limit=500").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void onlyTheAdminMayUseIt() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(h.get("/api/keys").statusCode()).isEqualTo(401);
      assertThat(h.get("/api/keys", "authorization", "Bearer " + CLIENT_TOKEN).statusCode()).isEqualTo(401);
      assertThat(h.post("/api/keys", "{\"text\":\"" + NEW_KEY + "\"}", "authorization", "Bearer " + CLIENT_TOKEN)
          .statusCode()).isEqualTo(401);
      assertThat(total(h)).isEqualTo(3);
    }
  }

  @Test
  void pastedKeysAreExtractedStoredAndGoLive() {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(java.util.Map.of(), db)) {
      String text = "API_KEYS=[\\\"" + NEW_KEY + "\\\"]\\nagain " + NEW_KEY + "\\nbroken AIzaSyTooShort\\n" + OTHER_KEY;
      HttpResponse<String> r = post(h, "/api/keys", "{\"text\":\"" + text + "\",\"mode\":\"extract\"}");
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject report = json(r);
      assertThat(report.getInteger("added")).isEqualTo(2);
      assertThat(report.getInteger("duplicates")).isEqualTo(1);
      assertThat(report.getJsonArray("rejected")).hasSize(1);
      assertThat(report.getJsonArray("rejected").getJsonObject(0).getInteger("line")).isEqualTo(3);
      assertThat(r.body()).doesNotContain(NEW_KEY).doesNotContain("AIzaSyTooShort");
      assertThat(total(h)).isEqualTo(5);

      // Live: round robin reaches the new keys.
      Set<String> used = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
      }
      h.fake.requests(":generateContent").forEach(req -> used.add(req.key()));
      assertThat(used).contains(NEW_KEY, OTHER_KEY);

      // Adding them again: duplicates, nothing added.
      JsonObject again = json(post(h, "/api/keys", "{\"text\":\"" + NEW_KEY + "\"}"));
      assertThat(again.getInteger("added")).isZero();
      assertThat(again.getInteger("duplicates")).isEqualTo(1);
    }
    try (GatewayHarness h = GatewayHarness.start(java.util.Map.of(), db)) {
      assertThat(total(h)).as("stored: survives a restart").isEqualTo(5);
    }
  }

  @Test
  void linesModeTakesOtherFormatsAndRejectsWhatCannotBeAKey() {
    try (GatewayHarness h = GatewayHarness.start()) {
      JsonObject report = json(post(h, "/api/keys",
          "{\"text\":\"vertex-key-0123456789\\n\\\"quoted-key-9876543210\\\",\\nshort\\nhas a space in it\",\"mode\":\"lines\"}"));
      assertThat(report.getInteger("added")).isEqualTo(2);
      assertThat(report.getInteger("rejected_count")).isEqualTo(2);
      assertThat(report.getJsonArray("rejected").getJsonObject(0).getString("text")).isEqualTo("(5 characters)");
      assertThat(report.getJsonArray("rejected").getJsonObject(1).getString("reason")).contains("space");
      assertThat(json(get(h, "/api/keys?search=quoted")).getInteger("total_items")).isEqualTo(1);
    }
  }

  @Test
  void malformedPastesAre400AndChangeNothing() {
    try (GatewayHarness h = GatewayHarness.start()) {
      for (String[] bad : List.of(new String[] {"{\"text\":\"no keys here\"}", "text"},
          new String[] {"not json", "body"}, new String[] {"{\"text\":42}", "text"},
          new String[] {"{\"text\":\"" + NEW_KEY + "\",\"mode\":\"guess\"}", "mode"}, new String[] {"[]", "body"},
          new String[] {"{\"text\":\"\\n\\n\",\"mode\":\"lines\"}", "text"})) {
        HttpResponse<String> r = post(h, "/api/keys", bad[0]);
        assertThat(r.statusCode()).as(bad[0]).isEqualTo(400);
        assertThat(json(r).getJsonObject("error").getString("param")).as(bad[0]).isEqualTo(bad[1]);
      }
      assertThat(total(h)).isEqualTo(3);
    }
  }

  @Test
  void deletesOneSelectedAndDisabledKeysWithBadInputRefused() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(delete(h, "/api/keys/0000000000000000").statusCode()).isEqualTo(404);
      assertThat(post(h, "/api/keys/delete", "{\"ids\":[]}").statusCode()).isEqualTo(400);
      assertThat(post(h, "/api/keys/delete", "{}").statusCode()).isEqualTo(400);
      assertThat(post(h, "/api/keys/delete", "{\"ids\":[\"nope\"]}").statusCode()).isEqualTo(404);
      assertThat(total(h)).isEqualTo(3);

      HttpResponse<String> one = delete(h, "/api/keys/" + id(KEY_A));
      assertThat(one.statusCode()).isEqualTo(200);
      assertThat(json(one).getInteger("deleted_count")).isEqualTo(1);
      assertThat(json(one).getJsonArray("warnings")).hasSize(1); // KEY_A is in the API_KEYS environment
      assertThat(total(h)).isEqualTo(2);

      JsonObject selected = json(post(h, "/api/keys/delete", "{\"ids\":[\"" + id(KEY_B) + "\",\"gone\"]}"));
      assertThat(selected.getInteger("deleted_count")).isEqualTo(1);
      assertThat(selected.getJsonArray("not_found")).containsExactly("gone");
      assertThat(json(get(h, "/api/keys")).getJsonArray("keys").getJsonObject(0).getString("id")).isEqualTo(id(KEY_C));

      h.fake.on(r -> KEY_C.equals(r.key()), Replies.invalidKey());
      h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(json(get(h, "/api/keys?status=invalid")).getInteger("total_items")).isEqualTo(1);
      JsonObject disabled = json(post(h, "/api/keys/delete-disabled", ""));
      assertThat(disabled.getInteger("deleted_count")).isEqualTo(1);
      assertThat(total(h)).isZero();

      String audit = get(h, "/api/audit").body();
      assertThat(audit).contains("keys.delete").doesNotContain(KEY_A);
    }
  }

  @Test
  void verificationJobReportsValidAndInvalidKeysAndThePoolLearns() throws Exception {
    try (GatewayHarness h = GatewayHarness.start()) {
      h.fake.on(r -> KEY_B.equals(r.key()), Replies.invalidKey());
      h.fake.on(r -> KEY_C.equals(r.key()), Replies.rateLimited("30s"));
      assertThat(post(h, "/api/keys/verify", "{}").statusCode()).isEqualTo(400);
      assertThat(post(h, "/api/keys/verify", "{\"ids\":[]}").statusCode()).isEqualTo(400);
      assertThat(post(h, "/api/keys/verify", "{\"ids\":[\"nope\"]}").statusCode()).isEqualTo(404);
      assertThat(get(h, "/api/keys/verify/nope").statusCode()).isEqualTo(404);

      HttpResponse<String> started = post(h, "/api/keys/verify", "{\"all\":true}");
      assertThat(started.statusCode()).isEqualTo(202);
      String job = json(started).getString("job_id");
      JsonObject status = waitForJob(h, job);
      assertThat(status.getInteger("total")).isEqualTo(3);
      assertThat(status.getInteger("valid")).isEqualTo(1);
      assertThat(status.getInteger("invalid")).isEqualTo(1);
      assertThat(status.getInteger("other")).isEqualTo(1);
      assertThat(h.fake.requests(":generateContent")).hasSize(3)
          .allSatisfy(r -> assertThat(r.path()).contains("gemini-2.5-flash-lite"));
      JsonObject invalid = result(status, id(KEY_B));
      assertThat(invalid.getBoolean("valid")).isFalse();
      assertThat(invalid.getInteger("error_code")).isEqualTo(400);
      assertThat(invalid.getString("error_message")).contains("API key not valid");
      assertThat(result(status, id(KEY_C)).getString("verdict")).isEqualTo("rate_limited");
      assertThat(status.encode()).doesNotContain(KEY_B);

      // The pool learned: KEY_B disabled (its own fault), KEY_C only rate limited (not disabled).
      JsonObject invalidKeys = json(get(h, "/api/keys?status=invalid"));
      assertThat(invalidKeys.getInteger("total_items")).isEqualTo(1);
      JsonObject b = invalidKeys.getJsonArray("keys").getJsonObject(0);
      assertThat(b.getString("id")).isEqualTo(id(KEY_B));
      assertThat(b.getString("disabled_reason")).contains("API_KEY_INVALID");
      assertThat(b.getString("last_error")).contains("API_KEY_INVALID");
      assertThat(b.getString("last_error_at")).isNotNull();

      // Verified again once Google takes it: back in service.
      h.fake.reset();
      String again = json(post(h, "/api/keys/verify", "{\"status\":\"invalid\"}")).getString("job_id");
      assertThat(waitForJob(h, again).getInteger("valid")).isEqualTo(1);
      assertThat(json(get(h, "/api/keys?status=invalid")).getInteger("total_items")).isZero();
      assertThat(get(h, "/api/audit").body()).contains("keys.verify");
    }
  }

  static JsonObject waitForJob(GatewayHarness h, String job) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      JsonObject status = json(get(h, "/api/keys/verify/" + job));
      if (status.getString("state").equals("done")) {
        return status;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("verification job did not finish");
  }

  static JsonObject result(JsonObject status, String id) {
    return status.getJsonArray("results").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("id").equals(id)).findFirst().orElseThrow();
  }

  @Test
  void resetPutsKeysBackInService() {
    try (GatewayHarness h = GatewayHarness.start()) {
      h.fake.on(r -> KEY_A.equals(r.key()), Replies.invalidKey(), 1);
      h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(json(get(h, "/api/keys?status=invalid")).getInteger("total_items")).isEqualTo(1);
      assertThat(post(h, "/api/keys/reset", "{\"ids\":[]}").statusCode()).isEqualTo(400);
      assertThat(post(h, "/api/keys/reset", "{\"ids\":[\"unknown\"]}").statusCode()).isEqualTo(404);
      assertThat(json(get(h, "/api/keys?status=invalid")).getInteger("total_items")).isEqualTo(1);
      JsonObject reset = json(post(h, "/api/keys/reset", "{\"ids\":[\"" + id(KEY_A) + "\"]}"));
      assertThat(reset.getInteger("reset_count")).isEqualTo(1);
      assertThat(json(get(h, "/api/keys?status=invalid")).getInteger("total_items")).isZero();
      assertThat(json(post(h, "/api/keys/reset", "{\"all\":true}")).getInteger("reset_count")).isEqualTo(3);
    }
  }

  @Test
  void revealAndExportGiveWholeKeysAndAreAudited() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(post(h, "/api/keys/reveal", "{\"ids\":[]}").statusCode()).isEqualTo(400);
      HttpResponse<String> revealed = post(h, "/api/keys/reveal", "{\"ids\":[\"" + id(KEY_B) + "\"]}");
      assertThat(revealed.statusCode()).isEqualTo(200);
      assertThat(json(revealed).getJsonArray("keys").getJsonObject(0).getString("key")).isEqualTo(KEY_B);

      HttpResponse<String> export = get(h, "/api/keys/export?status=valid");
      assertThat(export.statusCode()).isEqualTo(200);
      assertThat(export.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(export.body()).isEqualTo(KEY_A + "\n" + KEY_B + "\n" + KEY_C + "\n");
      assertThat(get(h, "/api/keys/export?status=some").statusCode()).isEqualTo(400);

      String audit = get(h, "/api/audit").body();
      assertThat(audit).contains("keys.reveal").contains("keys.export").doesNotContain(KEY_B);
    }
  }

  @Test
  void allListsMaskedKeysByStatus() {
    try (GatewayHarness h = GatewayHarness.start()) {
      HttpResponse<String> r = get(h, "/api/keys/all");
      JsonObject all = json(r);
      assertThat(all.getInteger("total_count")).isEqualTo(3);
      assertThat(all.getJsonArray("valid_keys")).containsExactly("key-...1111", "key-...2222", "key-...3333");
      assertThat(all.getJsonArray("valid_ids")).contains(id(KEY_A));
      assertThat(all.getJsonArray("invalid_keys")).isEmpty();
      assertThat(r.body()).doesNotContain(KEY_A);
    }
  }

  @Test
  void theOriginalsConfigKeyEndpointsDeleteByKey() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(delete(h, "/api/config/keys/not-a-pool-key").statusCode()).isEqualTo(404);
      JsonObject one = json(delete(h, "/api/config/keys/" + KEY_A));
      assertThat(one.getBoolean("success")).isTrue();
      assertThat(one.getInteger("deleted_count")).isEqualTo(1);
      assertThat(post(h, "/api/config/keys/delete-selected", "{\"keys\":[]}").statusCode()).isEqualTo(400);
      HttpResponse<String> selected = post(h, "/api/config/keys/delete-selected",
          "{\"keys\":[\"" + KEY_B + "\",\"unknown-key-0000\"]}");
      JsonObject answer = json(selected);
      assertThat(answer.getInteger("deleted_count")).isEqualTo(1);
      assertThat(answer.getJsonArray("not_found_keys")).containsExactly("unkn...0000");
      assertThat(selected.body()).doesNotContain("unknown-key-0000").doesNotContain(KEY_B);
      assertThat(total(h)).isEqualTo(1);
    }
  }

  @Test
  void theOriginalsMaintenanceEndpointsNeedTheAdminAndAnswerInItsShapes() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(h.post("/gemini/v1beta/verify-key/" + KEY_A, "").statusCode()).isEqualTo(401);
      assertThat(h.post("/gemini/v1beta/verify-key/" + KEY_A, "", "authorization", "Bearer " + CLIENT_TOKEN)
          .statusCode()).isEqualTo(401);
      assertThat(h.post("/gemini/v1beta/verify-key/" + KEY_A, "", "x-goog-api-key", CLIENT_TOKEN).statusCode())
          .isEqualTo(401);
      // Not reachable under /v1beta, not even with a client token: the pass-through refuses the path.
      HttpResponse<String> plain = h.post("/v1beta/verify-key/" + KEY_A, "", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(plain.statusCode()).isEqualTo(404);
      assertThat(h.fake.requests()).isEmpty();

      h.fake.on(r -> KEY_B.equals(r.key()), Replies.invalidKey());
      assertThat(json(post(h, "/gemini/v1beta/verify-key/" + KEY_A, "")).getString("status")).isEqualTo("valid");
      JsonObject invalid = json(post(h, "/gemini/v1beta/verify-key/" + KEY_B, ""));
      assertThat(invalid.getString("status")).isEqualTo("invalid");
      assertThat(invalid.getString("error")).contains("API key not valid");

      assertThat(post(h, "/gemini/v1beta/verify-selected-keys", "{\"keys\":[]}").statusCode()).isEqualTo(400);
      HttpResponse<String> selected = post(h, "/gemini/v1beta/verify-selected-keys",
          "{\"keys\":[\"" + KEY_A + "\",\"" + KEY_B + "\"]}");
      JsonObject answer = json(selected);
      assertThat(answer.getInteger("valid_count")).isEqualTo(1);
      assertThat(answer.getInteger("invalid_count")).isEqualTo(1);
      assertThat(answer.getJsonArray("successful_keys")).containsExactly("key-...1111");
      assertThat(answer.getJsonObject("failed_keys").getJsonObject("key-...2222").getInteger("error_code"))
          .isEqualTo(400);
      assertThat(selected.body()).doesNotContain(KEY_A).doesNotContain(KEY_B);

      assertThat(post(h, "/gemini/v1beta/reset-fail-count/unknown-key-000", "").statusCode()).isEqualTo(404);
      assertThat(json(post(h, "/gemini/v1beta/reset-fail-count/" + KEY_B, "")).getBoolean("success")).isTrue();
      assertThat(json(get(h, "/api/keys?status=invalid")).getInteger("total_items")).isZero();
      assertThat(post(h, "/gemini/v1beta/reset-all-fail-counts?key_type=bad", "").statusCode()).isEqualTo(400);
      assertThat(json(post(h, "/gemini/v1beta/reset-all-fail-counts?key_type=valid", "")).getInteger("reset_count"))
          .isEqualTo(3);
      HttpResponse<String> partial = post(h, "/gemini/v1beta/reset-selected-fail-counts",
          "{\"keys\":[\"" + KEY_A + "\",\"unknown-key-000\"]}");
      assertThat(partial.statusCode()).isEqualTo(207);
      assertThat(json(partial).getInteger("reset_count")).isEqualTo(1);
    }
  }
}
