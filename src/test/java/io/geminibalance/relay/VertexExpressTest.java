package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static io.geminibalance.testing.GatewayHarness.KEY_A;
import static io.geminibalance.testing.GatewayHarness.KEY_B;
import static io.geminibalance.testing.GatewayHarness.KEY_C;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.ErrorLogRow;
import io.geminibalance.testing.FakeGemini;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import io.geminibalance.testing.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Vertex Express surface ({@code /vertex-express/v1beta}, {@code /v1}): its own pool
 * (VERTEX_API_KEYS) in front of its own upstream (VERTEX_EXPRESS_BASE_URL, here a second fake), kept
 * apart from the Gemini pool both ways, with the Gemini pool's classification, retries, disables
 * and re-checks.
 */
class VertexExpressTest {
  static final String VA = "AQ.vertex-aaaa-1111";
  static final String VB = "AQ.vertex-bbbb-2222";
  static final String VC = "AQ.vertex-cccc-3333";
  static final List<String> VERTEX_KEYS = List.of(VA, VB, VC);
  static final List<String> GEMINI_KEYS = List.of(KEY_A, KEY_B, KEY_C);
  static final String GENERATE = "/vertex-express/v1beta/models/gemini-2.5-flash:generateContent";
  /** The upstream path below the default VERTEX_EXPRESS_BASE_URL's shape. */
  static final String UPSTREAM_PREFIX = "/v1beta1/publishers/google";

  static Vertx fakeVertx;
  static FakeGemini vertexFake;
  GatewayHarness h;

  @BeforeAll
  static void startVertexFake() {
    fakeVertx = Vertx.vertx();
    vertexFake = FakeGemini.start(fakeVertx);
  }

