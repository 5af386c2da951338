package io.geminibalance.app;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.RawHttp;
import io.geminibalance.testing.Replies;
import io.vertx.core.Future;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link Gateway#shutdown} in this JVM, for what the connections do while it drains: an idle
 * keep-alive connection is closed, a new one is answered (health 503 "draining", data plane 503,
 * both with Connection: close), a stream in flight goes on to its end, and the shutdown completes
 * once it has.
 */
class GatewayDrainTest {
  private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

  @Test
  void drainingClosesIdleConnectionsRefusesNewRequestsAndLetsTheStreamFinish() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("EVENT_LOOPS", "2"))) {
      List<String> events = new ArrayList<>(IntStream.range(0, 8).mapToObj(i -> Replies.chunk("d" + i)).toList());
      events.add(Replies.finalChunk(" last"));
      h.fake.on(r -> r.path().endsWith(":streamGenerateContent"), Replies.sse(events, 250));
      CompletableFuture<HttpResponse<String>> stream = h.http.sendAsync(h.request(STREAM, "x-goog-api-key",
          CLIENT_TOKEN).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      for (int i = 0; i < 400 && h.fake.requests(":streamGenerateContent").isEmpty(); i++) {
        Thread.sleep(25);
      }
      assertThat(h.fake.requests(":streamGenerateContent")).hasSize(1);
      Future<Void> stopped;
      try (RawHttp idle = RawHttp.open(h.gateway.port())) {
        idle.send("GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n");
        assertThat(idle.read().status()).isEqualTo(200);

        stopped = h.gateway.shutdown(Duration.ofSeconds(60));

        assertThat(idle.closedWithin(10_000)).as("idle keep-alive connection closed by the drain").isTrue();
      }
      RawHttp.Answer health = RawHttp.exchange(h.gateway.port(), "GET", "/health", null);
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.body()).contains("\"status\":\"draining\"");
      RawHttp.Answer anthropic = RawHttp.exchange(h.gateway.port(), "POST", "/v1/messages", "{}",
          "x-api-key", CLIENT_TOKEN, "x-request-id", "drain-anthropic");
      assertThat(anthropic.status()).isEqualTo(503);
      assertThat(anthropic.body()).contains("\"type\":\"error\"");
      assertThat(anthropic.header("x-request-id")).isEqualTo("drain-anthropic");
      assertThat(anthropic.header("connection")).isEqualTo("close");
      assertThat(anthropic.header("retry-after")).isEqualTo("1");

      HttpResponse<String> streamed = stream.get(60, TimeUnit.SECONDS);
      assertThat(streamed.statusCode()).isEqualTo(200);
      assertThat(streamed.body()).contains("d0", "d7", " last");
      stopped.await(60, TimeUnit.SECONDS);
      assertThat(stopped.succeeded()).isTrue();
    }
  }
}
