package io.geminibalance.upstream;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.PoolSnapshot;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LocalProxy;
import io.geminibalance.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * PROXIES through real proxies on loopback ports (a SOCKS5 and an HTTP proxy, both with
 * user:password): every call to Google goes through the proxy the key hashes to; a proxy that
 * goes away is skipped without any key being blamed, and comes back after a check; with every
 * proxy down the client gets a 503 naming them, credentials masked.
 */
class UpstreamProxyTest {
  static final String UNARY = "/v1beta/models/gemini-2.5-flash:generateContent";
  static final List<String> KEYS = IntStream.range(0, 12).mapToObj(i -> "key-proxy-" + i + "-abcdef").toList();

  private static Map<String, String> env(LocalProxy... proxies) {
    Map<String, String> env = new HashMap<>();
    env.put("API_KEYS", new JsonArray(KEYS).encode());
    env.put("PROXIES", new JsonArray(java.util.Arrays.stream(proxies).map(LocalProxy::url).toList()).encode());
    env.put("MAX_RETRIES", "1");
    return env;
  }

  /** The proxy each key goes through while all are up, as a fresh ring computes it. */
  private static Map<String, String> expectedProxyByKey(LocalProxy... proxies) {
    Vertx vertx = Vertx.vertx();
    try (UpstreamProxies ring = new UpstreamProxies(vertx, () -> URI.create("http://127.0.0.1:1"), () -> 60_000)) {
      ring.update(java.util.Arrays.stream(proxies).map(p -> ProxyAddress.parse(p.url())).toList(), true);
      return KEYS.stream().collect(Collectors.toMap(k -> k, k -> ring.proxyFor(new ApiKey(k))));
    } finally {
      vertx.close();
    }
  }

  private static HttpResponse<String> generate(GatewayHarness h) {
    return h.post(UNARY, "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}", "x-goog-api-key", CLIENT_TOKEN);
  }

  private static void assertNoKeyBlamed(GatewayHarness h) {
    long now = System.currentTimeMillis();
    for (PoolSnapshot.KeyStatus status : h.gateway.pool().snapshot().keys()) {
      assertThat(status.disabled()).as("disabled: %s", status.key()).isFalse();
      assertThat(status.failures()).as("failures: %s", status.key()).isZero();
      assertThat(status.coolingUntilMillis()).as("cooling: %s", status.key()).isLessThanOrEqualTo(now);
    }
  }

  @Test
  void eachKeyGoesThroughTheProxyItHashesTo() {
    try (LocalProxy socks = LocalProxy.start(LocalProxy.Kind.SOCKS5, "sockuser", "sock-pass-1");
        LocalProxy http = LocalProxy.start(LocalProxy.Kind.HTTP, "httpuser", "http-pass-2");
        GatewayHarness h = GatewayHarness.start(env(socks, http))) {
      Map<String, String> expected = expectedProxyByKey(socks, http);
      assertThat(expected.values()).contains(socks.masked(), http.masked());
      socks.clearSeen();
      http.clearSeen();
      for (int i = 0; i < 36; i++) {
        assertThat(generate(h).statusCode()).isEqualTo(200);
      }
      List<String> upstreamKeys = h.fake.requests(":generateContent").stream().map(r -> r.key()).toList();
      assertThat(upstreamKeys).hasSize(36);
      for (String key : upstreamKeys) {
        LocalProxy through = expected.get(key).equals(socks.masked()) ? socks : http;
        LocalProxy other = through == socks ? http : socks;
        assertThat(through.keysSeen()).as("key %s via %s", key, through.masked()).contains(key);
        assertThat(other.keysSeen()).as("key %s not via %s", key, other.masked()).doesNotContain(key);
      }
      assertThat(socks.keysSeen().size() + http.keysSeen().size()).isEqualTo(36);
      assertThat(socks.tunnels()).isPositive();
      assertThat(http.tunnels()).isPositive();
      // A plain http:// BASE_URL goes through an HTTP proxy as forwarded requests, not CONNECT.
      assertThat(http.connectTunnels()).isZero();
      assertNoKeyBlamed(h);
    }
  }