  @AfterAll
  static void stopVertexFake() throws Exception {
    vertexFake.close();
    fakeVertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void resetFake() {
    vertexFake.reset();
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  static String vertexBaseUrl() {
    return vertexFake.baseUrl().replace("/v1beta", UPSTREAM_PREFIX);
  }

  private GatewayHarness start(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("VERTEX_API_KEYS", "[\"" + String.join("\",\"", VERTEX_KEYS) + "\"]");
    env.put("VERTEX_EXPRESS_BASE_URL", vertexBaseUrl());
    env.putAll(overrides);
    h = GatewayHarness.start(env);
    vertexFake.reset();
    return h;
  }

  private HttpResponse<String> generate() {
    return h.post(GENERATE, "{\"contents\":[]}", "x-goog-api-key", CLIENT_TOKEN);
  }

  private static List<String> vertexKeysUsed() {
    return vertexFake.requests(":generateContent").stream().map(Recorded::key).toList();
  }

  /** Vertex AI Express is Google too: its calls go through PROXIES like the Gemini pool's. */
  @Test
  void itsCallsGoThroughPROXIES() {
    try (io.geminibalance.testing.LocalProxy socks = io.geminibalance.testing.LocalProxy.start(
        io.geminibalance.testing.LocalProxy.Kind.SOCKS5, "sockuser", "sock-pass-1")) {
      h = start(Map.of("PROXIES", "[\"" + socks.url() + "\"]"));
      socks.clearSeen();
      for (int i = 0; i < 3; i++) {
        assertThat(generate().statusCode()).isEqualTo(200);
      }
      assertThat(vertexKeysUsed()).hasSize(3);
      assertThat(socks.keysSeen()).containsExactlyElementsOf(vertexKeysUsed());
    }
  }

  @Test
  void fakeStreamingServesItsStreamsFromOneGenerateContentOnItsOwnUpstream() {
    h = start(Map.of("FAKE_STREAM_ENABLED", "true", "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", "1"));
    vertexFake.on(r -> r.pathEndsWith(":generateContent"),
        Replies.delayed(2_500, Replies.json(200, Replies.TEXT_RESPONSE)));
    HttpResponse<String> r = h.post("/vertex-express/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        "{\"contents\":[]}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith(": keepalive\n\n").contains("Hello from fake").contains("\"finishReason\":\"STOP\"");
    assertThat(vertexFake.requests(":generateContent")).hasSize(1);
    assertThat(vertexFake.requests(":generateContent").get(0).path()).startsWith(UPSTREAM_PREFIX);
    assertThat(vertexFake.requests(":streamGenerateContent")).isEmpty();
    assertThat(h.fake.requests(":generateContent")).as("nothing on the Gemini upstream").isEmpty();
  }

  @Test
  void generationGoesToTheVertexUpstreamWithVertexKeysAndNeverTheClientToken() {
    start(Map.of());
    for (String path : List.of(GENERATE, "/vertex-express/v1/models/gemini-2.5-flash:generateContent")) {
      HttpResponse<String> r = h.post(path, "{\"contents\":[]}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("Hello from fake");
    }
    assertThat(h.post(GENERATE + "?key=" + CLIENT_TOKEN + "&alt=json", "{}").statusCode()).isEqualTo(200);
    List<Recorded> upstream = vertexFake.requests();
    assertThat(upstream).hasSize(3);
    assertThat(upstream).extracting(Recorded::path)
        .containsOnly(UPSTREAM_PREFIX + "/models/gemini-2.5-flash:generateContent");
    assertThat(upstream).extracting(Recorded::key).allMatch(VERTEX_KEYS::contains);
    assertThat(upstream.get(2).query()).isEqualTo("alt=json");
    for (Recorded r : upstream) {
      assertThat(r.headers().toString() + r.query() + r.bodyText()).doesNotContain(CLIENT_TOKEN);
    }
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void theNativeSurfaceKeepsToTheGeminiPool() {
    start(Map.of());
    for (int i = 0; i < 6; i++) {
      assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN)
          .statusCode()).isEqualTo(200);
      assertThat(generate().statusCode()).isEqualTo(200);
    }
    assertThat(h.fake.requests(":generateContent")).extracting(Recorded::key).allMatch(GEMINI_KEYS::contains)
        .hasSize(6);
    assertThat(vertexKeysUsed()).allMatch(VERTEX_KEYS::contains).hasSize(6).containsAll(VERTEX_KEYS);
  }

  @Test
  void streamsCountTokensAndThePublisherFormOfTheSdk() {
    start(Map.of());
    HttpResponse<String> stream = h.post("/vertex-express/v1beta/models/gemini-2.5-flash:streamGenerateContent"
        + "?alt=sse", "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
        .startsWith("text/event-stream"));
    assertThat(stream.body()).contains("Hello").contains(" from").contains(" fake").contains("data: ");
    assertThat(h.post("/vertex-express/v1beta/models/gemini-2.5-flash:countTokens", "{}", "x-goog-api-key",
        CLIENT_TOKEN).body()).contains("\"totalTokens\":5");
    assertThat(h.post("/vertex-express/v1beta/publishers/google/models/gemini-2.5-flash:generateContent", "{}",
        "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
    assertThat(vertexFake.requests()).extracting(Recorded::path).containsExactly(
        UPSTREAM_PREFIX + "/models/gemini-2.5-flash:streamGenerateContent",
        UPSTREAM_PREFIX + "/models/gemini-2.5-flash:countTokens",
        UPSTREAM_PREFIX + "/models/gemini-2.5-flash:generateContent");
    assertThat(vertexFake.requests().get(0).query()).isEqualTo("alt=sse");
  }

  /** Express mode lists no models: the list is the Gemini API's, fetched with a Gemini key. */
  @Test
  void theModelListComesFromTheGeminiPool() {
    start(Map.of());
    HttpResponse<String> list = h.get("/vertex-express/v1beta/models", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("models/gemini-2.5-flash").doesNotContain("gemini-pro-vision");
    assertThat(h.fake.requests()).singleElement().satisfies(r -> {
      assertThat(r.path()).isEqualTo("/v1beta/models");
      assertThat(GEMINI_KEYS).contains(r.key());
    });
    assertThat(vertexFake.requests()).isEmpty();
  }

  @Test
  void aRateLimitedVertexKeyIsRetriedOnAnotherAndCoolsDownWithoutBeingDisabled() {
    start(Map.of("MAX_FAILURES", "1"));
    vertexFake.on(r -> VA.equals(r.key()), Replies.rateLimited("30s"));
    for (int i = 0; i < 6; i++) {
      assertThat(generate().statusCode()).isEqualTo(200);
    }
    assertThat(vertexKeysUsed().stream().filter(VA::equals)).hasSize(1);
    assertThat(vertexHealth().getInteger("disabled")).isZero();
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void anInvalidVertexKeyIsDisabledAtOnceAndReportedApart() {
    start(Map.of());
    vertexFake.on(r -> VA.equals(r.key()), Replies.invalidKey());
    for (int i = 0; i < 6; i++) {
      assertThat(generate().statusCode()).isEqualTo(200);
    }
    assertThat(vertexKeysUsed().stream().filter(VA::equals)).hasSize(1);
    JsonObject health = new JsonObject(h.get("/health").body());
    assertThat(health.getJsonObject("vertexExpressKeys").getMap())
        .containsEntry("total", 3).containsEntry("disabled", 1).containsEntry("usable", 2);
    assertThat(health.getJsonObject("keys").getInteger("disabled")).isZero();
    String pool = h.get("/api/pool", "authorization", "Bearer " + ADMIN_TOKEN).body();
    JsonObject vertex = new JsonObject(pool).getJsonObject("vertexExpress");
    assertThat(vertex.getJsonObject("keyCounts").getInteger("disabled")).isEqualTo(1);
    assertThat(vertex.getString("baseUrl")).isEqualTo(vertexBaseUrl());
    assertThat(pool).doesNotContain(VA).doesNotContain(VB);
  }

  /** A reason naming the key that the classifier does not know: counted, disabled at MAX_FAILURES. */
  @Test
  void aVertexKeyIsDisabledAfterMaxFailuresAndRestoredByTheRecheck() throws Exception {
    start(Map.of("MAX_FAILURES", "2"));
    Reply unknown = Replies.googleError(403, "PERMISSION_DENIED", "Permission denied",
        "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_SOMETHING_NEW\"}");
    vertexFake.on(r -> VA.equals(r.key()), unknown);
    for (int i = 0; i < 12; i++) {
      assertThat(generate().statusCode()).isEqualTo(200);
    }
    assertThat(vertexKeysUsed().stream().filter(VA::equals)).hasSize(2);
    assertThat(vertexHealth().getInteger("disabled")).isEqualTo(1);
    assertThat(h.gateway.recheckDisabledKeys().await(10, TimeUnit.SECONDS)).isZero();
    vertexFake.reset();
    assertThat(h.gateway.recheckDisabledVertexExpressKeys().await(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(vertexFake.requests()).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo(VA);
      assertThat(r.path()).isEqualTo(UPSTREAM_PREFIX + "/models/gemini-2.5-flash-lite:generateContent");
    });
    assertThat(vertexHealth().getInteger("disabled")).isZero();
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void failedAttemptsAreLoggedAsVertexExpress() throws Exception {
    start(Map.of("VERTEX_API_KEYS", VA));
    vertexFake.on(r -> true, Replies.googleError(400, "INVALID_ARGUMENT", "Request contains an invalid argument."));
    assertThat(generate().statusCode()).isEqualTo(400);
    ErrorLogRow row = ErrorLogRequestBodyTest.awaitErrorRow(h);
    assertThat(row.errorType()).isEqualTo("vertex-express-chat-non-stream");
    assertThat(row.model()).isEqualTo("gemini-2.5-flash");
    assertThat(row.toString()).doesNotContain(VA).doesNotContain(CLIENT_TOKEN);
  }

  @Test
  void withoutVertexKeysAModelCallIs503NamingTheSettingAndNothingGoesUpstream() {
    h = GatewayHarness.start(Map.of("VERTEX_EXPRESS_BASE_URL", vertexBaseUrl()));
    HttpResponse<String> r = generate();
    assertThat(r.statusCode()).isEqualTo(503);
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(503);
    assertThat(error.getString("status")).isEqualTo("UNAVAILABLE");
    assertThat(error.getString("message")).contains("VERTEX_API_KEYS");
    assertThat(vertexFake.requests()).isEmpty();
    assertThat(h.fake.requests()).isEmpty();
    assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN)
        .statusCode()).isEqualTo(200);
    assertThat(new JsonObject(h.get("/health").body()).containsKey("vertexExpressKeys")).isFalse();
    assertThat(h.get("/vertex-express/v1beta/models", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
    assertThat(vertexFake.requests()).isEmpty();
  }

  @Test
  void badRequestsAreRefusedInGooglesShapeBeforeAnythingGoesUpstream() {
    start(Map.of());
    record Case(String method, String path, String token, int status) {}
    List<Case> cases = List.of(
        new Case("POST", GENERATE, null, 401),
        new Case("POST", GENERATE, "not-a-token", 401),
        new Case("POST", "/vertex-express/v1beta/models/gemini-2.5-flash:embedContent", CLIENT_TOKEN, 404),
        new Case("POST", "/vertex-express/v1beta/models/gemini-2.5-flash:batchEmbedContents", CLIENT_TOKEN, 404),
        new Case("POST", "/vertex-express/v1beta/models/gemini-2.5-flash:predict", CLIENT_TOKEN, 404),
        new Case("GET", GENERATE, CLIENT_TOKEN, 404),
        new Case("GET", "/vertex-express/v1beta/publishers/google/models", CLIENT_TOKEN, 404),
        new Case("POST", "/vertex-express/v1beta/files", CLIENT_TOKEN, 404),
        new Case("POST", "/vertex-express/v1beta/models/gemini%2F..:generateContent", CLIENT_TOKEN, 400),
        new Case("POST", "/vertex-express/v1beta/models/gemini 2.5:generateContent".replace(" ", "%20"),
            CLIENT_TOKEN, 400),
        new Case("POST", "/vertex-express/v2/models/gemini-2.5-flash:generateContent", CLIENT_TOKEN, 404));
    for (Case c : cases) {
      HttpRequest.Builder request = h.request(c.path());
      if (c.token() != null) {
        request.header("x-goog-api-key", c.token());
      }
      HttpResponse<String> r = h.send(request.method(c.method(), HttpRequest.BodyPublishers.ofString("{}")).build());
      assertThat(r.statusCode()).as(c.toString()).isEqualTo(c.status());
      JsonObject error = new JsonObject(r.body()).getJsonObject("error");
      assertThat(error.getInteger("code")).as(c.toString()).isEqualTo(c.status());
      assertThat(error.getString("message")).as(c.toString()).isNotBlank();
      assertThat(error.getString("status")).as(c.toString()).isNotBlank();
    }
    assertThat(vertexFake.requests()).isEmpty();
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void vertexKeysAndBaseUrlChangeLiveThroughTheConfigApi() {
    start(Map.of());
    assertThat(put("{\"VERTEX_API_KEYS\":[\"AQ.vertex-new-9999\"],\"VERTEX_EXPRESS_BASE_URL\":\""
        + vertexFake.baseUrl().replace("/v1beta", "/v1/publishers/google") + "\"}").statusCode()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      assertThat(generate().statusCode()).isEqualTo(200);
    }
    assertThat(vertexFake.requests()).extracting(Recorded::key).containsOnly("AQ.vertex-new-9999");
    assertThat(vertexFake.requests()).extracting(Recorded::path)
        .containsOnly("/v1/publishers/google/models/gemini-2.5-flash:generateContent");
    HttpResponse<String> bad = put("{\"VERTEX_EXPRESS_BASE_URL\":\"ftp://nowhere\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("VERTEX_EXPRESS_BASE_URL");
    String config = h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN).body();
    assertThat(config).contains("\"name\":\"VERTEX_API_KEYS\"").doesNotContain("AQ.vertex-new-9999");
    assertThat(put("{\"VERTEX_API_KEYS\":[]}").statusCode()).isEqualTo(200);
    assertThat(generate().statusCode()).isEqualTo(503);
  }

  @Test
  void aDisabledVertexKeyStaysDisabledAcrossARestart() {
    String db = GatewayHarness.tempDatabase();
    Map<String, String> env = Map.of("VERTEX_API_KEYS", "[\"" + String.join("\",\"", VERTEX_KEYS) + "\"]",
        "VERTEX_EXPRESS_BASE_URL", vertexBaseUrl());
    try (GatewayHarness first = GatewayHarness.start(env, db)) {
      vertexFake.on(r -> VA.equals(r.key()), Replies.invalidKey());
      for (int i = 0; i < 3; i++) {
        assertThat(first.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
      }
      assertThat(first.gateway.vertexExpressPool().snapshot().disabled()).isEqualTo(1);
    }
    vertexFake.reset();
    try (GatewayHarness second = GatewayHarness.start(env, db)) {
      assertThat(second.gateway.vertexExpressPool().snapshot().disabled()).isEqualTo(1);
      assertThat(second.gateway.pool().snapshot().disabled()).isZero();
      for (int i = 0; i < 4; i++) {
        assertThat(second.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
      }
      assertThat(vertexFake.requests()).extracting(Recorded::key).doesNotContain(VA);
    }
  }

  private JsonObject vertexHealth() {
    return new JsonObject(h.get("/health").body()).getJsonObject("vertexExpressKeys");
  }

  /**
   * The Vertex surface is the native pass-through too: its generation attempts are logged with the
   * usage read from the answers' tails (the fake's 3 + 4 whole, 3 + 3 in a stream's last event).
   */
  @Test
  void vertexAnswersAreLoggedWithTheirUsage() throws Exception {
    start(Map.of());
    java.time.Instant since = java.time.Instant.now().minusSeconds(5);
    assertThat(generate().statusCode()).isEqualTo(200);
    assertThat(h.post(GENERATE.replace(":generateContent", ":streamGenerateContent?alt=sse"), "{\"contents\":[]}",
        "x-goog-api-key", CLIENT_TOKEN).body()).contains("fake");
    io.geminibalance.storage.ModelUsage usage = null;
    for (int i = 0; i < 100 && (usage == null || usage.success() < 2); i++) {
      Thread.sleep(50);
      usage = h.gateway.persistence().storage().stats().perModel(since, java.time.Instant.now().plusSeconds(60))
          .join().stream().filter(m -> m.model().equals("gemini-2.5-flash")).findFirst().orElse(null);
    }
    assertThat(usage).isNotNull();
    assertThat(usage.success()).isEqualTo(2);
    assertThat(usage.promptTokens()).isEqualTo(3 + 3);
    assertThat(usage.completionTokens()).isEqualTo(4 + 3);
  }

  private HttpResponse<String> put(String body) {
    return h.send(h.request("/api/config", "authorization", "Bearer " + ADMIN_TOKEN, "content-type",
        "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
  }
}
