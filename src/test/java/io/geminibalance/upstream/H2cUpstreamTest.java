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

  /**
   * One upstream connection in all: the limit holds per event loop, and client connections are
   * spread over the loops, so the gateway serves on one loop here.
   */
  private static Map<String, String> oneConnection() {
    return Map.of("UPSTREAM_H2C", "true", "UPSTREAM_HTTP2_MAX_CONNECTIONS", "1", "EVENT_LOOPS", "1");
  }

  @Test
  void streamsAndUnaryCallsShareOneHttp2Connection() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(oneConnection())) {
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
  void aStreamStuckBehindASlowClientDoesNotStallItsNeighboursOnTheSameConnection() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(oneConnection())) {
      java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
      h.fake.on(r -> r.bodyText().contains("firehose"), Replies.firehose(64L * 1024 * 1024, written));
      h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
          Replies.sse(List.of(Replies.chunk("a"), Replies.finalChunk("b")), 100));
      java.net.http.HttpClient separate = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      HttpResponse<java.io.InputStream> slow = separate.send(h.request(STREAM, "x-goog-api-key", CLIENT_TOKEN)
          .POST(HttpRequest.BodyPublishers.ofString("{\"firehose\":1}")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      Thread.sleep(1000); // the slow client reads nothing: its upstream stream fills its window and waits
      assertThat(written.get()).isLessThan(32L * 1024 * 1024);
      long started = System.nanoTime();
      HttpResponse<String> neighbour = separate.send(h.request(STREAM, "x-goog-api-key", CLIENT_TOKEN)
          .timeout(java.time.Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(neighbour.statusCode()).isEqualTo(200);
      assertThat(neighbour.body()).endsWith("data: " + Replies.finalChunk("b") + "\r\n\r\n");
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3_000);
      assertThat(h.fake.requests().stream().map(Recorded::connection).distinct()).hasSize(1);
      slow.body().close();
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
