package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import io.geminibalance.testing.Reply;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Native streams whose upstream goes silent after the response headers end after TIME_OUT: with
 * a Gemini error event on SSE (as any mid-stream failure does), with a reset otherwise, and the
 * upstream request is cancelled. Over HTTP/1.1 and over h2c.
 */
class NativeStreamIdleTimeoutTest {
  static final String SSE = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
  static final String ARRAY = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";

  /** One event, then silence (the connection stays open). */
  static Reply oneEventThenSilence() {
    return (r, res, raw) -> {
      res.setStatusCode(200).putHeader("content-type", "text/event-stream").setChunked(true);
      res.write("data: " + Replies.chunk("Hello") + "\r\n\r\n");
    };
  }

  @Test
  void silentSseStreamEndsWithAnErrorEventAfterTheIdleTimeout() throws Exception {
    silentSseStreamEnds(Map.of("TIME_OUT", "1"));
  }

  @Test
  void silentSseStreamEndsOverH2cToo() throws Exception {
    silentSseStreamEnds(Map.of("TIME_OUT", "1", "UPSTREAM_H2C", "true"));
  }

  private static void silentSseStreamEnds(Map<String, String> env) throws Exception {
    try (GatewayHarness h = GatewayHarness.start(env)) {
      h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), oneEventThenSilence());
      long started = System.nanoTime();
      HttpResponse<String> r = h.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN);
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("data: " + Replies.chunk("Hello") + "\r\n\r\n");
      assertThat(r.body()).contains("data: {\"error\":{\"code\":502")
          .contains("no data from upstream for 1000 ms").endsWith("\n\n");
      assertThat(tookMillis).isBetween(900L, 5_000L);
      Recorded upstream = h.fake.requests(":streamGenerateContent").get(0);
      awaitClosed(upstream);
      assertThat(h.fake.requests(":streamGenerateContent")).as("never spliced with another key").hasSize(1);
    }
  }

  @Test
  void eventsCloserThanTheTimeoutKeepTheStreamAlive() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("TIME_OUT", "1"))) {
      // 2.4 s in all, longer than TIME_OUT, but never 1 s without an event.
      h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(Replies.chunk("a"),
          Replies.chunk("b"), Replies.chunk("c"), Replies.chunk("d"), Replies.finalChunk("e")), 600));
      HttpResponse<String> r = h.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).doesNotContain("error").endsWith("data: " + Replies.finalChunk("e") + "\r\n\r\n");
    }
  }

  @Test
  void silentJsonArrayStreamIsResetAfterTheIdleTimeout() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("TIME_OUT", "1"))) {
      h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), (r, res, raw) -> {
        res.setStatusCode(200).putHeader("content-type", "application/json").setChunked(true);
        res.write("[{\"candidates\":[]}");
      });
      assertThatThrownBy(() -> h.http.send(h.request(ARRAY, "x-goog-api-key", CLIENT_TOKEN)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
      awaitClosed(h.fake.requests(":streamGenerateContent").get(0));
    }
  }

  private static void awaitClosed(Recorded upstream) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (!upstream.closedByCaller() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(upstream.closedByCaller()).as("upstream request cancelled").isTrue();
  }
}
