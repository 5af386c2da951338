package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static io.geminibalance.testing.GatewayHarness.KEY_A;
import static io.geminibalance.testing.GatewayHarness.KEY_B;
import static io.geminibalance.testing.GatewayHarness.KEY_C;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.keypool.PoolSnapshot;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.GoogleErrorBodies;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Errors a client provokes (a foreign fileUri, a stray OAuth token, a file still processing) go
 * back to it at once and never count against the pool's keys: on the old classifier, 12 requests
 * answered 403 "You do not have permission to access the File ..." disabled all three keys.
 */
class ClientMistakesBlameNoKeyTest {
  private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  private static final ObjectMapper JSON = new ObjectMapper();
  GatewayHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void fiftyForbiddenFileRequestsLeaveEveryKeyUsableAndReachGoogleOnceEach() throws Exception {
    // Without isolation a file the gateway has no record of goes out in rotation (with it, such a
    // request is refused before Google: ResourceAffinityTest).
    h = GatewayHarness.start(java.util.Map.of("FILES_USER_ISOLATION_ENABLED", "false"));
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(403, GoogleErrorBodies.FOREIGN_FILE));

    for (int i = 0; i < 50; i++) {
      HttpResponse<String> r = h.post(GENERATE, "{\"contents\":[{\"parts\":[{\"fileData\":{\"fileUri\":"
          + "\"https://generativelanguage.googleapis.com/v1beta/files/abc123xyz\"}}]}]}",
          "x-goog-api-key", CLIENT_TOKEN);
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).isEqualTo(GoogleErrorBodies.FOREIGN_FILE);
    }

    assertThat(h.fake.requests(":generateContent")).as("no retries on other keys").hasSize(50);
    Map<String, Long> perKey = h.fake.requests(":generateContent").stream()
        .collect(Collectors.groupingBy(Recorded::key, Collectors.counting()));
    assertThat(perKey.keySet()).containsExactlyInAnyOrder(KEY_A, KEY_B, KEY_C);
    assertEveryKeyUsable();
  }

  @Test
  void aStrayAccessTokenOnTheOpenAiSurfaceIsTheClientsOwn401() throws Exception {
    h = GatewayHarness.start();
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(401, GoogleErrorBodies.STRAY_ACCESS_TOKEN));

    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = h.post("/v1/chat/completions",
          "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
          "authorization", "Bearer " + CLIENT_TOKEN, "content-type", "application/json");
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(JSON.readTree(r.body()).at("/error/message").asText())
          .contains("Request had invalid authentication credentials");
    }

    assertThat(h.fake.requests(":generateContent")).hasSize(10);
    assertEveryKeyUsable();
  }

  @Test
  void aFileStillProcessingIsTheRequestsOwnPrecondition() throws Exception {
    h = GatewayHarness.start(Map.of("MAX_FAILURES", "1"));
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(400, GoogleErrorBodies.FILE_NOT_ACTIVE));

    for (int i = 0; i < 6; i++) {
      assertThat(h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(400);
    }

    assertThat(h.fake.requests(":generateContent")).hasSize(6);
    assertEveryKeyUsable();
  }

  /** By the pool itself and as the admin sees it in {@code GET /api/pool}. */
  private void assertEveryKeyUsable() throws Exception {
    PoolSnapshot snapshot = h.gateway.pool().snapshot();
    assertThat(snapshot.disabled()).isZero();
    assertThat(snapshot.keys()).allSatisfy(k -> assertThat(k.failures()).isZero());
    JsonNode pool = JSON.readTree(h.get("/api/pool", "authorization", "Bearer " + ADMIN_TOKEN).body());
    Map<String, JsonNode> models = StreamSupport.stream(pool.path("models").spliterator(), false)
        .collect(Collectors.toMap(m -> m.path("model").asText(), Function.identity()));
    JsonNode flash = models.get("gemini-2.5-flash");
    assertThat(flash).isNotNull();
    assertThat(flash.path("disabled").asInt()).isZero();
    assertThat(flash.path("usable").asInt()).isEqualTo(3);
  }
}
