package io.geminibalance.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.FakeGemini;
import io.geminibalance.testing.MainProcess;
import io.geminibalance.testing.Replies;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM on the real launcher in its own JVM: the gateway drains (health 503 "draining", new
 * requests 503), lets a stream in flight finish within SHUTDOWN_GRACE_SECONDS, cuts and records
 * one that outlasts it, and has the request's rows in the database once it has exited.
 */
class GracefulShutdownTest {
  private static final String KEY = "AIzaSyShutdownTestKey0123456789abcdefgh";
  private static final String TOKEN = "sk-shutdown-client-token";
  private static final String ADMIN = "sk-shutdown-admin-token";
  private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** HTTP/1.1: one connection per exchange in flight, as most load balancers speak to a backend. */
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private FakeGemini fake;

  @BeforeEach
  void startUpstream() {
    vertx = Vertx.vertx();
    fake = FakeGemini.start(vertx);
  }

  @AfterEach
  void stopUpstream() throws Exception {
    fake.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aStreamInFlightFinishesWholeAndItsRowIsStoredBeforeExit() throws Exception {
    List<String> events = IntStream.range(0, 12).mapToObj(i -> Replies.chunk("part" + i)).toList();
    List<String> all = new ArrayList<>(events);
    all.add(Replies.finalChunk(" end"));
    fake.on(r -> r.path().endsWith(":streamGenerateContent"), Replies.sse(all, 250));
    try (MainProcess.Running gateway = MainProcess.start(env("30", "text"))) {
      int port = gateway.awaitPort(Duration.ofSeconds(60));
      CompletableFuture<HttpResponse<String>> stream = http.sendAsync(post(port, STREAM, "shutdown-stream-1"),
          HttpResponse.BodyHandlers.ofString());
      awaitUpstreamRequest();

      gateway.sigterm();

      HttpResponse<String> health = awaitDraining(port);
      assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("draining");
      HttpResponse<String> refused = http.send(post(port, "/v1beta/models/gemini-2.5-flash:generateContent",
          "shutdown-new-1"), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(refused.body()).at("/error/status").asText()).isEqualTo("UNAVAILABLE");
      assertThat(refused.headers().firstValue("x-request-id")).hasValue("shutdown-new-1");
      HttpResponse<String> openAiRefused = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + port + "/v1/chat/completions")).header("authorization", "Bearer " + TOKEN)
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(openAiRefused.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(openAiRefused.body()).at("/error/code").asText()).isEqualTo("shutting_down");

      HttpResponse<String> streamed = stream.get(60, TimeUnit.SECONDS);
      assertThat(streamed.statusCode()).isEqualTo(200);
      assertThat(streamed.body()).contains("part0", "part11", " end", "STOP");

      MainProcess.Outcome exit = gateway.awaitExit(Duration.ofSeconds(60));
      assertThat(exit.exitCode()).as(exit.output()).isNotEqualTo(MainProcess.STILL_RUNNING);
      assertThat(exit.stdout()).as(exit.exitCode() + " " + exit.stderr()).contains("Shutting down: no request in flight").doesNotContain("cut at shutdown")
          .doesNotContain("row dropped");
      assertThat(requestLogStatuses(gateway, "shutdown-stream-1")).containsExactly(200);
      assertThat(errorLogMessages(gateway, "shutdown-stream-1")).isEmpty();
    }
  }

  @Test
  void aStreamThatOutlastsTheGraceIsCutRecordedAndLoggedWithItsId() throws Exception {
    List<String> events = IntStream.range(0, 200).mapToObj(i -> Replies.chunk("slow" + i)).toList();
    fake.on(r -> r.path().endsWith(":streamGenerateContent"), Replies.sse(events, 250));
    try (MainProcess.Running gateway = MainProcess.start(env("1", "json"))) {
      int port = gateway.awaitPort(Duration.ofSeconds(60));
      CompletableFuture<HttpResponse<String>> stream = http.sendAsync(post(port, STREAM, "shutdown-cut-1"),
          HttpResponse.BodyHandlers.ofString());
      // The OpenAI surface logs a stream's attempt when the stream ends (with its usage): a cut too.
      CompletableFuture<HttpResponse<String>> openAi = http.sendAsync(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + port + "/v1/chat/completions")).header("authorization", "Bearer " + TOKEN)
          .header("content-type", "application/json").header("x-request-id", "shutdown-cut-openai")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gemini-2.5-flash\",\"stream\":true,"
              + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      awaitUpstreamRequests(2);

      gateway.sigterm();

      MainProcess.Outcome exit = gateway.awaitExit(Duration.ofSeconds(60));
      assertThat(exit.exitCode()).as(exit.output()).isNotEqualTo(MainProcess.STILL_RUNNING);
      // The client saw the stream break off: no final chunk.
      assertThat(stream.handle((answer, failure) -> answer == null || !answer.body().contains("slow199"))
          .get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(errorLogMessages(gateway, "shutdown-cut-1")).as(exit.output()).singleElement().asString()
          .startsWith("cut at shutdown");
      assertThat(requestLogStatuses(gateway, "shutdown-cut-1")).containsExactly(200);
      assertThat(openAi.handle((answer, failure) -> answer == null || !answer.body().contains("[DONE]"))
          .get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(errorLogMessages(gateway, "shutdown-cut-openai")).singleElement().asString()
          .startsWith("cut at shutdown");
      assertThat(requestLogStatuses(gateway, "shutdown-cut-openai")).containsExactly(200);
      // LOG_FORMAT=json: every line is a JSON object, none holds the key, the cut carries the id.
      List<JsonNode> lines = new ArrayList<>();
      assertThat(exit.stdout()).doesNotContain("row dropped");
      for (String line : exit.stdout().lines().filter(l -> !l.isBlank()).toList()) {
        assertThat(line).doesNotContain(KEY).doesNotContain(TOKEN);
        lines.add(JSON.readTree(line));
      }
      assertThat(lines).anySatisfy(line -> {
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(line.get("message").asText()).contains("cut at shutdown");
        assertThat(line.get("request_id").asText()).isEqualTo("shutdown-cut-1");
      });
      assertThat(lines).anySatisfy(line -> assertThat(line.get("message").asText())
          .contains("still busy after SHUTDOWN_GRACE_SECONDS"));
    }
  }

  private Map<String, String> env(String graceSeconds, String logFormat) {
    Map<String, String> env = new HashMap<>();
    env.put("API_KEYS", "[\"" + KEY + "\"]");
    env.put("ALLOWED_TOKENS", "[\"" + TOKEN + "\"]");
    env.put("AUTH_TOKEN", ADMIN);
    env.put("BASE_URL", fake.baseUrl());
    env.put("CHECK_INTERVAL_HOURS", "0");
    env.put("EVENT_LOOPS", "2");
    env.put("SHUTDOWN_GRACE_SECONDS", graceSeconds);
    env.put("LOG_FORMAT", logFormat);
    return env;
  }

  private HttpRequest post(int port, String path, String requestId) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("x-goog-api-key", TOKEN).header("x-request-id", requestId)
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")).build();
  }

  /** The stream is in flight once the fake upstream has it. */
  private void awaitUpstreamRequest() throws InterruptedException {
    awaitUpstreamRequests(1);
  }

  private void awaitUpstreamRequests(int streams) throws InterruptedException {
    for (int i = 0; i < 600 && fake.requests(":streamGenerateContent").size() < streams; i++) {
      Thread.sleep(50);
    }
    assertThat(fake.requests(":streamGenerateContent")).hasSize(streams);
    Thread.sleep(300);
  }

  private HttpResponse<String> awaitDraining(int port) throws Exception {
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
        .timeout(Duration.ofSeconds(10)).GET().build();
    HttpResponse<String> answer = null;
    for (int i = 0; i < 200; i++) {
      answer = http.send(health, HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 503) {
        return answer;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("/health never said draining; last: " + answer.statusCode() + " " + answer.body());
  }

  private static List<Integer> requestLogStatuses(MainProcess.Running gateway, String requestId) throws Exception {
    return query(gateway, "SELECT status_code FROM t_request_log WHERE gb_request_id = ?", requestId).stream()
        .map(Integer::valueOf).toList();
  }

  private static List<String> errorLogMessages(MainProcess.Running gateway, String requestId) throws Exception {
    return query(gateway, "SELECT error_log FROM t_error_logs WHERE gb_request_id = ?", requestId);
  }

  private static List<String> query(MainProcess.Running gateway, String sql, String requestId) throws Exception {
    String url = "jdbc:sqlite:" + gateway.dir().resolve("gateway.db");
    try (Connection db = DriverManager.getConnection(url); PreparedStatement select = db.prepareStatement(sql)) {
      select.setString(1, requestId);
      List<String> values = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          values.add(rows.getString(1));
        }
      }
      return values;
    }
  }
}
