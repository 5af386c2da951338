package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.testing.GatewayHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /api/stats/*} and {@code /api/key-usage-details} over seeded request-log rows. */
class StatsApiTest {
  static final String ADMIN = "Bearer " + ADMIN_TOKEN;
  static final String SECRET_A = "AIzaSyStatsApiTestKeyA000000000000000a001";
  static final KeyIdentity A = KeyIdentity.ofSecret(SECRET_A);
  static final KeyIdentity B = KeyIdentity.ofSecret("AIzaSyStatsApiTestKeyB000000000000000b002");
  static final Instant NOW = Instant.now();

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  /**
   * In the last hour: A answers flash 4 times (latencies 100..400 ms, tokens 10/20 each) and fails
   * once with 429; B fails twice with 403 on pro. Three days ago: one more flash call of B.
   */
  @BeforeAll
  static void seed() throws InterruptedException {
    var log = h.gateway.persistence().storage().requestLogs();
    // The start-up fetch of the model list is logged too, asynchronously: let it land, then clear.
    for (int i = 0; i < 100 && log.recent(NOW.minusSeconds(600), NOW.plusSeconds(600), null, 1).join().isEmpty(); i++) {
      Thread.sleep(50);
    }
    log.deleteOlderThan(NOW.plus(Duration.ofDays(1)), 1000).join();
    List<RequestLogEntry> rows = new ArrayList<>();
    IntStream.rangeClosed(1, 4).forEach(i -> rows.add(row(NOW.minusSeconds(600 + i), "gemini-2.5-flash", A, 200,
        i * 100, 10, 20)));
    rows.add(row(NOW.minusSeconds(300), "gemini-2.5-flash", A, 429, 50, null, null));
    rows.add(row(NOW.minusSeconds(200), "gemini-2.5-pro", B, 403, 60, null, null));
    rows.add(row(NOW.minusSeconds(100), "gemini-2.5-pro", B, 403, 70, null, null));
    rows.add(row(NOW.minus(Duration.ofDays(3)), "gemini-2.5-flash", B, 200, 999, 1, 2));
    h.gateway.persistence().storage().requestLogs().insert(rows).join();
  }

  static RequestLogEntry row(Instant time, String model, KeyIdentity key, int status, long latency, Integer prompt,
      Integer completion) {
    return new RequestLogEntry(time, model, key, status == 200, status, latency, prompt, completion, false, 1,
        "req-" + time.toEpochMilli(), null);
  }

  static HttpResponse<String> get(String path) {
    return h.get(path, "authorization", ADMIN);
  }

