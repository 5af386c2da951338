package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.PoolSnapshot;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * EMPTY_RESPONSE_RETRY: an empty non-streamed answer (no candidates, or no parts, nothing blocked)
 * is retried once on another key, counted in /api/pool, logged as "empty answer, retried", and
 * blames no key; a second empty answer goes to the client; blocked prompts and MAX_TOKENS are not
 * empty; the switch applies as soon as it is saved.
 */
class EmptyAnswerRetryTest {
  static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  static final String NO_PARTS = "{\"candidates\":[{\"content\":{\"role\":\"model\"},\"finishReason\":\"STOP\","
      + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3,\"totalTokenCount\":3},\"modelVersion\":\"m\"}";
  static final String NO_CANDIDATES = "{\"usageMetadata\":{\"promptTokenCount\":3,\"totalTokenCount\":3}}";
  static final String BLOCKED = "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":"
      + "{\"promptTokenCount\":3,\"totalTokenCount\":3}}";
  static final String MAX_TOKENS = "{\"candidates\":[{\"content\":{\"role\":\"model\"},\"finishReason\":"
      + "\"MAX_TOKENS\",\"index\":0}]}";

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("MAX_RETRIES", "3"));

  static HttpResponse<String> generate() {
    return h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN);
  }

  static JsonObject emptyAnswers() {
    return new JsonObject(h.get("/api/pool", "authorization", "Bearer " + ADMIN_TOKEN).body())
        .getJsonObject("emptyAnswers");
  }

  static void emptyFirst(String answer, int times) {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, answer), times);
  }

  @Test
  void anAnswerWithoutPartsIsRetriedOnceOnAnotherKeyAndBlamesNoKey() {
    long retriedBefore = emptyAnswers().getLong("retried");
    emptyFirst(NO_PARTS, 1);
    HttpResponse<String> r = generate();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(Replies.TEXT_RESPONSE);
    List<Recorded> calls = h.fake.requests(":generateContent");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).key()).isNotEqualTo(calls.get(1).key());
    assertThat(emptyAnswers().getLong("retried")).isEqualTo(retriedBefore + 1);
    PoolSnapshot snapshot = h.gateway.pool().snapshot();
    assertThat(snapshot.keys()).allSatisfy(k -> {
      assertThat(k.failures()).isZero();
      assertThat(k.disabled()).isFalse();
    });
  }

  @Test
  void anOpenAiAnswerWithoutCandidatesIsRetriedToo() {
    emptyFirst(NO_CANDIDATES, 1);
    HttpResponse<String> r = h.post("/v1/chat/completions", "{\"model\":\"gemini-2.5-flash\",\"messages\":"
        + "[{\"role\":\"user\",\"content\":\"hi\"}]}", "authorization", "Bearer " + CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getString("content")).isEqualTo("Hello from fake");
    assertThat(h.fake.requests(":generateContent")).hasSize(2);
  }

  @Test
  void aSecondEmptyAnswerGoesToTheClientAsItIs() {
    long returnedBefore = emptyAnswers().getLong("returned");
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, NO_PARTS));
    HttpResponse<String> r = generate();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(NO_PARTS);
    assertThat(h.fake.requests(":generateContent")).as("retried once, not once per key").hasSize(2);
    assertThat(emptyAnswers().getLong("returned")).isEqualTo(returnedBefore + 1);
  }

  @Test
  void whenTheRetryFailsTheClientGetsTheEmptyAnswerNotTheRetrysError() {
    long returnedBefore = emptyAnswers().getLong("returned");
    emptyFirst(NO_PARTS, 1);
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.googleError(503, "UNAVAILABLE", "overloaded"));
    HttpResponse<String> r = generate();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(NO_PARTS);
    assertThat(h.fake.requests(":generateContent")).hasSizeGreaterThan(1);
    assertThat(emptyAnswers().getLong("returned")).isEqualTo(returnedBefore + 1);
  }

  @Test
  void theRetriedAttemptIsLoggedAsAnEmptyAnswer() throws Exception {
    emptyFirst(NO_PARTS, 1);
    assertThat(generate().statusCode()).isEqualTo(200);
    String admin = "Bearer " + ADMIN_TOKEN;
    long deadline = System.currentTimeMillis() + 10_000;
    JsonObject row = null;
    while (row == null && System.currentTimeMillis() < deadline) {
      JsonArray logs = new JsonObject(h.get("/api/logs/errors", "authorization", admin).body()).getJsonArray("logs");
      for (int i = 0; i < logs.size(); i++) {
        JsonObject candidate = logs.getJsonObject(i);
        if (Integer.valueOf(200).equals(candidate.getInteger("error_code"))) {
          row = candidate;
        }
      }
      if (row == null) {
        Thread.sleep(100);
      }
    }
    assertThat(row).as("an error log row for the empty attempt").isNotNull();
    assertThat(row.getString("error_type")).isEqualTo("gemini-chat-non-stream");
    JsonObject details = new JsonObject(h.get("/api/logs/errors/" + row.getLong("id") + "/details",
        "authorization", admin).body());
    assertThat(details.getString("error_log")).isEqualTo("empty answer, retried");
  }

  @Test
  void aBlockedPromptOrAnAnswerCutByMaxTokensIsNotRetried() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, BLOCKED), 1);
    assertThat(generate().body()).isEqualTo(BLOCKED);
    assertThat(h.fake.requests(":generateContent")).hasSize(1);
    h.fake.reset();
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, MAX_TOKENS), 1);
    assertThat(generate().body()).isEqualTo(MAX_TOKENS);
    assertThat(h.fake.requests(":generateContent")).hasSize(1);
  }

  @Test
  void theSwitchAppliesAsSoonAsItIsSaved() {
    try {
      assertThat(h.putConfig("{\"EMPTY_RESPONSE_RETRY\":false}").statusCode()).isEqualTo(200);
      emptyFirst(NO_PARTS, 1);
      HttpResponse<String> r = generate();
      assertThat(r.body()).isEqualTo(NO_PARTS);
      assertThat(h.fake.requests(":generateContent")).hasSize(1);
    } finally {
      assertThat(h.putConfig("{\"EMPTY_RESPONSE_RETRY\":true}").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aBadValueIsRefusedNamingTheSetting() {
    HttpResponse<String> r = h.putConfig("{\"EMPTY_RESPONSE_RETRY\":\"sometimes\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("EMPTY_RESPONSE_RETRY");
  }
}
