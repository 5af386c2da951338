package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.auth.LocalTokenLimiter;
import io.geminibalance.auth.TokenLimits;
import java.util.List;
import java.util.Set;
import io.geminibalance.testing.FakeLive;
import io.geminibalance.testing.ManagedTokens;
import io.geminibalance.testing.GatewayHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Live API relay end to end: a raw Vert.x WebSocket client, the whole gateway, and
 * {@link FakeLive} as Google, all on 127.0.0.1.
 */
class LiveRelayTest {
  static final String PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";
  static final String SETUP = "{\"setup\":{\"model\":\"models/gemini-live-test\"}}";

  static FakeLive live;
  static GatewayHarness h;
  static WebSocketClient wsClient;
  /** The gateway's SQLite file, where the sessions' rows are read. */
  static String db;
  static final String METRICS_TOKEN = "tok-metrics-live-0004";

  @BeforeAll
  static void start() {
    live = FakeLive.start();
    db = GatewayHarness.tempDatabase();
    h = GatewayHarness.start(Map.of("BASE_URL", live.baseUrl(), "METRICS_TOKEN", METRICS_TOKEN), db);
    wsClient = h.vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    h.close();
    live.close();
  }

  @BeforeEach
  void reset() {
    live.reset();
  }

  /** One client socket and what it received. */
  record Client(WebSocket ws, LinkedBlockingQueue<WebSocketFrame> frames, CompletableFuture<FakeLive.Closed> closed) {
    WebSocketFrame next() {
      try {
        WebSocketFrame frame = frames.poll(10, TimeUnit.SECONDS);
        assertThat(frame).as("a frame from the gateway within 10 s").isNotNull();
        return frame;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }

    String nextText() {
      WebSocketFrame frame = next();
      assertThat(frame.type()).isEqualTo(WebSocketFrameType.TEXT);
      return frame.textData();
    }

    FakeLive.Closed awaitClose() {
      try {
        return closed.get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the gateway did not close the socket within 10 s", e);
      }
    }

    void send(String text) {
      ws.writeTextMessage(text);
    }
  }

