package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.geminibalance.storage.RequestLogRow;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LogCapture;
import io.geminibalance.testing.Replies;
import io.geminibalance.upstream.UpstreamExecutor;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * X-Request-Id: the client's usable id or one of ours, returned on every answer, stored in the log
 * rows, and on the process log lines of the request, upstream callbacks included.
 */
class RequestIdTest {
  private static final String UNARY = "/v1beta/models/gemini-2.5-flash:generateContent";
  private static final String OURS = "[0-9a-z]+-[0-9a-z]+";
  private static GatewayHarness h;

  @BeforeAll
  static void start() {
    h = GatewayHarness.start();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void aClientsIdIsReturnedAndStoredInItsRequestLogRow() throws Exception {
    Instant before = Instant.now().minusSeconds(5);
    HttpResponse<String> answer = h.post(UNARY, "{}", "x-goog-api-key", CLIENT_TOKEN, "x-request-id", "trace-1.a_B");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().allValues("x-request-id")).containsExactly("trace-1.a_B");
    assertThat(rowsOf("trace-1.a_B", before)).hasSize(1);
  }

  @Test
  void withoutAnIdTheGatewayGivesOneAndStoresThatOne() throws Exception {
    Instant before = Instant.now().minusSeconds(5);
    HttpResponse<String> answer = h.post(UNARY, "{}", "x-goog-api-key", CLIENT_TOKEN);

    String id = answer.headers().firstValue("x-request-id").orElseThrow();
    assertThat(id).matches(OURS);
    assertThat(rowsOf(id, before)).hasSize(1);
  }

  @Test
  void anUnusableIdIsReplacedByOneOfOurs() {
    List<String> unusable = List.of("has space", "x".repeat(65), "a/b", "semi;colon", "\u00e9t\u00e9",
        GatewayHarness.KEY_A, CLIENT_TOKEN);
    for (String given : unusable) {
      HttpResponse<String> answer = h.post(UNARY, "{}", "x-goog-api-key", CLIENT_TOKEN, "x-request-id", given);
      assertThat(answer.headers().allValues("x-request-id")).as(given).hasSize(1);
      assertThat(answer.headers().firstValue("x-request-id").orElseThrow()).as(given).matches(OURS);
    }
    assertThat(RequestIds.usable("x".repeat(64))).isTrue();
    assertThat(RequestIds.usable("")).isFalse();
    assertThat(RequestIds.usable(null)).isFalse();
  }

  @Test
  void refusalsAndErrorsOnEverySurfaceCarryTheId() {
    HttpResponse<String> nativeUnauthenticated = h.post(UNARY, "{}", "x-request-id", "r-native");
    HttpResponse<String> openAiUnauthenticated = h.post("/v1/chat/completions", "{}", "x-request-id", "r-openai");
    HttpResponse<String> anthropicUnauthenticated = h.post("/v1/messages", "{}", "x-request-id", "r-anthropic");
    HttpResponse<String> adminUnauthenticated = h.get("/api/config", "x-request-id", "r-admin");
    HttpResponse<String> noRoute = h.get("/nowhere", "x-request-id", "r-404");
    HttpResponse<String> malformedOpenAi = h.post("/v1/chat/completions", "{not json",
        "authorization", "Bearer " + CLIENT_TOKEN, "content-type", "application/json", "x-request-id", "r-bad");
    HttpResponse<String> health = h.get("/health");

    assertAnswered(nativeUnauthenticated, 401, "r-native");
    assertAnswered(openAiUnauthenticated, 401, "r-openai");
    assertAnswered(anthropicUnauthenticated, 401, "r-anthropic");
    assertAnswered(adminUnauthenticated, 401, "r-admin");
    assertAnswered(noRoute, 404, "r-404");
    assertAnswered(malformedOpenAi, 400, "r-bad");
    assertThat(health.headers().firstValue("x-request-id").orElseThrow()).matches(OURS);
  }

  @Test
  void aLineLoggedInTheUpstreamCallbackCarriesTheRequestsId() {
    h.fake.on(r -> r.bodyText().contains("refuse-me"),
        Replies.googleError(400, "INVALID_ARGUMENT", "bad request"));
    Logger executorLog = (Logger) LoggerFactory.getLogger(UpstreamExecutor.class);
    Level level = executorLog.getLevel();
    executorLog.setLevel(Level.DEBUG);
    try (LogCapture log = new LogCapture()) {
      HttpResponse<String> answer = h.post(UNARY, "{\"refuse-me\":1}", "x-goog-api-key", CLIENT_TOKEN,
          "x-request-id", "callback-line-7");

      assertThat(answer.statusCode()).isEqualTo(400);
      // UpstreamExecutor logs each failed attempt once Google's answer is in: in the HTTP client's
      // callback, on an event loop, hops away from the handler that took the request.
      List<String> lines = log.text().lines().filter(line -> line.contains("UpstreamExecutor")).toList();
      assertThat(lines).anySatisfy(line -> assertThat(line)
          .contains("vert.x-eventloop")
          .contains(" request=callback-line-7 - ")
          .contains("attempt 1"));
    } finally {
      executorLog.setLevel(level);
    }
  }

  private static void assertAnswered(HttpResponse<String> answer, int status, String id) {
    assertThat(answer.statusCode()).as(id).isEqualTo(status);
    assertThat(answer.headers().allValues("x-request-id")).as(id).containsExactly(id);
  }

  private static List<RequestLogRow> rowsOf(String id, Instant from) throws Exception {
    for (int i = 0; i < 100; i++) {
      List<RequestLogRow> rows = h.gateway.persistence().storage().requestLogs()
          .recent(from, Instant.now().plusSeconds(5), null, 1000).get(10, TimeUnit.SECONDS).stream()
          .filter(row -> id.equals(row.requestId())).toList();
      if (!rows.isEmpty()) {
        return rows;
      }
      Thread.sleep(100);
    }
    return List.of();
  }
}
