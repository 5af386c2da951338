package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.ClientToken;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.testing.GatewayHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /api/usage} over request-log rows written through the store (which fills the roll-ups). */
class UsageApiTest {
  static final String ADMIN = "Bearer " + ADMIN_TOKEN;
  static final KeyIdentity KEY_A = KeyIdentity.ofSecret("AIzaSyUsageApiTestKeyA00000000000000000a1");
  static final KeyIdentity KEY_B = KeyIdentity.ofSecret("AIzaSyUsageApiTestKeyB00000000000000000b2");
  /** A managed token (by id) and an ALLOWED_TOKENS token (by fingerprint). */
  static final KeyIdentity MANAGED = new KeyIdentity("tk_usageapitest1", "mng1");
  static final KeyIdentity LISTED = new KeyIdentity("fpusageapitest00000000000000lst2", "lst2");
  static final String PRICES = "{\"gemini-2.5-pro\": {\"input\": 1.25, \"output\": 10, \"cached_input\": 0.25},"
      + " \"usage-test-flash*\": {\"input\": 0.3, \"output\": 2.5}, \"usage-test-*\": {\"input\": 100, \"output\": 100}}";
  static final Instant NOW = Instant.now();

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("MODEL_PRICES", PRICES));

  @BeforeAll
  static void seed() {
    h.gateway.clientTokens().replace(List.of(new ClientToken(MANAGED.fingerprint(), "ci-bot", "hash-of-ci-bot",
        MANAGED.last4(), List.of(), Set.of(), null, null, List.of(), true, null, NOW, NOW)));
    h.gateway.persistence().storage().requestLogs().insert(List.of(
        row(NOW.minusSeconds(600), "gemini-2.5-pro", KEY_A, MANAGED, true, new TokenUsage(1_000_000, 400_000, 100_000, 50_000, 0, 0)),
        row(NOW.minusSeconds(500), "usage-test-flash-lite", KEY_B, MANAGED, true, new TokenUsage(1_000_000, null, 1_000_000, null, null, null)),
        row(NOW.minusSeconds(400), "usage-test-unpriced", KEY_A, MANAGED, false, TokenUsage.NONE),
        row(NOW.minusSeconds(300), "unpriced-model-x", KEY_B, LISTED, true, new TokenUsage(10, null, 20, null, null, null)),
        row(NOW.minus(Duration.ofDays(3)), "gemini-2.5-pro", KEY_A, MANAGED, true, new TokenUsage(7, null, 7, null, null, null))))
        .join();
  }

  static RequestLogEntry row(Instant time, String model, KeyIdentity key, KeyIdentity client, boolean success,
      TokenUsage usage) {
    return new RequestLogEntry(time, model, key, success, success ? 200 : 500, 100, usage, false, false, 1, "req", client);
  }

  static HttpResponse<String> get(String query) {
    return h.get("/api/usage" + query, "authorization", ADMIN);
  }

  static JsonObject json(String query) {
    HttpResponse<String> r = get(query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static JsonObject find(JsonArray rows, String field, String value) {
    return rows.stream().map(JsonObject.class::cast).filter(o -> value.equals(o.getString(field))).findFirst()
        .orElseThrow(() -> new AssertionError(value + " not in " + rows.encode()));
  }

  @Test
  void aManagedTokensUsageIsSummedPricedAndNamed() {
    JsonObject body = json("?period=24h&token=" + MANAGED.fingerprint());

    JsonObject totals = body.getJsonObject("totals");
    Map<String, Long> expected = Map.of("requests", 3L, "failures", 1L, "prompt_tokens", 2_000_000L,
        "cached_tokens", 400_000L, "output_tokens", 1_100_000L, "thinking_tokens", 50_000L);
    expected.forEach((field, value) -> assertThat(totals.getLong(field)).as(field).isEqualTo(value));
    // pro: 0.6M x 1.25 + 0.4M x 0.25 + 0.15M x 10 = 2.35; flash-lite (longest glob first): 0.3 + 2.5 = 2.8
    assertThat(totals.getDouble("cost_usd")).isCloseTo(5.15, org.assertj.core.data.Offset.offset(1e-9));
    JsonArray models = body.getJsonArray("by_model");
    assertThat(find(models, "model", "gemini-2.5-pro").getDouble("cost_usd")).isCloseTo(2.35,
        org.assertj.core.data.Offset.offset(1e-9));
    assertThat(find(models, "model", "usage-test-flash-lite").getDouble("cost_usd")).isCloseTo(2.8,
        org.assertj.core.data.Offset.offset(1e-9));
    assertThat(find(models, "model", "usage-test-unpriced").getDouble("cost_usd")).isEqualTo(0.0);
    JsonObject token = find(body.getJsonArray("by_token"), "token", MANAGED.fingerprint());
    assertThat(token.getString("name")).isEqualTo("ci-bot");
    assertThat(token.getString("masked")).isEqualTo("...mng1");
    assertThat(body.getJsonArray("by_key")).extracting(o -> ((JsonObject) o).getString("key_masked"))
        .containsExactlyInAnyOrder(KEY_A.masked(), KEY_B.masked());
    assertThat(body.getJsonArray("series").stream().mapToLong(o -> ((JsonObject) o).getLong("total_tokens")).sum())
        .isEqualTo(totals.getLong("total_tokens"));
    assertThat(body.encode()).doesNotContain("AIzaSyUsageApiTestKey");
  }

  @Test
  void anUnknownModelHasNoCostAndAListedTokenShowsMasked() {
    JsonObject body = json("?period=7d&granularity=day&model=unpriced-model-x");
    assertThat(body.getJsonObject("totals").getValue("cost_usd")).isNull();
    assertThat(body.getJsonObject("totals").getLong("unpriced_tokens")).isEqualTo(30);
    JsonObject token = find(body.getJsonArray("by_token"), "token", LISTED.fingerprint());
    assertThat(token.getValue("name")).isNull();
    assertThat(token.getString("masked")).isEqualTo("...lst2");
  }

  @Test
  void filtersAndGroupsByKey() {
    JsonObject week = json("?period=7d&granularity=day&token=" + MANAGED.fingerprint() + "&key=" + KEY_A.fingerprint());
    assertThat(week.getJsonObject("totals").getLong("requests")).isEqualTo(3);
    assertThat(week.getJsonObject("totals").getLong("total_tokens")).isEqualTo(1_150_000 + 14);

    JsonObject grouped = json("?period=24h&granularity=minute&group_by=key&token=" + MANAGED.fingerprint());
    assertThat(grouped.getString("group_by")).isEqualTo("key");
    assertThat(grouped.getJsonArray("series").stream().map(o -> ((JsonObject) o).getString("group")))
        .containsOnly(KEY_A.fingerprint(), KEY_B.fingerprint());
    assertThat(grouped.getJsonArray("series").stream().mapToLong(o -> ((JsonObject) o).getLong("requests")).sum())
        .isEqualTo(3);
  }

  @Test
  void fromAndToReadAnExactWindow() {
    String from = URLEncoder.encode(NOW.minus(Duration.ofDays(4)).toString(), StandardCharsets.UTF_8);
    String to = URLEncoder.encode(NOW.minus(Duration.ofDays(2)).toString(), StandardCharsets.UTF_8);
    JsonObject body = json("?from=" + from + "&to=" + to + "&granularity=hour&token=" + MANAGED.fingerprint());
    assertThat(body.getJsonObject("totals").getLong("requests")).isEqualTo(1);
    assertThat(body.getJsonObject("totals").getLong("total_tokens")).isEqualTo(14);
  }

  @Test
  void withoutAdminCredentialsIs401() {
    assertThat(h.get("/api/usage?period=24h").statusCode()).isEqualTo(401);
    assertThat(h.get("/api/usage", "authorization", "Bearer wrong-token").statusCode()).isEqualTo(401);
  }

  @Test
  void malformedOrOutOfRangeParametersAre400NamingThem() {
    String[][] cases = {
        {"?granularity=week", "granularity"},
        {"?period=1y", "period"},
        {"?from=yesterday", "from"},
        {"?period=7d&from=2026-01-01", "period"},
        {"?period=7d&granularity=minute", "granularity"},
        {"?period=90d&granularity=hour", "granularity"},
        {"?group_by=user", "group_by"},
        {"?to=2026-01-01T00:00:00Z", "from"},
        {"?token=" + "x".repeat(101), "token"},
        {"?token=%2A", "token"},
        {"?key=%2A", "key"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = get(c[0]);
      assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).as(c[0]).isEqualTo(c[1]);
    }
    HttpResponse<String> backwards = get("?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z");
    assertThat(backwards.statusCode()).isEqualTo(400);
    assertThat(backwards.body()).contains("\"param\":\"from\"");
  }

  @Test
  void malformedModelPricesAreRefusedOnSaveNamingTheModelAndField() {
    HttpResponse<String> r = h.putConfig("{\"MODEL_PRICES\": {\"gemini-2.5-pro\": {\"input\": \"cheap\", \"output\": 1}}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains("\"param\":\"MODEL_PRICES\"").contains("gemini-2.5-pro").contains("input");
    HttpResponse<String> missing = h.putConfig("{\"MODEL_PRICES\": {\"gemini-x\": {\"input\": 1}}}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("gemini-x").contains("output");
    // Nothing was saved: the prices in force still price pro.
    assertThat(json("?period=24h&model=gemini-2.5-pro").getJsonObject("totals").getValue("cost_usd")).isNotNull();
  }
}