  static Client connect(String path, String token) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(h.gateway.port())
        .setURI(path);
    if (token != null) {
      options.addHeader("x-goog-api-key", token);
    }
    WebSocket ws;
    try {
      ws = wsClient.connect(options).await(10, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    LinkedBlockingQueue<WebSocketFrame> frames = new LinkedBlockingQueue<>();
    CompletableFuture<FakeLive.Closed> closed = new CompletableFuture<>();
    ws.frameHandler(frame -> {
      if (frame.type() != WebSocketFrameType.CLOSE && frame.type() != WebSocketFrameType.PONG) {
        frames.add(frame);
      }
    });
    ws.closeHandler(v -> closed.complete(new FakeLive.Closed(ws.closeStatusCode(), ws.closeReason())));
    return new Client(ws, frames, closed);
  }

  /** A session set up: the client has Google's setupComplete. */
  static Client session(String path) {
    return session(path, GatewayHarness.CLIENT_TOKEN);
  }

  static Client session(String path, String token) {
    Client client = connect(path, token);
    client.send(SETUP);
    assertThat(client.nextText()).isEqualTo("{\"setupComplete\":{}}");
    return client;
  }

  /** Waits (bounded) until the Live test token holds no concurrency slot. */
  private static void liveSlotFreed() throws InterruptedException {
    LocalTokenLimiter limiter = (LocalTokenLimiter) h.gateway.tokenLimiter();
    for (int i = 0; i < 100 && limiter.inProgress("t-live") > 0; i++) {
      Thread.sleep(50);
    }
    assertThat(limiter.inProgress("t-live")).isZero();
  }

  /** A managed token for the Live tests: its value, registered with these models and concurrency. */
  private static String managedToken(List<String> models, Integer maxConcurrent) {
    String value = "sk-gb-LiveManagedTokenForTests00001";
    ManagedTokens.use(h, "t-live", "live-bot", value, models, Set.of(),
        new TokenLimits(null, null, null, null, maxConcurrent));
    return value;
  }

  @Test
  void aManagedTokensModelNotAllowedClosesTheSessionWithPolicyViolation() {
    try {
      Client client = connect(PATH, managedToken(List.of("gemini-2.5-*"), null));
      client.send(SETUP);
      FakeLive.Closed closed = client.awaitClose();
      assertThat(closed.code()).isEqualTo(1008);
      assertThat(closed.reason()).contains("token 'live-bot' is not allowed to use model 'gemini-live-test'");
      assertThat(live.sessions).isEmpty();
    } finally {
      h.gateway.clientTokens().replace(List.of());
    }
  }

  @Test
  void aManagedTokensConcurrencySlotIsHeldByASessionAndFreedWhenItCloses() throws InterruptedException {
    try {
      String value = managedToken(List.of(), 1);
      Client client = session(PATH, value);
      LocalTokenLimiter limiter = (LocalTokenLimiter) h.gateway.tokenLimiter();
      assertThat(limiter.inProgress("t-live")).isEqualTo(1);
      assertThatThrownBy(() -> connect(PATH, value)).as("a second session is over the limit").isNotNull();
      client.ws().close();
      liveSlotFreed();
    } finally {
      h.gateway.clientTokens().replace(List.of());
    }
  }

  @Test
  void aSessionIsClosedWithPolicyViolationWhenItsTokenIsRevoked() throws InterruptedException {
    try {
      Client client = session(PATH, managedToken(List.of(), 1));
      FakeLive.Session upstream = live.nextSession();
      io.geminibalance.auth.ClientToken token = h.gateway.clientTokens().byId("t-live");
      // What the admin API's revoke leaves in the registry (here or on another instance).
      h.gateway.clientTokens().replace(List.of(new io.geminibalance.auth.ClientToken(token.id(), token.name(),
          token.hash(), token.last4(), token.models(), token.protocols(), token.limits(), token.expiresAt(),
          token.cidrs(), token.enabled(), java.time.Instant.now(), token.createdAt(), java.time.Instant.now())));
      FakeLive.Closed closed = client.awaitClose();
      assertThat(closed.code()).isEqualTo(1008);
      assertThat(closed.reason()).isEqualTo("token 'live-bot' has been revoked");
      assertThat(upstream.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1008);
      liveSlotFreed();
      assertThat(h.gateway.runningRequests().running("t-live")).isZero();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the upstream session was not closed within 10 s", e);
    } finally {
      h.gateway.clientTokens().replace(List.of());
    }
  }

  @Test
  void textTurnGoesThroughWithAPoolKeyNeverTheClientToken() {
    Client client = session(PATH);
    FakeLive.Session upstream = live.nextSession();
    client.send("{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello?\"}]}],"
        + "\"turnComplete\":true}}");
    JsonObject answer = new JsonObject(client.nextText());
    assertThat(answer.getJsonObject("serverContent").getJsonObject("modelTurn").getJsonArray("parts")
        .getJsonObject(0).getString("text")).isEqualTo("echo: Hello?");
    assertThat(client.nextText()).isEqualTo("{\"serverContent\":{\"turnComplete\":true}}");

    assertThat(upstream.path).isEqualTo(PATH);
    assertThat(upstream.query).isNull();
    assertThat(upstream.key()).isIn(GatewayHarness.KEY_A, GatewayHarness.KEY_B, GatewayHarness.KEY_C);
    upstream.headers.forEach(header -> assertThat(header.getValue()).doesNotContain(GatewayHarness.CLIENT_TOKEN));
    assertThat(upstream.texts.peek()).isEqualTo(SETUP);
    client.ws.close();
  }

  @Test
  void anUnauthenticatedUpgradeIsRefusedWith401BeforeAnySocket() {
    for (String token : new String[] {null, "not-a-token-of-this-gateway"}) {
      assertThatThrownBy(() -> connect(PATH, token))
          .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> {
            assertThat(e.getStatus()).isEqualTo(401);
            JsonObject error = new JsonObject(e.getBody()).getJsonObject("error");
            assertThat(error.getInteger("code")).isEqualTo(401);
            assertThat(error.getString("status")).isEqualTo("UNAUTHENTICATED");
          });
    }
    assertThat(live.all).isEmpty();
  }

