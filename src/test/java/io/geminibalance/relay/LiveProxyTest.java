package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.PoolSnapshot;
import io.geminibalance.testing.FakeLive;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LocalProxy;
import io.geminibalance.upstream.ProxyAddress;
import io.geminibalance.upstream.UpstreamProxies;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Live API's upstream WebSocket goes through PROXIES like every other call to Google, and a
 * proxy that went away is skipped without blame on the key.
 */
class LiveProxyTest {
  /**
   * Four keys on each proxy's side of the ring. The ring places proxies by their random ports, so
   * a fixed list of keys could all fall on one proxy; the keys are picked once the ports are known.
   */
  private static List<String> keysOnBoth(LocalProxy first, LocalProxy second) {
    Vertx vertx = Vertx.vertx();
    try (UpstreamProxies ring = new UpstreamProxies(vertx,
        () -> URI.create("http://127.0.0.1:1"), () -> 60_000)) {
      ring.update(List.of(ProxyAddress.parse(first.url()),
          ProxyAddress.parse(second.url())), true);
      List<String> onFirst = new ArrayList<>();
      List<String> onSecond = new ArrayList<>();
      for (int i = 0; onFirst.size() < 4 || onSecond.size() < 4; i++) {
        String key = "key-live-proxy-" + i;
        List<String> side = first.masked().equals(ring.proxyFor(new ApiKey(key)))
            ? onFirst : onSecond;
        if (side.size() < 4) {
          side.add(key);
        }
      }
      List<String> keys = new ArrayList<>(onFirst);
      keys.addAll(onSecond);
      return keys;
    } finally {
      vertx.close();
    }
  }

  @Test
  void liveSessionsGoThroughTheProxiesAndSurviveOneGoingAway() throws Exception {
    try (FakeLive live = FakeLive.start();
        LocalProxy socks = LocalProxy.start(LocalProxy.Kind.SOCKS5, "sockuser", "sock-pass-1");
        LocalProxy http = LocalProxy.start(LocalProxy.Kind.HTTP, "httpuser", "http-pass-2");
        GatewayHarness h = GatewayHarness.start(Map.of("BASE_URL", live.baseUrl(),
            "PROXIES", new JsonArray(List.of(socks.url(), http.url())).encode(),
            "API_KEYS", new JsonArray(keysOnBoth(socks, http)).encode()))) {
      live.reset();
      WebSocketClient clients = h.vertx.createWebSocketClient();
      socks.clearSeen();
      http.clearSeen();
      // The start-up model list may have gone through the HTTP proxy as a forwarded request.
      int forwardedBefore = http.tunnels() - http.connectTunnels();
      for (int i = 0; i < 8; i++) {
        WebSocket client = session(h, clients);
        String key = live.nextSession().key();
        assertThat(socks.keysSeen().contains(key) ^ http.keysSeen().contains(key)).as("key %s via one proxy", key)
            .isTrue();
        client.close();
      }
      // Both proxies carried sessions: the keys hash to both.
      assertThat(socks.keysSeen()).isNotEmpty();
      assertThat(http.keysSeen()).isNotEmpty();
      // The WebSocket goes through the HTTP proxy in a CONNECT tunnel (with Basic credentials).
      assertThat(http.connectTunnels()).isPositive();
      assertThat(http.tunnels() - http.connectTunnels()).isEqualTo(forwardedBefore);
      socks.close();
      http.clearSeen();
      for (int i = 0; i < 8; i++) {
        WebSocket client = session(h, clients);
        String key = live.nextSession().key();
        assertThat(http.keysSeen()).contains(key);
        client.close();
      }
      long now = System.currentTimeMillis();
      for (PoolSnapshot.KeyStatus status : h.gateway.pool().snapshot().keys()) {
        assertThat(status.disabled()).isFalse();
        assertThat(status.failures()).isZero();
        assertThat(status.coolingUntilMillis()).isLessThanOrEqualTo(now);
      }
      clients.close();
    }
  }

  /** A Live session through the gateway, set up: Google's setupComplete has arrived. */
  private static WebSocket session(GatewayHarness h, WebSocketClient clients) throws Exception {
    WebSocket ws = clients.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(h.gateway.port())
        .setURI(LiveRelayTest.PATH).addHeader("x-goog-api-key", GatewayHarness.CLIENT_TOKEN))
        .await(10, TimeUnit.SECONDS);
    CompletableFuture<String> first = new CompletableFuture<>();
    ws.textMessageHandler(first::complete);
    ws.writeTextMessage(LiveRelayTest.SETUP);
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("{\"setupComplete\":{}}");
    return ws;
  }
}