  static JsonObject json(String path) {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static JsonArray array(String path) {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonArray(r.body());
  }

  static long sum(JsonArray buckets, String field) {
    return buckets.stream().mapToLong(b -> ((JsonObject) b).getLong(field)).sum();
  }

  @Test
  void theLastHourHasOneBucketPerMinuteWithCountsLatencyTokensModelsAndKeys() {
    JsonObject o = json("/api/stats/overview?range=1h");
    assertThat(o.getString("bucket")).isEqualTo("minute");
    JsonArray buckets = o.getJsonArray("buckets");
    assertThat(buckets.size()).isBetween(60, 61);
    long step = buckets.getJsonObject(1).getLong("t") - buckets.getJsonObject(0).getLong("t");
    assertThat(step).isEqualTo(60);
    assertThat(sum(buckets, "success")).isEqualTo(4);
    assertThat(sum(buckets, "failure")).isEqualTo(3);
    JsonObject totals = o.getJsonObject("totals");
    assertThat(totals.getLong("total")).isEqualTo(7);
    assertThat(totals.getLong("prompt_tokens")).isEqualTo(40);
    assertThat(totals.getLong("completion_tokens")).isEqualTo(80);
    assertThat(totals.getInteger("latency_p50_ms")).isEqualTo(200);
    assertThat(totals.getInteger("latency_p95_ms")).isEqualTo(400);
    JsonObject flash = o.getJsonArray("models").getJsonObject(0);
    assertThat(flash.getString("model")).isEqualTo("gemini-2.5-flash");
    assertThat(flash.getLong("success")).isEqualTo(4);
    assertThat(flash.getLong("failure")).isEqualTo(1);
    assertThat(flash.getInteger("latency_p95_ms")).isEqualTo(400);
    JsonArray keys = o.getJsonArray("keys");
    assertThat(keys.getJsonObject(0).getString("key")).isEqualTo("...a001");
    assertThat(keys.getJsonObject(0).getLong("total")).isEqualTo(5);
    assertThat(o.encode()).doesNotContain(SECRET_A);
  }

  @Test
  void longerRangesUseHoursAndDaysAndReachFurtherBack() {
    JsonObject day = json("/api/stats/overview?range=24h");
    assertThat(day.getString("bucket")).isEqualTo("hour");
    assertThat(day.getJsonArray("buckets").size()).isBetween(24, 25);
    JsonObject week = json("/api/stats/overview?range=7d&keys_limit=1");
    assertThat(week.getJsonArray("buckets").size()).isBetween(168, 169);
    assertThat(week.getJsonObject("totals").getLong("total")).isEqualTo(8);
    assertThat(week.getJsonArray("keys")).hasSize(1);
    assertThat(week.getInteger("keys_total")).isEqualTo(2);
    JsonObject month = json("/api/stats/overview?range=30d");
    assertThat(month.getString("bucket")).isEqualTo("day");
    assertThat(sum(month.getJsonArray("buckets"), "success")).isEqualTo(5);
  }

  @Test
  void theCallListIsNewestFirstBoundedAndPerKey() {
    JsonArray calls = array("/api/stats/details?period=1h");
    assertThat(calls).hasSize(7);
    JsonObject newest = calls.getJsonObject(0);
    assertThat(newest.getString("status")).isEqualTo("failure");
    assertThat(newest.getInteger("status_code")).isEqualTo(403);
    assertThat(newest.getString("key")).isEqualTo("...b002");
    assertThat(newest.fieldNames()).contains("timestamp", "model", "latency_ms", "request_id");
    assertThat(array("/api/stats/details?period=1h&limit=2")).hasSize(2);
    assertThat(get("/api/stats/details?period=1h&limit=2").headers().firstValue("x-truncated")).hasValue("true");
    assertThat(get("/api/stats/details?period=1h&limit=7").headers().firstValue("x-truncated")).hasValue("false");
    assertThat(get("/api/stats/details?period=1h&limit=6").headers().firstValue("x-truncated")).hasValue("true");
    assertThat(array("/api/stats/details?period=1m")).isEmpty();
    assertThat(array("/api/stats/details?period=1h&key=" + SECRET_A)).hasSize(5);
    assertThat(array("/api/stats/details?period=24h&key=" + B.fingerprint())).hasSize(2);
    assertThat(array("/api/stats/key-details?period=24h&key=" + B.fingerprint())).hasSize(2);
    HttpResponse<String> noKey = get("/api/stats/key-details?period=1h");
    assertThat(noKey.statusCode()).isEqualTo(400);
    assertThat(noKey.body()).contains("\"param\":\"key\"");
  }

  @Test
  void attentionKeysAndKeyUsageCountTheLastDay() {
    JsonArray top429 = array("/api/stats/attention-keys");
    assertThat(top429).hasSize(1);
    assertThat(top429.getJsonObject(0).getString("key")).isEqualTo("...a001");
    assertThat(top429.getJsonObject(0).getLong("count")).isEqualTo(1);
    JsonArray top403 = array("/api/stats/attention-keys?status_code=403&limit=5");
    assertThat(top403.getJsonObject(0).getLong("count")).isEqualTo(2);
    assertThat(top403.getJsonObject(0).getInteger("status_code")).isEqualTo(403);
    assertThat(json("/api/key-usage-details/" + SECRET_A).getMap()).isEqualTo(Map.of("gemini-2.5-flash", 5));
    assertThat(json("/api/key-usage-details/" + B.fingerprint()).getMap()).isEqualTo(Map.of("gemini-2.5-pro", 2));
  }

  @Test
  void capacityShowsThePoolPerModelAndTheResetTime() {
    JsonObject capacity = json("/api/stats/capacity");
    assertThat(capacity.getString("resets_at")).endsWith("Z");
    JsonArray models = capacity.getJsonArray("models");
    assertThat(models).isNotEmpty();
    JsonObject first = models.getJsonObject(0);
    assertThat(first.fieldNames()).contains("model", "keys", "usable", "cooling", "parked", "disabled",
        "remaining_today", "calls_last_hour", "exhausted_at", "outlasts_day");
    assertThat(first.getInteger("keys")).isEqualTo(3);
    assertThat(first.getLong("remaining_today")).isGreaterThanOrEqualTo(-1);
  }

  @Test
  void badParametersAre400NamingTheParameter() {
    for (String[] c : new String[][] {{"/api/stats/overview?range=2h", "range"},
        {"/api/stats/overview?keys_limit=0", "keys_limit"}, {"/api/stats/details?period=2d", "period"},
        {"/api/stats/details?limit=1001", "limit"}, {"/api/stats/details?limit=0", "limit"},
        {"/api/stats/attention-keys?limit=0", "limit"}, {"/api/stats/attention-keys?status_code=42", "status_code"},
        {"/api/stats/attention-keys?status_code=x", "status_code"}}) {
      HttpResponse<String> r = get(c[0]);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).as(c[0]).isEqualTo(c[1]);
    }
    assertThat(h.get("/api/stats/overview").statusCode()).isEqualTo(401);
    assertThat(h.get("/api/stats/capacity").statusCode()).isEqualTo(401);
    assertThat(h.get("/api/key-usage-details/x").statusCode()).isEqualTo(401);
  }

  @Test
  void theChartLibraryAndItsLicenceAreServedFromTheJar() {
    HttpResponse<String> script = h.get("/static/vendor/uplot/dist/uPlot.iife.min.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("uPlot");
    assertThat(script.headers().firstValue("content-security-policy")).isPresent();
    assertThat(h.get("/static/vendor/uplot/dist/uPlot.min.css").statusCode()).isEqualTo(200);
    assertThat(h.get("/static/vendor/uplot/LICENSE").body()).contains("MIT");
  }

  @Test
  void exhaustionIsForecastAtTheLastHoursRateUnlessTheDayEndsFirst() {
    long now = 1_000_000_000L;
    long reset = now + 3_600_000L * 10;
    assertThat(Exhaustion.of(120, 60, now, reset)).isEqualTo(new Exhaustion(now + 2 * 3_600_000L, false));
    assertThat(Exhaustion.of(6000, 60, now, reset)).isEqualTo(new Exhaustion(null, true));
    assertThat(Exhaustion.of(-1, 60, now, reset)).isEqualTo(new Exhaustion(null, true));
    assertThat(Exhaustion.of(100, 0, now, reset)).isEqualTo(new Exhaustion(null, true));
    assertThat(Exhaustion.of(0, 5, now, reset)).isEqualTo(new Exhaustion(now, false));
  }
}
