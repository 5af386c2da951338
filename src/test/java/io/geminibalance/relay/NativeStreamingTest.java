package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NativeStreamingTest {
  static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  @Test
  void eachEventIsRelayedAsItArrivesWithItsBlankLine() throws Exception {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
        Replies.sse(List.of(Replies.chunk("a"), Replies.chunk("b"), Replies.finalChunk("c")), 300));
    HttpRequest req = h.request(STREAM, "x-goog-api-key", CLIENT_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    HttpResponse<InputStream> r = h.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("text/event-stream"));
    List<Long> arrivals = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("data: ")) {
          arrivals.add(System.nanoTime());
        }
      }
    }
    assertThat(lines).containsExactly("data: " + Replies.chunk("a"), "", "data: " + Replies.chunk("b"), "",
        "data: " + Replies.finalChunk("c"), "");
    // Spaced 300 ms upstream -> still spaced at the client: nothing was held back and batched.
    assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).isGreaterThan(Duration.ofMillis(200));
    assertThat(Duration.ofNanos(arrivals.get(2) - arrivals.get(1))).isGreaterThan(Duration.ofMillis(200));
  }

  @Test
  void oddlySplitUpstreamFramesAreReassembledAndTheLastEventTerminated() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.rawPieces("text/event-stream",
        List.of("da", "ta: {\"n\":1}\r", "\n\r\ndata: {\"n\":2}\n", "\ndata: {\"n\":", "3}"), 5));
    HttpResponse<String> r = h.post(STREAM, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.body()).isEqualTo("data: {\"n\":1}\r\n\r\ndata: {\"n\":2}\n\ndata: {\"n\":3}\n\n");
  }

  @Test
  void jsonArrayStreamWithoutAltSsePassesThroughUnchanged() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.rawPieces("application/json",
        List.of("[{\"a\":1}", ",\r\n{\"b\":2}", "]"), 5));
    HttpResponse<String> r = h.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent", "{}",
        "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("[{\"a\":1},\r\n{\"b\":2}]");
  }

  @Test
  void midStreamFailureEndsWithAnErrorEventAndIsNeverSplicedWithAnotherKey() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
        Replies.sseCut(List.of(Replies.chunk("one"), Replies.chunk("two"), Replies.chunk("three")), 20, 2));
    HttpResponse<String> r = h.post(STREAM, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("data: " + Replies.chunk("one") + "\r\n\r\ndata: " + Replies.chunk("two") + "\r\n\r\n");
    assertThat(r.body()).contains("data: {\"error\":{\"code\":502").endsWith("\n\n").doesNotContain("three");
    assertThat(h.fake.requests(":streamGenerateContent")).hasSize(1);
  }

  @Test
  void streamFailingBeforeItsFirstByteIsRetriedOnAnotherKey() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.googleError(503, "UNAVAILABLE", "overloaded"), 1);
    HttpResponse<String> r = h.post(STREAM, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("Hello");
    List<Recorded> calls = h.fake.requests(":streamGenerateContent");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).key()).isNotEqualTo(calls.get(1).key());
  }

  @Test
  void clientDisconnectCancelsTheUpstreamRequest() throws Exception {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
        Replies.sse(List.of(Replies.chunk("first"), Replies.chunk("never")), 60_000));
    HttpRequest req = h.request(STREAM, "x-goog-api-key", CLIENT_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    HttpResponse<InputStream> r = h.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    InputStream body = r.body();
    byte[] first = new byte[10];
    assertThat(body.read(first)).isPositive();
    body.close();
    Recorded upstream = h.fake.requests(":streamGenerateContent").get(0);
    long deadline = System.currentTimeMillis() + 5000;
    while (!upstream.closedByCaller() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(upstream.closedByCaller()).as("upstream connection closed after client left").isTrue();
  }

  @Test
  void slowClientPausesTheUpstreamReadSoMemoryStaysBounded() throws Exception {
    AtomicLong written = new AtomicLong();
    // Large enough that socket buffers on the way (several MiB each on loopback) cannot hide it.
    long total = 256L * 1024 * 1024;
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.firehose(total, written));
    HttpRequest req = h.request(STREAM, "x-goog-api-key", CLIENT_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    HttpResponse<InputStream> r = h.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    Thread.sleep(1500); // the client reads nothing for a while
    long writtenWhileStalled = written.get();
    assertThat(writtenWhileStalled).as("upstream bytes sent while the client was not reading")
        .isLessThan(total / 5);
    long read = 0;
    try (InputStream in = r.body()) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        read += n;
      }
    }
    assertThat(read).isEqualTo(written.get()).isGreaterThanOrEqualTo(total);
  }
}
