package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LogEvents;
import io.geminibalance.testing.RawHttp;
import io.geminibalance.testing.Replies;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Client connections: a head sent byte by byte, a silent new connection and an idle keep-alive
 * connection are closed after their timeouts; a body that stops gets 408; connections over
 * MAX_CLIENT_CONNECTIONS get 503; HTTP/2 advertises MAX_H2_STREAMS; and a stream whose upstream is
 * silent for longer than every one of these timeouts is never cut by them.
 */
class ClientConnectionsTest {
  static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  static final String SSE = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

  @Test
  void headSentByteByByteIsClosedAfterTheHeaderTimeout() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CLIENT_HEADER_TIMEOUT_SECONDS", "1"));
        RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("GET /health HTTP/1.1\r\nHost: x\r\n");
      Thread dribble = Thread.ofPlatform().daemon().start(() -> {
        try {
          // 20 s of a header that never ends, one byte every 200 ms.
          for (int i = 0; i < 100; i++) {
            c.send(i == 0 ? "X-Slow: " : "a");
            Thread.sleep(200);
          }
        } catch (IOException | InterruptedException e) {
          // closed by the gateway
        }
      });
      assertThat(c.closedWithin(10_000)).as("closed while the head was still arriving").isTrue();
      dribble.interrupt();
    }
  }

  @Test
  void newConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CLIENT_HEADER_TIMEOUT_SECONDS", "1"));
        RawHttp c = RawHttp.open(h.gateway.port())) {
      assertThat(c.closedWithin(10_000)).isTrue();
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CLIENT_IDLE_TIMEOUT_SECONDS", "1"));
        RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(c.closedWithin(10_000)).isTrue();
    }
  }

  /** Between requests the idle timeout applies, not the (shorter) header timeout. */
  @Test
  void idleConnectionIsNotTimedAsAHeadBeingSent() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CLIENT_HEADER_TIMEOUT_SECONDS", "2",
        "CLIENT_IDLE_TIMEOUT_SECONDS", "60"));
        RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(c.closedWithin(3_000)).isFalse();
      c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void bodyThatStopsGets408InGoogleShapeAndTheConnectionCloses() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CLIENT_BODY_TIMEOUT_SECONDS", "1"));
        RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("POST " + GENERATE + " HTTP/1.1\r\nHost: x\r\nx-goog-api-key: " + CLIENT_TOKEN
          + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"contents\":[");
      RawHttp.Answer answer = c.read();
      assertThat(answer.status()).isEqualTo(408);
      assertThat(answer.body()).contains("\"status\":\"DEADLINE_EXCEEDED\"").contains("CLIENT_BODY_TIMEOUT_SECONDS");
      assertThat(answer.header("connection")).isEqualTo("close");
      assertThat(c.closedWithin(10_000)).isTrue();
      assertThat(h.fake.requests(":generateContent")).isEmpty();
    }
  }

  @Test
  void bodyThatStopsOnTheOpenAiSurfaceGets408InOpenAiShape() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CLIENT_BODY_TIMEOUT_SECONDS", "1"));
        RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + CLIENT_TOKEN
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"mod\r\n");
      RawHttp.Answer answer = c.read();
      assertThat(answer.status()).isEqualTo(408);
      assertThat(answer.body()).contains("\"code\":\"request_timeout\"").contains("\"type\":\"invalid_request_error\"");
      assertThat(c.closedWithin(10_000)).isTrue();
    }
  }

  /** HTTP/2: a stalled body gets 408 and its stream is reset; the connection goes on. */
  @Test
  void stalledHttp2BodyGets408AndOnlyItsStreamEnds() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CLIENT_BODY_TIMEOUT_SECONDS", "1"))) {
      HttpClient client = h2c(h);
      var request = client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(h.url(GENERATE))
          .putHeader("x-goog-api-key", CLIENT_TOKEN)).await(10, TimeUnit.SECONDS);
      CompletableFuture<Long> reset = new CompletableFuture<>();
      request.exceptionHandler(e -> {
        if (e instanceof io.vertx.core.http.StreamResetException r) {
          reset.complete(r.getCode());
        }
      });
      request.setChunked(true).write("{\"contents\":[");
      String answer = request.response().compose(res -> res.body().map(b -> res.statusCode() + " " + b))
          .await(10, TimeUnit.SECONDS);
      assertThat(answer).startsWith("408 ").contains("DEADLINE_EXCEEDED");
      assertThat(reset.get(10, TimeUnit.SECONDS)).isZero();
      var next = client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(h.url("/health")))
          .await(10, TimeUnit.SECONDS);
      assertThat(next.send().await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(next.connection()).isSameAs(request.connection());
      assertThat(h.fake.requests(":generateContent")).isEmpty();
    }
  }

  /**
   * A body trickling in, a byte every 200 ms (never a pause as long as the 30 s body timeout), is
   * cut by CLIENT_BODY_DEADLINE_SECONDS: 408 in the caller's shape, the connection closed. Before,
   * the pause timeout alone let it hold its connection for as long as it kept trickling.
   */
  @Test
  void bodyTricklingInIsCutAtTheBodyDeadline() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CLIENT_BODY_TIMEOUT_SECONDS", "30",
        "CLIENT_BODY_DEADLINE_SECONDS", "2"))) {
      for (boolean openAi : new boolean[] {false, true}) {
        try (RawHttp c = RawHttp.open(h.gateway.port())) {
          c.send((openAi ? "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              : "POST " + GENERATE + " HTTP/1.1\r\nHost: x\r\nx-goog-api-key: ") + CLIENT_TOKEN
              + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
          Thread trickle = Thread.ofPlatform().daemon().start(() -> {
            try {
              for (int i = 0; i < 100; i++) { // at most 20 s; 1000 bytes would take 200 s
                Thread.sleep(200);
                c.send(" ");
              }
            } catch (IOException | InterruptedException e) {
              // closed by the gateway
            }
          });
          RawHttp.Answer answer = c.read();
          trickle.interrupt();
          assertThat(answer.status()).isEqualTo(408);
          assertThat(answer.body()).contains("CLIENT_BODY_DEADLINE_SECONDS")
              .contains(openAi ? "\"code\":\"request_timeout\"" : "\"status\":\"DEADLINE_EXCEEDED\"");
          assertThat(answer.header("connection")).isEqualTo("close");
          assertThat(c.closedWithin(10_000)).isTrue();
        }
      }
      assertThat(h.fake.requests()).isEmpty();
    }
  }

  /** The body timeout is between bytes: a body that keeps coming, slower in all, is read. */
  @Test
  void slowBodyThatKeepsComingIsRead() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CLIENT_BODY_TIMEOUT_SECONDS", "1"));
        RawHttp c = RawHttp.open(h.gateway.port())) {
      String body = "{\"contents\":[{\"parts\":[{\"text\":\"hello there, slowly\"}]}]}";
      c.send("POST " + GENERATE + " HTTP/1.1\r\nHost: x\r\nx-goog-api-key: " + CLIENT_TOKEN
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n");
      for (int i = 0; i < body.length(); i += 10) {
        c.send(body.substring(i, Math.min(body.length(), i + 10)));
        Thread.sleep(400);
      }
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void connectionsOverTheCapGet503InTheCallersShapeAndClose() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_CLIENT_CONNECTIONS", "3"));
        LogEvents log = LogEvents.of(ClientConnections.class)) {
      List<RawHttp> held = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          RawHttp c = RawHttp.open(h.gateway.port());
          held.add(c);
          // Answered: this connection is counted before the next one is opened.
          c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
          assertThat(c.read().status()).isEqualTo(200);
        }
        try (RawHttp extra = RawHttp.open(h.gateway.port())) {
          extra.send("GET /v1beta/models HTTP/1.1\r\nHost: x\r\nx-goog-api-key: " + CLIENT_TOKEN + "\r\n\r\n");
          RawHttp.Answer answer = extra.read();
          assertThat(answer.status()).isEqualTo(503);
          assertThat(answer.body()).contains("\"status\":\"UNAVAILABLE\"").contains("MAX_CLIENT_CONNECTIONS");
          assertThat(answer.header("connection")).isEqualTo("close");
          assertThat(extra.closedWithin(10_000)).isTrue();
        }
        try (RawHttp extra = RawHttp.open(h.gateway.port())) {
          extra.send("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + CLIENT_TOKEN + "\r\n\r\n");
          RawHttp.Answer answer = extra.read();
          assertThat(answer.status()).isEqualTo(503);
          assertThat(answer.body()).contains("\"code\":\"too_many_connections\"");
        }
        assertThat(log.warnings()).as("one warning, the second held back for a minute").singleElement()
            .asString().startsWith("MAX_CLIENT_CONNECTIONS (3) reached");
        held.remove(0).close();
        assertThat(healthAnsweredWithin(h, 10_000)).as("a closed connection frees its place").isTrue();
        for (RawHttp c : held) {
          c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
          assertThat(c.read().status()).as("the held connections still work").isEqualTo(200);
        }
      } finally {
        for (RawHttp c : held) {
          c.close();
        }
      }
    }
  }

  /**
   * A flood of idle connections over MAX_CLIENT_CONNECTIONS: each is closed within about a second
   * (or at once, past the refusal margin), not kept for the 60 s header timeout, and the open
   * count returns to the cap while the connections under it keep working. Before, every one of
   * them held its socket for the whole header timeout.
   */
  @Test
  void idleConnectionsOverTheCapAreClosedLongBeforeTheHeaderTimeout() throws Exception {
    int cap = 3;
    int flood = 40; // beyond the refusal margin (16): some closed at accept, the rest after the grace
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    List<RawHttp> sockets = new ArrayList<>();
    try {
      ClientConnections connections = new ClientConnections(new ClientLimits(60_000, 120_000, 60_000, cap, 100));
      int port = plainServer(vertx, connections);
      for (int i = 0; i < cap; i++) {
        RawHttp c = RawHttp.open(port);
        sockets.add(c);
        c.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
      }
      List<RawHttp> idle = new ArrayList<>();
      for (int i = 0; i < flood; i++) {
        RawHttp c = RawHttp.open(port);
        sockets.add(c);
        idle.add(c);
      }
      long deadline = System.nanoTime() + 20_000_000_000L; // well before the 60 s header timeout
      for (RawHttp c : idle) {
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        assertThat(c.closedWithin(left)).as("an idle connection over the cap is closed").isTrue();
      }
      assertThat(openWithin(connections, cap, 10_000)).as("open connections back at the cap").isTrue();
      for (int i = 0; i < cap; i++) {
        sockets.get(i).send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(sockets.get(i).read().status()).as("connections under the cap still work").isEqualTo(200);
      }
    } finally {
      for (RawHttp c : sockets) {
        c.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Up to the refusal margin past the cap, a connection is kept to answer its first request 503;
   * beyond it, one is closed at accept without an answer. (The over-cap grace is long here, so
   * that the connections filling the margin stay while the test goes on.)
   */
  @Test
  void pastTheRefusalMarginAConnectionIsClosedAtAccept() throws Exception {
    int cap = 2;
    int margin = ClientConnections.refusalMargin(cap);
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    List<RawHttp> sockets = new ArrayList<>();
    try {
      ClientConnections connections = new ClientConnections(new ClientLimits(60_000, 120_000, 60_000, cap, 100), 60_000);
      int port = plainServer(vertx, connections);
      for (int i = 0; i < cap + margin; i++) {
        sockets.add(RawHttp.open(port));
      }
      assertThat(openWithin(connections, cap + margin, 10_000)).as("cap + margin counted").isTrue();
      try (RawHttp beyond = RawHttp.open(port)) {
        beyond.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(beyond.closedWithin(10_000)).as("closed without an answer").isTrue();
      }
      RawHttp withinMargin = sockets.get(sockets.size() - 1);
      withinMargin.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(withinMargin.read().status()).isEqualTo(503);
    } finally {
      for (RawHttp c : sockets) {
        c.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static int plainServer(io.vertx.core.Vertx vertx, ClientConnections connections) throws Exception {
    return connections.createServer(vertx, new io.vertx.core.http.HttpServerOptions())
        .requestHandler(req -> req.response().end("ok"))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  private static boolean openWithin(ClientConnections connections, int expected, long millis) throws Exception {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (connections.open() != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return connections.open() == expected;
  }

  private static boolean healthAnsweredWithin(GatewayHarness h, long millis) throws Exception {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      try (RawHttp c = RawHttp.open(h.gateway.port())) {
        c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        if (c.read().status() == 200) {
          return true;
        }
      } catch (IOException e) {
        // refused: try again
      }
      Thread.sleep(100);
    }
    return false;
  }

  @Test
  void http2SettingsAdvertiseTheStreamCap() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_H2_STREAMS", "7"))) {
      HttpClient client = h2c(h);
      long advertised = client.request(new RequestOptions().setMethod(HttpMethod.GET)
              .setAbsoluteURI(h.url("/health")))
          .compose(req -> req.send().compose(res -> res.body().map(b -> {
            assertThat(res.version()).isEqualTo(HttpVersion.HTTP_2);
            return req.connection().remoteSettings().getMaxConcurrentStreams();
          })))
          .await(10, TimeUnit.SECONDS);
      assertThat(advertised).isEqualTo(7);
    }
  }

  @Test
  void idleHttp2ConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CLIENT_IDLE_TIMEOUT_SECONDS", "1"))) {
      HttpClient client = h2c(h);
      CompletableFuture<Void> closed = new CompletableFuture<>();
      HttpConnection connection = client.request(new RequestOptions().setMethod(HttpMethod.GET)
              .setAbsoluteURI(h.url("/health")))
          .compose(req -> req.send().compose(res -> res.body().map(b -> req.connection())))
          .await(10, TimeUnit.SECONDS);
      connection.closeHandler(v -> closed.complete(null));
      closed.get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Every client timeout at 1 s, upstream events 2.5 s apart: the stream is answered whole. Each
   * client first sends a request on the connection it will reuse, so that a cold JVM's first
   * request head does not meet the 1 s header timeout.
   */
  private static Map<String, String> shortClientTimeouts() {
    return Map.of("CLIENT_HEADER_TIMEOUT_SECONDS", "1", "CLIENT_IDLE_TIMEOUT_SECONDS", "1",
        "CLIENT_BODY_TIMEOUT_SECONDS", "1");
  }

  private static void slowStream(GatewayHarness h) {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(Replies.chunk("a"),
        Replies.chunk("b"), Replies.finalChunk("c")), 2_500));
  }

  @Test
  void slowStreamOverHttp11IsNotCut() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(shortClientTimeouts())) {
      slowStream(h);
      java.net.http.HttpClient http11 = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      http11.send(HttpRequest.newBuilder(URI.create(h.url("/health"))).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> r = http11.send(HttpRequest.newBuilder(URI.create(h.url(SSE)))
          .header("x-goog-api-key", CLIENT_TOKEN).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).doesNotContain("error").endsWith("data: " + Replies.finalChunk("c") + "\r\n\r\n");
    }
  }

  @Test
  void slowStreamOverHttp2IsNotCut() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(shortClientTimeouts())) {
      slowStream(h);
      HttpClient client = h2c(h);
      client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(h.url("/health")))
          .compose(req -> req.send().compose(res -> res.body())).await(10, TimeUnit.SECONDS);
      String body = client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(h.url(SSE))
              .putHeader("x-goog-api-key", CLIENT_TOKEN))
          .compose(req -> req.send("{}").compose(res -> {
            assertThat(res.version()).isEqualTo(HttpVersion.HTTP_2);
            return res.body();
          }))
          .await(30, TimeUnit.SECONDS).toString();
      assertThat(body).doesNotContain("error").endsWith("data: " + Replies.finalChunk("c") + "\r\n\r\n");
    }
  }

  /** HTTP/1.1 upgraded to h2c (as the JDK client does on http://), the other way to HTTP/2. */
  @Test
  void slowStreamOverUpgradedHttp2IsNotCut() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(shortClientTimeouts())) {
      slowStream(h);
      h.get("/health");
      HttpResponse<String> r = h.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).doesNotContain("error").endsWith("data: " + Replies.finalChunk("c") + "\r\n\r\n");
    }
  }

  /** HTTP/2 over the cap: no request to answer yet, so a GOAWAY and the connection closes. */
  @Test
  void http2ConnectionOverTheCapIsClosed() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_CLIENT_CONNECTIONS", "1"));
        RawHttp held = RawHttp.open(h.gateway.port())) {
      held.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(held.read().status()).isEqualTo(200);
      HttpClient client = h2c(h);
      var refused = client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(h.url("/health")))
          .compose(req -> req.send().compose(res -> res.body()));
      assertThat(refused.toCompletionStage().toCompletableFuture())
          .failsWithin(10, TimeUnit.SECONDS);
      held.close();
      long deadline = System.nanoTime() + 10_000_000_000L;
      Integer status = null;
      while (status == null && System.nanoTime() < deadline) {
        try {
          status = client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(h.url("/health")))
              .compose(req -> req.send().map(res -> res.statusCode())).await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          Thread.sleep(100);
        }
      }
      assertThat(status).as("a freed place takes an HTTP/2 connection").isEqualTo(200);
    }
  }

  /** After a 101 the connection is a WebSocket's: none of the client timeouts applies. */
  @Test
  void webSocketIsNeverTimedOut() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      // The head timeout longer: the handshake must arrive in time on a cold JVM on a busy machine
      // (2.5 s was seen to run out with two other builds running).
      ClientConnections connections = new ClientConnections(new ClientLimits(5_000, 1_000, 1_000, 100, 100));
      io.vertx.core.http.HttpServer server = connections.createServer(vertx, new io.vertx.core.http.HttpServerOptions())
          .webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage))
          .requestHandler(req -> req.response().end("plain"))
          .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      io.vertx.core.http.WebSocket ws = vertx.createWebSocketClient()
          .connect(server.actualPort(), "127.0.0.1", "/ws").await(10, TimeUnit.SECONDS);
      CompletableFuture<Void> closed = new CompletableFuture<>();
      CompletableFuture<String> echo = new CompletableFuture<>();
      ws.closeHandler(v -> closed.complete(null));
      ws.textMessageHandler(echo::complete);
      Thread.sleep(6_000);
      assertThat(closed).as("still open after every timeout passed").isNotDone();
      ws.writeTextMessage("still here");
      assertThat(echo.get(5, TimeUnit.SECONDS)).isEqualTo("still here");
      assertThat(connections.open()).isEqualTo(1);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static HttpClient h2c(GatewayHarness h) {
    return h.vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }
}