  @Test
  void theTokenMayComeInTheKeyQueryParameterAndIsNotForwarded() {
    Client client = connect(PATH + "?key=" + GatewayHarness.CLIENT_TOKEN, null);
    client.send(SETUP);
    assertThat(client.nextText()).isEqualTo("{\"setupComplete\":{}}");
    FakeLive.Session upstream = live.nextSession();
    assertThat(upstream.query).isNull();
    assertThat(upstream.key()).startsWith("key-");
    client.ws.close();
  }

  @Test
  void aBadModelOrAFirstMessageThatIsNoSetupClosesWith1007AndReachesNoKey() {
    Map<String, String> cases = Map.of(
        "{\"setup\":{\"model\":\"models/bad model!\"}}", "setup.model",
        "{\"clientContent\":{\"turns\":[]}}", "setup",
        "not json", "not JSON",
        "{\"setup\":{}}", "setup.model is required");
    cases.forEach((first, expected) -> {
      Client client = connect(PATH, GatewayHarness.CLIENT_TOKEN);
      client.send(first);
      FakeLive.Closed closed = client.awaitClose();
      assertThat(closed.code()).as(first).isEqualTo(1007);
      assertThat(closed.reason()).as(first).contains(expected);
    });
    assertThat(live.all).isEmpty();
  }

  @Test
  void upstreamCloseReachesTheClientWithItsCodeAndReason() {
    Client client = session(PATH);
    live.nextSession().close(4000, "upstream says bye");
    FakeLive.Closed closed = client.awaitClose();
    assertThat(closed.code()).isEqualTo(4000);
    assertThat(closed.reason()).isEqualTo("upstream says bye");
  }

  @Test
  void clientCloseReachesUpstreamWithItsCodeAndReason() throws Exception {
    Client client = session(PATH);
    FakeLive.Session upstream = live.nextSession();
    client.ws.close((short) 4001, "client says bye");
    FakeLive.Closed closed = upstream.closed.get(10, TimeUnit.SECONDS);
    assertThat(closed.code()).isEqualTo(4001);
    assertThat(closed.reason()).isEqualTo("client says bye");
  }

  @Test
  void aKeyInAnUpstreamCloseReasonIsMasked() {
    Client client = session(PATH);
    FakeLive.Session upstream = live.nextSession();
    upstream.close(1011, "trouble with " + upstream.key());
    FakeLive.Closed closed = client.awaitClose();
    assertThat(closed.code()).isEqualTo(1011);
    assertThat(closed.reason()).startsWith("trouble with ").doesNotContain(upstream.key());
  }

  @Test
  void binaryFramesAreRelayedBothWays() throws Exception {
    Client client = session(PATH);
    FakeLive.Session upstream = live.nextSession();
    Buffer bytes = Buffer.buffer(new byte[] {0, 1, 2, (byte) 0xFF, 0x7F});
    client.ws.writeBinaryMessage(bytes.copy());
    WebSocketFrame echoed = client.next();
    assertThat(echoed.type()).isEqualTo(WebSocketFrameType.BINARY);
    assertThat(echoed.binaryData()).isEqualTo(bytes);
    assertThat(framesUntil(upstream, WebSocketFrameType.BINARY).binaryData()).isEqualTo(bytes);
    client.ws.close();
  }

