package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static io.geminibalance.testing.GatewayHarness.KEY_A;
import static io.geminibalance.testing.GatewayHarness.KEY_B;
import static io.geminibalance.testing.GatewayHarness.KEY_C;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.GoogleErrorBodies;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import io.geminibalance.testing.Reply;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyRotationAndFailoverTest {
  static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  GatewayHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  private HttpResponse<String> generate() {
    return h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN);
  }

  private List<String> keysUsed() {
    return h.fake.requests(":generateContent").stream().map(Recorded::key).toList();
  }

  @Test
  void requestsRotateFairlyOverAllKeys() {
    h = GatewayHarness.start();
    for (int i = 0; i < 9; i++) {
      assertThat(generate().statusCode()).isEqualTo(200);
    }
    Map<String, Long> perKey = keysUsed().stream().collect(Collectors.groupingBy(Function.identity(),
        Collectors.counting()));
    assertThat(perKey).containsOnly(Map.entry(KEY_A, 3L), Map.entry(KEY_B, 3L), Map.entry(KEY_C, 3L));
  }

  @Test
  void invalidKeyFailsOverAtOnceAndIsDisabled() {
    h = GatewayHarness.start();
    h.fake.on(r -> KEY_A.equals(r.key()), Replies.invalidKey());
    for (int i = 0; i < 6; i++) {
      assertThat(generate().statusCode()).isEqualTo(200);
    }
    assertThat(keysUsed().stream().filter(KEY_A::equals)).hasSize(1);
    assertThat(h.get("/health").body()).contains("\"disabled\":1");
  }

  @Test
  void rateLimitedKeyFailsOverAndCoolsDownWithoutCountingAsFailure() {
    h = GatewayHarness.start(Map.of("MAX_FAILURES", "1"));
    h.fake.on(r -> KEY_A.equals(r.key()), Replies.rateLimited("30s"));
    for (int i = 0; i < 6; i++) {
      assertThat(generate().statusCode()).isEqualTo(200);
    }
    assertThat(keysUsed().stream().filter(KEY_A::equals)).hasSize(1);
    assertThat(h.get("/health").body()).contains("\"disabled\":0");
  }

  /** A reason naming the key that the classifier does not know: counted, not trusted at once. */
  private static Reply unknownKeyProblem() {
    return Replies.googleError(403, "PERMISSION_DENIED", "Permission denied",
        "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_SOMETHING_NEW\"}");
  }

  @Test
  void keyIsDisabledAfterMaxFailuresOfUnknownKeyProblems() {
    h = GatewayHarness.start(Map.of("MAX_FAILURES", "2"));
    h.fake.on(r -> KEY_A.equals(r.key()), unknownKeyProblem());
    for (int i = 0; i < 12; i++) {
      assertThat(generate().statusCode()).isEqualTo(200);
    }
    assertThat(keysUsed().stream().filter(KEY_A::equals)).hasSize(2);
    assertThat(h.get("/health").body()).contains("\"disabled\":1");
  }

  @Test
  void successResetsTheFailureCount() {
    h = GatewayHarness.start(Map.of("MAX_FAILURES", "2", "API_KEYS", KEY_A));
    h.fake.on(r -> true, unknownKeyProblem(), 1);
    assertThat(generate().statusCode()).isEqualTo(403);
    assertThat(generate().statusCode()).isEqualTo(200);
    h.fake.on(r -> true, unknownKeyProblem(), 1);
    assertThat(generate().statusCode()).isEqualTo(403);
    assertThat(h.get("/health").body()).contains("\"disabled\":0");
  }

  @Test
  void aKeyWhoseProjectDisabledTheApiIsDisabledAtOnceAndRestoredByTheRecheck() throws Exception {
    h = GatewayHarness.start(Map.of("MAX_FAILURES", "3"));
    h.fake.on(r -> KEY_A.equals(r.key()) && r.pathEndsWith(":generateContent"),
        Replies.json(403, GoogleErrorBodies.SERVICE_DISABLED), 1);
    for (int i = 0; i < 6; i++) {
      assertThat(generate().statusCode()).isEqualTo(200);
    }
    assertThat(keysUsed().stream().filter(KEY_A::equals)).hasSize(1);
    assertThat(h.gateway.pool().snapshot().keys().get(0).disabledReason()).contains("SERVICE_DISABLED");
    int restored = h.gateway.recheckDisabledKeys().await(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(restored).isEqualTo(1);
    assertThat(h.gateway.pool().snapshot().disabled()).isZero();
  }

  @Test
  void noUsableKeyAnswers503AtOnceWithoutCallingUpstream() {
    h = GatewayHarness.start();
    h.fake.on(r -> true, Replies.invalidKey());
    HttpResponse<String> exhausted = generate();
    assertThat(exhausted.statusCode()).isEqualTo(400);
    assertThat(exhausted.body()).contains("API_KEY_INVALID");
    assertThat(h.fake.requests()).hasSize(3);
    HttpResponse<String> r = generate();
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("\"status\":\"UNAVAILABLE\"");
    assertThat(r.headers().firstValue("x-should-retry")).hasValue("false");
    assertThat(h.fake.requests()).hasSize(3);
  }

  @Test
  void emptyKeyPoolAnswers503() {
    h = GatewayHarness.start(Map.of("API_KEYS", "[]"));
    assertThat(generate().statusCode()).isEqualTo(503);
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void clientErrorsAreAnsweredAtOnceWithoutRetryOrPenalty() {
    h = GatewayHarness.start(Map.of("MAX_FAILURES", "1"));
    String bad = Replies.googleErrorBody(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(400, bad), 1);
    h.fake.on(r -> r.pathEndsWith(":generateContent"),
        Replies.googleError(404, "NOT_FOUND", "models/nope is not found"), 1);
    HttpResponse<String> r400 = generate();
    assertThat(r400.statusCode()).isEqualTo(400);
    assertThat(r400.body()).isEqualTo(bad);
    assertThat(generate().statusCode()).isEqualTo(404);
    assertThat(h.fake.requests()).hasSize(2);
    assertThat(h.get("/health").body()).contains("\"disabled\":0");
  }

  @Test
  void serverErrorsAreRetriedAMaxRetriesBoundedNumberOfTimes() {
    h = GatewayHarness.start(Map.of("MAX_RETRIES", "1"));
    String body = Replies.googleErrorBody(500, "INTERNAL", "An internal error has occurred.");
    h.fake.on(r -> true, Replies.json(500, body));
    HttpResponse<String> r = generate();
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).isEqualTo(body);
    assertThat(h.fake.requests()).hasSize(2);
    assertThat(keysUsed()).doesNotHaveDuplicates();
    assertThat(h.get("/health").body()).contains("\"disabled\":0");
  }

  @Test
  void lastUpstreamRateLimitReachesTheClientWithRetryAfter() {
    h = GatewayHarness.start();
    h.fake.on(r -> true, Replies.rateLimited("17s"));
    HttpResponse<String> r = generate();
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).hasValue("17");
    assertThat(r.body()).contains("RESOURCE_EXHAUSTED");
    HttpResponse<String> cooled = generate();
    assertThat(cooled.statusCode()).isEqualTo(429);
    assertThat(cooled.body()).contains("gateway");
    assertThat(h.fake.requests()).hasSize(3);
  }

  @Test
  void connectionErrorsAreRetriedOnAnotherKey() {
    h = GatewayHarness.start();
    h.fake.on(r -> true, Replies.dropConnection(), 1);
    assertThat(generate().statusCode()).isEqualTo(200);
    assertThat(h.fake.requests()).hasSize(2);
  }

  @Test
  void upstreamTimeoutGives504AfterRetries() {
    h = GatewayHarness.start(Map.of("TIME_OUT", "1", "MAX_RETRIES", "1"));
    h.fake.on(r -> true, Replies.hang());
    HttpResponse<String> r = generate();
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).contains("DEADLINE_EXCEEDED");
    assertThat(h.fake.requests()).hasSize(2);
  }

  @Test
  void disabledKeysAreRecheckedWithTheTestModelAndRestoredWhenTheyPass() throws Exception {
    h = GatewayHarness.start(Map.of("TEST_MODEL", "gemini-test-lite"));
    h.fake.on(r -> KEY_A.equals(r.key()), Replies.invalidKey(), 1);
    assertThat(generate().statusCode()).isEqualTo(200);
    assertThat(h.get("/health").body()).contains("\"disabled\":1");
    int restored = h.gateway.recheckDisabledKeys().await(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(restored).isEqualTo(1);
    assertThat(h.fake.requests().get(h.fake.requests().size() - 1).path())
        .isEqualTo("/v1beta/models/gemini-test-lite:generateContent");
    assertThat(h.get("/health").body()).contains("\"disabled\":0");
  }

  @Test
  void recheckKeepsKeysThatStillFailDisabled() throws Exception {
    h = GatewayHarness.start();
    h.fake.on(r -> KEY_A.equals(r.key()), Replies.invalidKey());
    generate();
    int restored = h.gateway.recheckDisabledKeys().await(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(restored).isZero();
    assertThat(h.get("/health").body()).contains("\"disabled\":1");
  }
}
