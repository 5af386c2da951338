package io.geminibalance.upstream;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import io.vertx.core.http.HttpVersion;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * UPSTREAM_H2C=true: a plain-http upstream is spoken to in cleartext HTTP/2 with prior knowledge,
 * so concurrent calls (streams and unary) are multiplexed over one connection.
 */
class H2cUpstreamTest {
  static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
  static final String UNARY = "/v1beta/models/gemini-2.5-flash:generateContent";

  @Test
  void streamsAndUnaryCallsShareOneHttp2Connection() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("UPSTREAM_H2C", "true",
        "UPSTREAM_HTTP2_MAX_CONNECTIONS", "1"))) {
      h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
          Replies.sse(List.of(Replies.chunk("a"), Replies.chunk("b"), Replies.finalChunk("c")), 300));
      List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        streams.add(h.http.sendAsync(h.request(STREAM, "x-goog-api-key", CLIENT_TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
      }
      // Unary calls while the streams are open.
      Thread.sleep(150);
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> unary = h.post(UNARY, "{}", "x-goog-api-key", CLIENT_TOKEN);
        assertThat(unary.statusCode()).isEqualTo(200);
        assertThat(unary.body()).isEqualTo(Replies.TEXT_RESPONSE);
      }
      for (CompletableFuture<HttpResponse<String>> f : streams) {
        HttpResponse<String> r = f.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("data: " + Replies.chunk("a") + "\r\n\r\ndata: " + Replies.chunk("b")
            + "\r\n\r\ndata: " + Replies.finalChunk("c") + "\r\n\r\n");
      }
      List<Recorded> calls = h.fake.requests();
      assertThat(calls).hasSize(8);
      assertThat(calls).allSatisfy(c -> assertThat(c.version()).isEqualTo(HttpVersion.HTTP_2));
      assertThat(calls.stream().map(Recorded::connection).distinct()).hasSize(1);
      // The streams were in flight together (each takes 600 ms upstream), not one after another.
      List<Recorded> streamCalls = h.fake.requests(":streamGenerateContent");
      long spread = streamCalls.stream().mapToLong(Recorded::receivedNanos).max().getAsLong()
          - streamCalls.stream().mapToLong(Recorded::receivedNanos).min().getAsLong();
      assertThat(spread).isLessThan(500_000_000L);
    }
  }

  @Test
  void plainHttpUpstreamStaysOnHttp11ByDefault() {
    try (GatewayHarness h = GatewayHarness.start()) {
      HttpResponse<String> r = h.post(UNARY, "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(h.fake.requests().get(0).version()).isEqualTo(HttpVersion.HTTP_1_1);
    }
  }
}