  @Test
  void fragmentedMessagesStayFragmentedBothWays() throws Exception {
    Client client = session(PATH);
    FakeLive.Session upstream = live.nextSession();
    client.ws.writeFrame(WebSocketFrame.textFrame("abc", false));
    client.ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("def"), true));
    WebSocketFrame first = framesUntil(upstream, WebSocketFrameType.TEXT);
    if (first.textData().equals(SETUP)) {
      first = framesUntil(upstream, WebSocketFrameType.TEXT);
    }
    assertThat(first.textData()).isEqualTo("abc");
    assertThat(first.isFinal()).isFalse();
    WebSocketFrame second = upstream.frames.poll(10, TimeUnit.SECONDS);
    assertThat(second.type()).isEqualTo(WebSocketFrameType.CONTINUATION);
    assertThat(second.isFinal()).isTrue();
    assertThat(client.nextText()).isEqualTo("abcdef");

    client.send(FakeLive.FRAGMENT_ME);
    WebSocketFrame head = client.next();
    assertThat(head.type()).isEqualTo(WebSocketFrameType.TEXT);
    assertThat(head.isFinal()).isFalse();
    assertThat(head.textData()).isEqualTo("first half, ");
    WebSocketFrame tail = client.next();
    assertThat(tail.type()).isEqualTo(WebSocketFrameType.CONTINUATION);
    assertThat(tail.isFinal()).isTrue();
    assertThat(tail.binaryData().toString()).isEqualTo("second half");
    client.ws.close();
  }

  @Test
  void pingsArePassedOn() throws Exception {
    Client client = session(PATH);
    FakeLive.Session upstream = live.nextSession();
    client.ws.writePing(Buffer.buffer("are you there"));
    assertThat(framesUntil(upstream, WebSocketFrameType.PING).binaryData().toString()).isEqualTo("are you there");
    client.ws.close();
  }

  @Test
  void theDoubleSlashPathOfGooglesSdksIsAcceptedAndV1alphaToo() {
    Client client = session("/" + PATH);
    assertThat(live.nextSession().path).isEqualTo(PATH);
    client.ws.close();
    String alpha = PATH.replace("v1beta", "v1alpha");
    Client other = session("/" + alpha);
    assertThat(live.nextSession().path).isEqualTo(alpha);
    other.ws.close();
  }

  @Test
  void otherDoubleSlashPathsAndNonUpgradesAreStillRefused() {
    String token = "x-goog-api-key";
    for (String path : new String[] {"//" + PATH, "/ws/" + PATH.substring(4), "//v1beta/models",
        "/ws/../" + PATH.substring(1)}) {
      HttpResponse<String> response = h.send(h.request("").uri(java.net.URI.create(h.url(path)))
          .header(token, GatewayHarness.CLIENT_TOKEN).GET().build());
      assertThat(response.statusCode()).as(path).isEqualTo(400);
      assertThat(new JsonObject(response.body()).getJsonObject("error").getInteger("code")).isEqualTo(400);
    }
    HttpResponse<String> plain = h.get(PATH, token, GatewayHarness.CLIENT_TOKEN);
    assertThat(plain.statusCode()).isEqualTo(400);
    assertThat(plain.body()).contains("WebSocket");
    assertThat(live.all).isEmpty();
  }

  @Test
  void aRefusedKeyIsReleasedWithItsVerdictAndAnotherKeyTried() {
    live.on(GatewayHarness.KEY_A, new FakeLive.CloseAfterSetup(1007, "API key not valid. Please pass a valid API key."))
        .on(GatewayHarness.KEY_B, new FakeLive.Reject(429, "{\"error\":{\"code\":429,\"message\":\"quota\","
            + "\"status\":\"RESOURCE_EXHAUSTED\"}}"))
        .on(GatewayHarness.KEY_C, new FakeLive.CloseAfterSetup(1011, "Internal error occurred."));
    long disabledBefore = h.gateway.pool().snapshot().disabled();
    Client client = connect(PATH, GatewayHarness.CLIENT_TOKEN);
    // A model of its own: the key cooled by the 429 stays cool for it only.
    client.send(SETUP.replace("gemini-live-test", "gemini-live-retry"));
    FakeLive.Closed closed = client.awaitClose();
    // Every key failed: the client gets the last answer; the dead key is out of the pool.
    assertThat(live.all).hasSize(3);
    assertThat(live.all).extracting(FakeLive.Session::key)
        .containsExactlyInAnyOrder(GatewayHarness.KEY_A, GatewayHarness.KEY_B, GatewayHarness.KEY_C);
    assertThat(closed.code()).isIn(1007, 1011, 1013);
    assertThat(h.gateway.pool().snapshot().disabled()).isEqualTo(disabledBefore + 1);
    h.gateway.pool().restore(new io.geminibalance.keypool.ApiKey(GatewayHarness.KEY_A));
  }

  @Test
  void aSetupGoogleRefusesIsTheClientsMistakeAndTriesNoOtherKey() {
    for (String key : new String[] {GatewayHarness.KEY_A, GatewayHarness.KEY_B, GatewayHarness.KEY_C}) {
      live.on(key, new FakeLive.CloseAfterSetup(1007, "Invalid JSON payload received. Unknown name \"x\" at 'setup'"));
    }
    Client client = connect(PATH, GatewayHarness.CLIENT_TOKEN);
    client.send(SETUP);
    FakeLive.Closed closed = client.awaitClose();
    assertThat(closed.code()).isEqualTo(1007);
    assertThat(closed.reason()).startsWith("Invalid JSON payload received.");
    assertThat(live.all).hasSize(1);
    assertThat(h.gateway.pool().snapshot().disabled()).isZero();
  }

  @Test
  void aClientThatLeavesBeforeGoogleAnswersClosesTheUpstreamAndNoOtherKeyIsTried() throws Exception {
    for (String key : new String[] {GatewayHarness.KEY_A, GatewayHarness.KEY_B, GatewayHarness.KEY_C}) {
      live.on(key, new FakeLive.Silent());
    }
    Client client = connect(PATH, GatewayHarness.CLIENT_TOKEN);
    client.send(SETUP);
    FakeLive.Session upstream = live.nextSession();
    assertThat(upstream.texts.poll(10, TimeUnit.SECONDS)).isEqualTo(SETUP);
    client.ws.close((short) 1000, "changed my mind");
    FakeLive.Closed closed = upstream.closed.get(10, TimeUnit.SECONDS);
    assertThat(closed.code()).isEqualTo(1000);
    assertThat(closed.reason()).isEqualTo("changed my mind");
    assertThat(live.all).hasSize(1);
    assertThat(h.gateway.pool().snapshot().disabled()).isZero();
  }

  @Test
  void aSessionIsOneRowInTheRequestLog() throws Exception {
    java.time.Instant since = java.time.Instant.now().minusSeconds(5);
    Client client = connect(PATH, GatewayHarness.CLIENT_TOKEN);
    client.send(SETUP.replace("gemini-live-test", "gemini-live-logged"));
    assertThat(client.nextText()).isEqualTo("{\"setupComplete\":{}}");
    client.send("{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":[{\"text\":\"1\"}]}]}}");
    client.nextText();
    client.ws.close();
    var log = h.gateway.persistence().storage().requestLogs();
    java.util.List<io.geminibalance.storage.RequestLogRow> rows = java.util.List.of();
    for (int i = 0; i < 200 && rows.isEmpty(); i++) {
      Thread.sleep(50);
      rows = log.recent(since, java.time.Instant.now().plusSeconds(60), null, 100).join().stream()
          .filter(row -> "gemini-live-logged".equals(row.model())).toList();
    }
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).success()).isTrue();
    assertThat(rows.get(0).statusCode()).isEqualTo(101);
    assertThat(rows.get(0).attempt()).isEqualTo(1);
  }

  /**
   * Google reports each turn's usage in a server message (text or binary): the client gets the
   * messages unchanged, the session's row carries the turns summed, and the managed token is
   * charged for them as they come: over its tokens per minute, its next request is refused.
   */
  @Test
  void aSessionsTurnsAreSummedOnItsRowAndChargedToItsToken() throws Exception {
    try {
      ManagedTokens.awayFromMinuteEnd();
      String value = "sk-gb-LiveMeteredTokenForTests00001";
      ManagedTokens.use(h, "t-live-meter", "live-meter", value, List.of(), Set.of(),
          new TokenLimits(null, null, 1_000L, null, null));
      Client client = connect(PATH, value);
      client.send(SETUP.replace("gemini-live-test", "gemini-live-metered"));
      assertThat(client.nextText()).isEqualTo("{\"setupComplete\":{}}");
      FakeLive.Session upstream = live.nextSession();
      String first = "{\"serverContent\":{\"turnComplete\":true},\"usageMetadata\":{\"promptTokenCount\":400,"
          + "\"responseTokenCount\":300,\"totalTokenCount\":700,\"responseTokensDetails\":[{\"modality\":"
          + "\"AUDIO\",\"tokenCount\":300}]}}";
      upstream.send(WebSocketFrame.textFrame(first, true));
      assertThat(client.nextText()).isEqualTo(first);
      String second = "{\"usageMetadata\":{\"promptTokenCount\":500,\"cachedContentTokenCount\":200,"
          + "\"responseTokenCount\":100,\"thoughtsTokenCount\":50}}";
      upstream.send(WebSocketFrame.binaryFrame(io.vertx.core.buffer.Buffer.buffer(second), true));
      assertThat(client.next().binaryData().toString()).isEqualTo(second);
      client.ws().close();

      // prompt, cached, completion (output and thinking), thinking, audio
      long[] row = sessionRow("gemini-live-metered");
      assertThat(row).containsExactly(900, 200, 450, 50, 300);
      // Counted as they came (no other test here reports usage): gb_tokens_total adds up the same.
      io.geminibalance.testing.PrometheusText metrics = io.geminibalance.testing.PrometheusText.parse(
          h.get("/metrics", "authorization", "Bearer " + METRICS_TOKEN).body());
      Map<String, Double> byKind = new java.util.HashMap<>();
      metrics.samples("gb_tokens_total").forEach(sample ->
          byKind.merge(sample.labels().get("kind"), sample.value(), Double::sum));
      assertThat(byKind).containsEntry("prompt", 900.0).containsEntry("cached", 200.0)
          .containsEntry("output", 400.0).containsEntry("thinking", 50.0);
      HttpResponse<String> next = h.post("/v1beta/models/gemini-2.5-flash:generateContent",
          "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}", "x-goog-api-key", value);
      assertThat(next.statusCode()).isEqualTo(429);
      assertThat(next.body()).contains("over its limit of 1000 tokens per minute");
    } finally {
      h.gateway.clientTokens().replace(List.of());
    }
  }

  /** The usage columns of the one row of {@code model}, once it is written (-1: null). */
  private static long[] sessionRow(String model) throws Exception {
    String sql = "SELECT gb_prompt_tokens, gb_cached_tokens, gb_completion_tokens, gb_thinking_tokens,"
        + " gb_audio_tokens FROM t_request_log WHERE model_name = ?";
    for (int wait = 0; wait < 200; wait++) {
      try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
          java.sql.PreparedStatement select = connection.prepareStatement(sql)) {
        select.setString(1, model);
        try (java.sql.ResultSet rs = select.executeQuery()) {
          if (rs.next()) {
            long[] row = new long[5];
            for (int i = 0; i < 5; i++) {
              long v = rs.getLong(i + 1);
              row[i] = rs.wasNull() ? -1 : v;
            }
            assertThat(rs.next()).as("one row for the session").isFalse();
            return row;
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no request-log row for " + model);
  }

  private static WebSocketFrame framesUntil(FakeLive.Session upstream, WebSocketFrameType type) throws Exception {
    for (int i = 0; i < 20; i++) {
      WebSocketFrame frame = upstream.frames.poll(10, TimeUnit.SECONDS);
      assertThat(frame).as("a " + type + " frame upstream").isNotNull();
      if (frame.type() == type) {
        return frame;
      }
    }
    throw new AssertionError("no " + type + " frame upstream");
  }
}