  @Test
  void aStoppedProxyIsSkippedWithoutBlameAndComesBackAfterACheck() throws Exception {
    LocalProxy socks = LocalProxy.start(LocalProxy.Kind.SOCKS5, "sockuser", "sock-pass-1");
    LocalProxy http = LocalProxy.start(LocalProxy.Kind.HTTP, "httpuser", "http-pass-2");
    Map<String, String> env = env(socks, http);
    env.put("PROXY_RECHECK_SECONDS", "1");
    try (GatewayHarness h = GatewayHarness.start(env)) {
      Map<String, String> expected = expectedProxyByKey(socks, http);
      int socksPort = socks.port();
      socks.close();
      http.clearSeen();
      for (int i = 0; i < 24; i++) {
        HttpResponse<String> answer = generate(h);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      }
      // The keys of the stopped proxy went through the other one, with the same keys (no retry).
      List<String> socksKeys = KEYS.stream().filter(k -> expected.get(k).equals(socks.masked())).toList();
      assertThat(http.keysSeen()).containsAll(h.fake.requests(":generateContent").stream().map(r -> r.key())
          .filter(socksKeys::contains).toList());
      assertThat(h.fake.requests(":generateContent")).hasSize(24);
      assertNoKeyBlamed(h);

      // Back on its port: the re-check (every second here) puts it into service again.
      try (LocalProxy again = LocalProxy.start(LocalProxy.Kind.SOCKS5, "sockuser", "sock-pass-1", socksPort)) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (again.keysSeen().isEmpty() && System.nanoTime() < deadline) {
          assertThat(generate(h).statusCode()).isEqualTo(200);
          Thread.sleep(200);
        }
        assertThat(again.keysSeen()).isNotEmpty().allSatisfy(k -> assertThat(socksKeys).contains(k));
      }
      assertNoKeyBlamed(h);
    } finally {
      http.close();
    }
  }

  @Test
  void withEveryProxyDownTheClientGets503NamingThemAndNoKeyIsBlamed() {
    LocalProxy socks = LocalProxy.start(LocalProxy.Kind.SOCKS5, "sockuser", "sock-pass-1");
    // The HTTP proxy wants another password than PROXIES gives: it refuses every call (407).
    LocalProxy http = LocalProxy.start(LocalProxy.Kind.HTTP, "httpuser", "other-password");
    Map<String, String> env = env(socks, http);
    env.put("PROXIES", new JsonArray(List.of(socks.url(), http.url().replace("other-password", "wrong-pass-3")))
        .encode());
    try (LogCapture log = new LogCapture(); GatewayHarness h = GatewayHarness.start(env)) {
      socks.close();
      HttpResponse<String> answer = generate(h);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
      JsonObject error = new JsonObject(answer.body()).getJsonObject("error");
      assertThat(error.getString("message")).contains("No upstream proxy is reachable")
          .contains(socks.masked() + ": cannot connect to the proxy: connection refused").contains("http://***:***@127.0.0.1:" + http.port())
          .doesNotContain("sock-pass-1").doesNotContain("wrong-pass-3").doesNotContain("sockuser");
      // The same cause in the OpenAI and Anthropic shapes.
      HttpResponse<String> openAi = h.post("/v1/chat/completions", "{\"model\":\"gemini-2.5-flash\","
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "authorization", "Bearer " + CLIENT_TOKEN,
          "content-type", "application/json");
      assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(503);
      assertThat(new JsonObject(openAi.body()).getJsonObject("error").getString("message"))
          .contains("No upstream proxy is reachable").doesNotContain("sock-pass-1");
      HttpResponse<String> anthropic = h.post("/v1/messages", "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":16,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", CLIENT_TOKEN,
          "anthropic-version", "2023-06-01", "content-type", "application/json");
      assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(503);
      JsonObject anthropicError = new JsonObject(anthropic.body());
      assertThat(anthropicError.getString("type")).isEqualTo("error");
      assertThat(anthropicError.getJsonObject("error").getString("type")).isEqualTo("overloaded_error");
      assertThat(anthropicError.getJsonObject("error").getString("message")).contains("No upstream proxy is reachable");
      assertThat(h.fake.requests(":generateContent")).isEmpty();
      assertThat(h.fake.requests()).isEmpty();
      assertThat(http.refusals()).isPositive();
      assertNoKeyBlamed(h);
      // Log lines as written, before the redactor: the proxy is named masked, its credentials nowhere.
      assertThat(log.logLines()).anySatisfy(line -> assertThat(line).startsWith("WARN").contains(socks.masked())
          .contains("is down"));
      assertThat(log.logLines()).noneSatisfy(line -> assertThat(line).containsAnyOf("sock-pass-1", "wrong-pass-3"));
    } finally {
      http.close();
    }
  }

  @Test
  void rotationUsesEveryProxy() {
    try (LocalProxy socks = LocalProxy.start(LocalProxy.Kind.SOCKS5, null, null);
        LocalProxy http = LocalProxy.start(LocalProxy.Kind.HTTP, null, null)) {
      Map<String, String> env = env(socks, http);
      env.put("PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY", "false");
      env.put("API_KEYS", "[\"" + KEYS.get(0) + "\"]");
      try (GatewayHarness h = GatewayHarness.start(env)) {
        socks.clearSeen();
        http.clearSeen();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          statuses.add(generate(h).statusCode());
        }
        assertThat(statuses).containsOnly(200);
        // One key, and still both proxies: rotation does not follow the key.
        assertThat(socks.keysSeen()).contains(KEYS.get(0));
        assertThat(http.keysSeen()).contains(KEYS.get(0));
      }
    }
  }
}
