package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.FakeLive;
import io.geminibalance.testing.GatewayHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Live relay's bounds: idle sessions, message size, back-pressure, an unreachable upstream. */
class LiveLimitsTest {
  static final String PATH = LiveRelayTest.PATH;
  static final String SETUP = LiveRelayTest.SETUP;
  static final int MIB = 1024 * 1024;

  static FakeLive live;
  static GatewayHarness h;
  static WebSocketClient wsClient;

  @BeforeAll
  static void start() {
    live = FakeLive.start();
    h = GatewayHarness.start(Map.of("BASE_URL", live.baseUrl(), "TIME_OUT", "3", "LIVE_MAX_MESSAGE_MB", "1"));
    // Frames up to the gateway's limit (Vert.x's default is 64 KiB).
    wsClient = h.vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
        .setMaxFrameSize(2 * MIB).setMaxMessageSize(2 * MIB));
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

  /** An authenticated socket to the Live path; {@code closed} completes with how the gateway closed it. */
  static WebSocket open(GatewayHarness gateway, CompletableFuture<FakeLive.Closed> closed) throws Exception {
    WebSocket ws = wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.gateway.port())
        .setURI(PATH).addHeader("x-goog-api-key", GatewayHarness.CLIENT_TOKEN)).await(10, TimeUnit.SECONDS);
    ws.closeHandler(v -> closed.complete(new FakeLive.Closed(ws.closeStatusCode(), ws.closeReason())));
    return ws;
  }

  /** A socket that has sent the setup; {@code firstText} completes with Google's answer to it. */
  static WebSocket session(GatewayHarness gateway, CompletableFuture<FakeLive.Closed> closed,
      CompletableFuture<String> firstText) throws Exception {
    WebSocket ws = open(gateway, closed);
    ws.textMessageHandler(firstText::complete);
    ws.writeTextMessage(SETUP);
    return ws;
  }

  @Test
  void aSessionWithNoFramesForTimeOutIsClosed() throws Exception {
    CompletableFuture<FakeLive.Closed> closed = new CompletableFuture<>();
    CompletableFuture<String> first = new CompletableFuture<>();
    session(h, closed, first);
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("{\"setupComplete\":{}}");
    FakeLive.Session upstream = live.nextSession();
    FakeLive.Closed client = closed.get(20, TimeUnit.SECONDS);
    assertThat(client.code()).isEqualTo(1011);
    assertThat(client.reason()).contains("TIME_OUT");
    assertThat(upstream.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1011);
  }

  @Test
  void aSocketThatSendsNoSetupIsClosedAfterTimeOut() throws Exception {
    CompletableFuture<FakeLive.Closed> closed = new CompletableFuture<>();
    open(h, closed);
    FakeLive.Closed client = closed.get(20, TimeUnit.SECONDS);
    assertThat(client.code()).isEqualTo(1011);
    assertThat(client.reason()).contains("setup");
    assertThat(live.all).isEmpty();
  }

  @Test
  void aMessageOverLiveMaxMessageMbClosesTheSessionWith1009() throws Exception {
    CompletableFuture<FakeLive.Closed> closed = new CompletableFuture<>();
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket ws = session(h, closed, first);
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("{\"setupComplete\":{}}");
    FakeLive.Session upstream = live.nextSession();
    // Three fragments of 400 KiB: each frame fits, the message does not.
    Buffer part = Buffer.buffer(new byte[400 * 1024]);
    ws.writeFrame(WebSocketFrame.binaryFrame(part.copy(), false));
    ws.writeFrame(WebSocketFrame.continuationFrame(part.copy(), false));
    ws.writeFrame(WebSocketFrame.continuationFrame(part.copy(), true));
    FakeLive.Closed client = closed.get(10, TimeUnit.SECONDS);
    assertThat(client.code()).isEqualTo(1009);
    assertThat(client.reason()).contains("LIVE_MAX_MESSAGE_MB");
    assertThat(upstream.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1009);
  }

  @Test
  void aSetupOverLiveMaxMessageMbIsRefusedWith1009() throws Exception {
    CompletableFuture<FakeLive.Closed> closed = new CompletableFuture<>();
    WebSocket ws = open(h, closed);
    Buffer part = Buffer.buffer("{\"setup\":{\"model\":\"models/x\",\"pad\":\"" + "p".repeat(600 * 1024));
    ws.writeFrame(WebSocketFrame.textFrame(part.toString(), false));
    ws.writeFrame(WebSocketFrame.continuationFrame(part.copy(), true));
    assertThat(closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1009);
    assertThat(live.all).isEmpty();
  }

  /**
   * A client that stops reading stops the gateway reading from Google: the fake's writes back up
   * within a bounded number of frames, and everything arrives once the client reads again.
   */
  @Test
  void aClientThatDoesNotReadPausesTheUpstream() throws Exception {
    CompletableFuture<FakeLive.Closed> closed = new CompletableFuture<>();
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket ws = session(h, closed, first);
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("{\"setupComplete\":{}}");
    FakeLive.Session upstream = live.nextSession();
    AtomicInteger received = new AtomicInteger();
    CompletableFuture<Void> all = new CompletableFuture<>();
    int[] sent = {0};
    ws.pause();
    ws.frameHandler(frame -> {
      if (frame.type() == WebSocketFrameType.BINARY && received.incrementAndGet() == sent[0]) {
        all.complete(null);
      }
    });
    // At most 512 frames of 256 KiB (128 MiB): without back-pressure the fake would never see a
    // full write queue, the gateway would buffer it all.
    Buffer chunk = Buffer.buffer(new byte[256 * 1024]);
    CompletableFuture<Integer> backedUp = new CompletableFuture<>();
    upstream.onContext(socket -> {
      try {
        pump(socket, chunk, 0, 512, backedUp);
      } catch (RuntimeException e) {
        backedUp.completeExceptionally(e);
      }
    });
    int frames = backedUp.get(60, TimeUnit.SECONDS);
    assertThat(frames).isLessThan(512);
    sent[0] = frames;
    ws.resume();
    all.get(60, TimeUnit.SECONDS);
    assertThat(received.get()).isEqualTo(frames);
    ws.close();
  }

  /** Writes {@code chunk} until the socket's write queue is full; completes with how many were written. */
  private static void pump(io.vertx.core.http.ServerWebSocket socket, Buffer chunk, int written, int max,
      CompletableFuture<Integer> backedUp) {
    int n = written;
    while (n < max && !socket.writeQueueFull()) {
      socket.writeBinaryMessage(chunk.copy());
      n++;
    }
    if (socket.writeQueueFull() || n >= max) {
      backedUp.complete(n);
    }
  }

  @Test
  void anUnreachableUpstreamClosesTheClientWith1011() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    try (GatewayHarness dead = GatewayHarness.start(Map.of("BASE_URL", "http://127.0.0.1:" + closedPort + "/v1beta",
        "MAX_RETRIES", "1"))) {
      CompletableFuture<FakeLive.Closed> closed = new CompletableFuture<>();
      session(dead, closed, new CompletableFuture<>());
      FakeLive.Closed client = closed.get(30, TimeUnit.SECONDS);
      assertThat(client.code()).isEqualTo(1011);
      assertThat(client.reason()).contains("nreachable");
    }
  }
}
